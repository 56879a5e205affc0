"""Password rules beyond Django's defaults (DESIGN §2, issue #14 item 6).

A bundled list of 100,000 common passwords (data/README.md says where it comes from) and a
refusal of passwords made of a few characters repeated ("aaaaaaaaaaaa", "abababababab"), which
pass a length rule and appear in no list.
"""

from pathlib import Path

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

COMMON_PASSWORDS_100K = Path(__file__).resolve().parent / "data" / "common-passwords-100k.txt.gz"


class BundledCommonPasswordValidator(CommonPasswordValidator):
    """Django's validator, reading the bundled 100,000-password list instead of its own 20,000."""

    def __init__(self, password_list_path=COMMON_PASSWORDS_100K):
        super().__init__(password_list_path)


class VarietyValidator:
    """At least `min_distinct` different characters: a long run of one or two is guessed first."""

    def __init__(self, min_distinct: int = 5):
        self.min_distinct = min_distinct

    def validate(self, password: str, user=None) -> None:
        if len(set(password.lower())) < self.min_distinct:
            raise ValidationError(
                f"This password repeats too few characters: use at least {self.min_distinct} different ones.",
                code="password_too_repetitive",
            )

    def get_help_text(self) -> str:
        return f"Your password must contain at least {self.min_distinct} different characters."

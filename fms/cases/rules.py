"""Pure domain rules: identifier formats, and the AECA 36(b) test of a case's working lines.

No ORM here. The 36(b) thresholds themselves are fms.notifications.rules' (DESIGN §4.4).
"""

import datetime as dt
import re
from decimal import Decimal

from fms.notifications import rules as notification_rules
from fms.notifications.rules import NOTIFICATION_THRESHOLDS

CASE_ID_PATTERN = r"^[A-Z0-9]{2}-[A-Z]-[A-Z0-9]{3}$"
LINE_NUMBER_PATTERN = r"^(00[1-9]|0[1-9][0-9]|[1-9][0-9]{2})$"
# MASL: a 3-character generic code followed by a 13-character number, which never uses the letters
# O and I (they would be read as zero and one).
MASL_PATTERN = r"^[A-Z0-9]{3}[A-HJ-NP-Z0-9]{13}$"
# DoD unit of issue: two capital letters (EA each, LO lot, MO month...).
UNIT_OF_ISSUE_PATTERN = r"^[A-Z]{2}$"

MONEY_MAX_DIGITS = 15
MONEY_DECIMAL_PLACES = 2
MONEY_MAX = Decimal("9999999999999.99")
OFFER_VALIDITY_DAYS = 85

# Free text, in characters: longer text is refused naming the field (never cut). The API's
# serializers, the admin's forms and the services all read these.
TEXT_LIMITS = {"title": 200, "description": 10_000, "notes": 20_000, "comment": 10_000}


def text_over_limit(values: dict[str, object]) -> dict[str, list[str]]:
    """{field: [message]} for each text in `values` longer than its limit in TEXT_LIMITS."""
    return {
        name: [f"At most {limit:,} characters ({len(value):,} given)."]
        for name, value in values.items()
        if (limit := TEXT_LIMITS.get(name)) is not None and isinstance(value, str) and len(value) > limit
    }


def normalise_masl(value: str) -> str:
    """A MASL as typed (spaces, dashes, lower case) in its stored form; the format is checked later."""
    return re.sub(r"[\s-]", "", value or "").upper()


def masl_problem(masl: str) -> str | None:
    """Why a (normalised) MASL is not acceptable, or None."""
    if not masl or re.fullmatch(MASL_PATTERN, masl):
        return None
    if len(masl) == 16 and re.search("[OI]", masl[3:]):
        return "The 13-character MASL number never contains the letters O or I (write 0 and 1)."
    return "A MASL is a 3-character generic code and a 13-character number (spaces and dashes are ignored)."


def notification_required(
    *, review_group: str, mde_value: Decimal, total_value: Decimal, design_construction_value: Decimal
) -> bool:
    """True when a case meets or exceeds any 36(b) threshold of this review group (fms.notifications.rules)."""
    return notification_rules.notification_required(
        thresholds=NOTIFICATION_THRESHOLDS[review_group],
        mde_value=mde_value,
        total_value=total_value,
        design_construction_value=design_construction_value,
    )


def offer_expiry(offered_on: dt.date) -> dt.date:
    return offered_on + dt.timedelta(days=OFFER_VALIDITY_DAYS)

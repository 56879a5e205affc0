"""Users. Roles are Django groups (see roles.py); a client user belongs to one purchaser."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person or system that signs in. Client users are bound to exactly one purchaser."""

    purchaser = models.ForeignKey(
        "cases.Purchaser",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="For client users: the purchaser (country) whose records they may read.",
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

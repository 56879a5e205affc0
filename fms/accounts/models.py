"""Users. Roles are Django groups (see roles.py); a client user belongs to one purchaser."""

import pgtrigger
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class User(AbstractUser):
    """A person or system that signs in. Client users are bound to exactly one purchaser."""

    purchaser = models.ForeignKey(
        "reference.Purchaser",
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


class ApiToken(models.Model):
    """A bearer token for the API. The secret is shown once at creation; only its HMAC is stored.

    A client user's token is bound to the client's purchaser and is read-only. What a token may
    do (user, purchaser, read-only, expiry) never changes after creation: issue a new one instead.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True, help_text="What the token is for, e.g. 'JA nightly sync'.")
    prefix = models.CharField(max_length=12, db_index=True, help_text="The first characters of the secret.")
    digest = models.CharField(max_length=64, unique=True, help_text="HMAC-SHA256 of the secret.")
    purchaser = models.ForeignKey(
        "reference.Purchaser", on_delete=models.PROTECT, null=True, blank=True, related_name="api_tokens"
    )
    read_only = models.BooleanField(default=False)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="Empty: the command line."
    )

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=F("created_at")), name="apitoken_expires_after_creation"),
            models.CheckConstraint(
                condition=Q(purchaser__isnull=True) | Q(read_only=True), name="apitoken_purchaser_bound_is_read_only"
            ),
            models.CheckConstraint(condition=Q(digest__regex=r"^[0-9a-f]{64}$"), name="apitoken_digest_is_hmac_hex"),
        ]
        triggers = [
            pgtrigger.ReadOnly(
                name="apitoken_scope_immutable",
                fields=["user", "prefix", "digest", "purchaser", "read_only", "expires_at", "created_at", "issued_by"],
            ),
            pgtrigger.Protect(
                name="apitoken_revocation_is_final",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(
                    old__revoked_at__isnull=False, new__revoked_at__df=pgtrigger.F("old__revoked_at")
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user.username}{', ' + self.name if self.name else ''})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

"""API tokens: issue, revoke, and resolve a presented secret. The only code that writes tokens."""

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fms.accounts.models import ApiToken, User
from fms.accounts.roles import CLIENT
from fms.core.errors import NotAllowed, ValidationFailed

SECRET_PREFIX = "fms_"
LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


def token_digest(secret: str) -> str:
    return hmac.new(settings.TOKEN_HMAC_KEY.encode(), secret.encode(), hashlib.sha256).hexdigest()


def _is_client(user: User) -> bool:
    return user.purchaser_id is not None or user.groups.filter(name=CLIENT).exists()


def token_issue(
    *,
    actor: User | None,
    user: User,
    days: int,
    purchaser_code: str | None = None,
    read_only: bool = False,
    name: str = "",
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never stored and cannot be shown again.

    `actor` None means an operator at the command line. Only administrators create tokens for
    someone else. A client's token is bound to the client's purchaser and is read-only.
    """
    if actor is not None and actor.pk != user.pk and not actor.is_superuser:
        raise NotAllowed("Only an administrator can create a token for someone else.")
    if not user.is_active:
        raise ValidationFailed({"user": [f"{user.username} is not active."]})
    max_days = settings.TOKEN_MAX_DAYS
    if not 1 <= days <= max_days:
        raise ValidationFailed({"days": [f"A token lives from 1 to {max_days} days."]})
    if _is_client(user):
        if user.purchaser_id is None:
            raise ValidationFailed({"user": [f"{user.username} is a client without a purchaser; set one first."]})
        if purchaser_code and purchaser_code.upper() != user.purchaser_id:
            raise ValidationFailed({"purchaser": [f"{user.username} belongs to {user.purchaser_id}."]})
        purchaser_code, read_only = user.purchaser_id, True
    elif purchaser_code:
        raise ValidationFailed({"purchaser": ["Only client users' tokens are bound to a purchaser."]})

    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:12],
        digest=token_digest(secret),
        purchaser_id=purchaser_code,
        read_only=read_only,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
        created_by=actor,
    )
    return token, secret


def token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke a token at once; revocation cannot be undone."""
    if actor is not None and actor.pk != token.user_id and not actor.is_superuser:
        raise NotAllowed("Only an administrator can revoke someone else's token.")
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


def token_for_secret(secret: str) -> ApiToken | None:
    """The active token for a presented secret, or None. Records use at most once a minute."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.purchaser_id != token.user.purchaser_id:
        return None  # the user's purchaser changed since the token was issued: it no longer fits
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token

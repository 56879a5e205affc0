"""API tokens: issue, revoke, and resolve a presented secret. The only code that writes tokens."""

import datetime as dt
import hashlib
import hmac
import secrets
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from fms.accounts import selectors
from fms.accounts.mfa import mfa_required
from fms.accounts.models import ApiToken, User
from fms.accounts.roles import CLIENT
from fms.accounts.signin import COMMAND, SESSION_MFA, current_via
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
    someone else, and only for client and system accounts (not staff); a purchaser's own
    administrator, for its purchaser's client users (DESIGN §5). Users whose role needs MFA create
    their own tokens only from a session that passed the second factor. A client's token is bound
    to the client's purchaser and is read-only. The token records who issued it.
    """
    if actor is not None and actor.pk != user.pk and not actor.is_superuser and not selectors.administers(actor, user):
        raise NotAllowed("Only an administrator can create a token for someone else.")
    if actor is not None and actor.pk != user.pk and user.is_staff:
        # A token acts as its user: one issued for a reviewer would let the issuer decide in their name.
        raise NotAllowed(
            f"{user.username} is a staff user: only they can create their own tokens. "
            "Administrators issue tokens for client and system accounts only."
        )
    if (
        actor is not None
        and actor.pk == user.pk
        and current_via() not in (SESSION_MFA, COMMAND)
        and mfa_required(actor)
    ):
        # A token outlives the session and skips the second factor: in a request, only a session that
        # passed it issues one (outside a request, `command`, is an operator's shell).
        raise NotAllowed("Sign in with your second factor before you create an API token for yourself.")
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
        issued_by=actor,
    )
    return token, secret


def token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke a token at once; revocation cannot be undone."""
    if actor is not None and not selectors.tokens_revocable_by(actor).filter(pk=token.pk).exists():
        raise NotAllowed("Only an administrator can revoke someone else's token.")
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


@cache
def _token_lookup() -> tuple[str, list[str], list[str]]:
    """The SQL that finds an active token with its user, written once from the models' fields.

    Every API request runs it: built by the ORM, compiling it cost more than PostgreSQL took to
    answer it (bench/README.md).
    """
    token_fields = [field.attname for field in ApiToken._meta.concrete_fields]
    user_fields = [field.attname for field in User._meta.concrete_fields]
    quote = connection.ops.quote_name
    user_column = ApiToken._meta.get_field("user").column
    columns = [f"t.{quote(ApiToken._meta.get_field(name).column)}" for name in token_fields]
    columns += [f"u.{quote(User._meta.get_field(name).column)}" for name in user_fields]
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(ApiToken._meta.db_table)} t "  # noqa: S608 - names from models
        f"JOIN {quote(User._meta.db_table)} u ON u.{quote(User._meta.pk.column)} = t.{quote(user_column)} "
        "WHERE t.digest = %s AND t.revoked_at IS NULL AND t.expires_at > %s"
    )
    return sql, token_fields, user_fields


def token_for_secret(secret: str) -> ApiToken | None:
    """The active token for a presented secret, with its user, or None. Records use at most once a minute."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    now = timezone.now()
    sql, token_fields, user_fields = _token_lookup()
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_digest(secret), now])
        row = cursor.fetchone()
    if row is None:
        return None
    token = ApiToken.from_db(connection.alias, token_fields, row[: len(token_fields)])
    token.user = User.from_db(connection.alias, user_fields, row[len(token_fields) :])
    if not token.user.is_active:
        return None
    if token.purchaser_id != token.user.purchaser_id:
        return None  # the user's purchaser changed since the token was issued: it no longer fits
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token

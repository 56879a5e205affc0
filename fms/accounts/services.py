"""API tokens: issue, revoke, and resolve a presented secret. The only code that writes tokens."""

import datetime as dt
import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from fms.accounts import selectors
from fms.accounts.mfa import mfa_required
from fms.accounts.models import ApiToken, User
from fms.accounts.roles import CLIENT, CLIENT_ROLES
from fms.accounts.signin import COMMAND, SESSION_MFA, current_via
from fms.core.api import throttling
from fms.core.errors import NotAllowed, ValidationFailed
from fms.core.prepared import prepared_cursor

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
    """The one statement that resolves a presented secret: a call of fms_token_lookup (accounts migrations
    0008, 0009), whose columns are read as the models' fields, in order.

    It does in one round trip what a request needs before its own read: find the active token of an active
    user whose purchaser still fits, with the user's permissions (ModelBackend's sets), whether the user
    holds a purchaser's role and the digest of the user's grants; mark the token used (at most once a
    minute); and, given a period, count the request against the token's rate limit. The function keeps its
    plans per server connection, also behind PgBouncer; built by the ORM, compiling it cost more than
    PostgreSQL took to answer it.
    """
    token_fields = [field.attname for field in ApiToken._meta.concrete_fields]
    user_fields = [field.attname for field in User._meta.concrete_fields]
    quote = connection.ops.quote_name
    columns = [f"(r.token).{quote(ApiToken._meta.get_field(name).column)}" for name in token_fields]
    columns += [f"(r.token_user).{quote(User._meta.get_field(name).column)}" for name in user_fields]
    columns += ["r.own_permissions", "r.group_permissions", "r.client_role", "r.grants", "r.hits", "r.seconds_left"]
    sql = (
        f"SELECT {', '.join(columns)} FROM fms_token_lookup("  # noqa: S608 - names from the models
        "%(digest)s, %(now)s, %(stale)s, %(client_roles)s, %(rate_key)s, %(period)s) r"
    )
    return sql, token_fields, user_fields


TOKEN_CHECK = "SELECT token_id, grants, hits, seconds_left FROM fms_token_check(%s, %s, %s, %s)"


@dataclass(frozen=True)
class _Known:
    """What fms_token_lookup answered for a token, kept while the token's checks find its grants unchanged."""

    row: tuple  # the token's and the user's columns, the permissions and the client role
    token_id: int
    grants: str
    looked_up_at: dt.datetime


# Per process, by secret digest, least recently used first. A token is looked up again after
# TOKEN_CACHE_SECONDS, which bounds how long a change of what a group grants (not of the user's
# own groups or permissions) can take to reach a token already known; everything else is checked per request.
_known: OrderedDict[str, _Known] = OrderedDict()
KNOWN_TOKENS_MAX = 1024


_known_lock = threading.Lock()  # a threaded server (runserver, gthread) shares one _known


def _known_token(digest: str, now: dt.datetime) -> _Known | None:
    with _known_lock:
        known = _known.get(digest)
        if known is None or now - known.looked_up_at >= dt.timedelta(seconds=settings.TOKEN_CACHE_SECONDS):
            return None
        _known.move_to_end(digest)
        return known


def _remember(digest: str, known: _Known) -> None:
    with _known_lock:
        _known[digest] = known
        _known.move_to_end(digest)
        while len(_known) > KNOWN_TOKENS_MAX:
            _known.popitem(last=False)


def _forget(digest: str) -> None:
    with _known_lock:
        _known.pop(digest, None)


def token_for_secret(secret: str, *, count_rate: bool = False) -> ApiToken | None:
    """The active token for a presented secret, with its user, or None. Records use at most once a minute.

    `count_rate` (the API's authentication) also counts this request against the token's rate limit in
    the same statement, when PostgreSQL keeps the counters: `token.counted_hit` is (key, hits, seconds
    left) for TokenRateThrottle. The user comes with its permissions loaded, so a request answered
    with a token costs this one round trip before its own read.

    A token this process looked up less than TOKEN_CACHE_SECONDS ago is only checked (fms_token_check):
    still active, its user active and of its purchaser, the user's superuser and staff flags, groups and
    own permissions as they were. Then the request is answered with what the lookup found, else the token
    is looked up again. Revocation, expiry, deactivation and a role taken away take effect at once.
    """
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    now = timezone.now()
    period = throttling.token_rate_period() if count_rate else None
    digest = token_digest(secret)
    rate_key = throttling.rate_key(throttling.TokenRateThrottle.scope, "")
    counting = period is not None
    known, counted = _known_token(digest, now), None
    if known is not None:
        with prepared_cursor(connection) as cursor:
            cursor.execute(TOKEN_CHECK, [digest, now, rate_key, period])
            checked = cursor.fetchone()
        if checked is None:
            _forget(digest)
            return None
        if checked[:2] == (known.token_id, known.grants):
            return _token_of(known.row, counted=checked[2:] if counting else None, now=now)
        counted, period = checked[2:], None  # counted by the check: the lookup below must not count it again
    sql, token_fields, user_fields = _token_lookup()
    params = {
        "digest": digest,
        "now": now,
        "stale": now - LAST_USED_GRANULARITY,
        "client_roles": list(CLIENT_ROLES),
        "rate_key": rate_key,
        "period": period,
    }
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        _forget(digest)
        return None
    found_at = len(token_fields) + len(user_fields) + 3
    if settings.TOKEN_CACHE_SECONDS > 0:
        _remember(digest, _Known(row[:found_at], row[0], row[found_at], now))
    if counting and counted is None:
        counted = row[found_at + 1 :]
    return _token_of(row[:found_at], counted=counted if counting else None, now=now)


def _token_of(row: tuple, *, counted: tuple | None, now: dt.datetime) -> ApiToken:
    """The token and its user (permissions loaded) from the lookup's columns; `counted` is (hits, seconds left)."""
    _, token_fields, user_fields = _token_lookup()
    split, perms_at = len(token_fields), len(token_fields) + len(user_fields)
    token = ApiToken.from_db(connection.alias, token_fields, row[:split])
    token.user = user = User.from_db(connection.alias, user_fields, row[split:perms_at])
    own_permissions, group_permissions, client_role = row[perms_at : perms_at + 3]
    # ModelBackend's own caches, so has_perm() asks nothing more in this request.
    user._user_perm_cache, user._group_perm_cache = set(own_permissions), set(group_permissions)
    user._perm_cache = user._user_perm_cache | user._group_perm_cache
    setattr(user, selectors.CLIENT_ROLE_CACHE, client_role)
    if counted is not None:
        hits, left = counted
        token.counted_hit = (throttling.rate_key(throttling.TokenRateThrottle.scope, str(token.pk)), hits, left)
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_GRANULARITY:
        token.last_used_at = now
    return token

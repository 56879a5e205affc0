"""Reads of the accounts app that depend on who asks (DESIGN §6: selectors are the only scoped reads).

Purchaser administration: who a purchaser's administrator (`client_admin`, DESIGN §2 and §5) may
act on — its own purchaser's `client` and `client_officer` users, and nobody else: not itself, not
another administrator, not a staff user or superuser, not another purchaser's people. A user
outside that scope is not found (404), exactly like one that does not exist.

The read audit: all of it for auditors and operators, a purchaser's part for its client_admin.
"""

import datetime as dt
import re

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.dateparse import parse_date, parse_datetime

from fms.accounts.models import ApiToken, ReadAudit, User
from fms.accounts.roles import CLIENT_ROLES, ROLES_A_CLIENT_ADMIN_GRANTS

MANAGE = "accounts.manage_purchaser_users"
# Where holds_client_role() keeps its answer for the request; the token lookup fills it in the same statement.
CLIENT_ROLE_CACHE = "_holds_client_role"


def holds_client_role(user: User) -> bool:
    """Whether the user is in a purchaser's group (client, client_officer, client_admin), read once per request."""
    if not hasattr(user, CLIENT_ROLE_CACHE):
        setattr(user, CLIENT_ROLE_CACHE, user.groups.filter(name__in=CLIENT_ROLES).exists())
    return getattr(user, CLIENT_ROLE_CACHE)


def is_purchaser_admin(user: User) -> bool:
    """A purchaser's administrator: bound to a purchaser and holding the management permission.

    An operator (superuser) manages users in the admin, not here: this is the purchaser's own scope.
    """
    return bool(
        user.is_authenticated
        and user.is_active
        and user.purchaser_id
        and not user.is_superuser
        and not user.is_staff
        and user.has_perm(MANAGE)
    )


def administered_users(admin: User) -> QuerySet[User]:
    """The users `admin` may create, deactivate and issue tokens for (none unless a purchaser's administrator)."""
    if not is_purchaser_admin(admin):
        return User.objects.none()
    other_roles = Group.objects.exclude(name__in=ROLES_A_CLIENT_ADMIN_GRANTS)
    return (
        User.objects.filter(purchaser_id=admin.purchaser_id, is_staff=False, is_superuser=False)
        .exclude(pk=admin.pk)
        .exclude(groups__in=other_roles)
        .exclude(user_permissions__isnull=False)  # a permission given one by one is an operator's decision
    )


def administered_user(admin: User, username: str) -> User:
    """One user in `admin`'s scope, or User.DoesNotExist."""
    return administered_users(admin).get(username=username)


def administers(admin: User, user: User) -> bool:
    return administered_users(admin).filter(pk=user.pk).exists()


def tokens_revocable_by(actor: User) -> QuerySet[ApiToken]:
    """Tokens `actor` may revoke: its own, and its administered users' (an operator: any)."""
    if actor.is_superuser:
        return ApiToken.objects.all()
    mine = ApiToken.objects.filter(user=actor)
    return mine | ApiToken.objects.filter(user__in=administered_users(actor).values("pk"))


READ_AUDIT_FILTERS = ("purchaser", "user", "via", "object", "since", "until")
_CODE = re.compile(r"^[A-Z0-9]{2}$")


def read_audit_scope(user: User) -> str | None:
    """Whose part of the read audit `user` reads: None for all of it (auditors, administrators),
    a purchaser's code for that purchaser's client_admin.

    Anyone else is refused (PermissionDenied) rather than shown an empty list: the page and the
    route exist only for those two kinds of user."""
    if user.is_superuser or (not user.purchaser_id and user.has_perm("accounts.view_readaudit")):
        return None
    if is_purchaser_admin(user):  # one rule decides who is a client_admin (the permission, not a group name)
        return user.purchaser_id
    raise PermissionDenied("Only auditors and a purchaser's administrators read the read audit.")


def reads_the_read_audit(user: User) -> bool:
    """Whether the menu offers the read audit (the same rule as the page and the route)."""
    try:
        read_audit_scope(user)
    except PermissionDenied:
        return False
    return True


def read_audit_for(user: User) -> QuerySet[ReadAudit]:
    scope = read_audit_scope(user)
    rows = ReadAudit.objects.select_related("user")
    return rows if scope is None else rows.filter(purchaser_id=scope)


def _moment(raw: str, *, end: bool) -> dt.datetime | None:
    """An ISO date (the whole day) or date-time; None when it is neither."""
    try:
        day = parse_date(raw)  # first: parse_datetime takes a bare date as its midnight
        moment = None if day else parse_datetime(raw)
    except ValueError:
        return None
    if moment is not None:
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    if day is None:
        return None
    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    return start + dt.timedelta(days=1) if end else start


def filter_read_audit(rows: QuerySet[ReadAudit], params) -> tuple[QuerySet[ReadAudit], dict[str, list[str]]]:
    """The filters of the page and the API alike; errors name the parameter (nothing applied then)."""
    errors: dict[str, list[str]] = {}
    values = {name: (params.get(name) or "").strip() for name in READ_AUDIT_FILTERS}
    if values["purchaser"]:
        code = values["purchaser"].upper()
        if _CODE.match(code):
            rows = rows.filter(purchaser_id=code)
        else:
            errors["purchaser"] = ["A purchaser's two-character code, e.g. JA."]
    if values["user"]:
        rows = rows.filter(user__username=values["user"])
    if values["via"]:
        rows = rows.filter(via__startswith=values["via"])  # `token` matches every token:<prefix>
    if values["object"]:
        rows = rows.filter(object__startswith=values["object"])
    for name, lookup, end in (("since", "at__gte", False), ("until", "at__lt", True)):
        if values[name]:
            moment = _moment(values[name], end=end)
            if moment is None:
                errors[name] = ["An ISO date (2026-11-03) or date-time (2026-11-03T09:00:00Z)."]
            else:
                rows = rows.filter(**{lookup: moment})
    return rows, errors

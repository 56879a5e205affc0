"""Reads of the accounts app that depend on who asks (DESIGN §6: selectors are the only scoped reads)."""

import datetime as dt
import re

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.dateparse import parse_date, parse_datetime

from fms.accounts.models import ReadAudit, User
from fms.accounts.roles import AUDITOR

# A purchaser's administrator (DESIGN §2, §5): the group the purchaser-administration work adds to
# roles.py; bound to the user's purchaser.
CLIENT_ADMIN = "client_admin"

READ_AUDIT_FILTERS = ("purchaser", "user", "via", "object", "since", "until")
_CODE = re.compile(r"^[A-Z0-9]{2}$")


def read_audit_scope(user: User) -> str | None:
    """Whose part of the read audit `user` reads: None for all of it (auditors, administrators),
    a purchaser's code for that purchaser's client_admin.

    Anyone else is refused (PermissionDenied) rather than shown an empty list: the page and the
    route exist only for those two kinds of user."""
    if user.is_superuser or user.groups.filter(name=AUDITOR).exists():
        return None
    if user.purchaser_id and user.groups.filter(name=CLIENT_ADMIN).exists():
        return user.purchaser_id
    raise PermissionDenied("Only auditors and a purchaser's administrators read the read audit.")


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

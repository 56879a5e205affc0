"""The only code that reads cases for a user: every read that depends on who asks starts here.

A user bound to a purchaser (a client) sees only that purchaser's records, and of those only what
DESIGN §8 gives a purchaser: cases once a document was offered, their milestones, never the
working lines. A client without a purchaser, or anyone without the view permission, sees
nothing; staff roles see everything.
"""

import datetime as dt
from decimal import Decimal
from functools import cache, lru_cache

import pghistory.models
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.expressions import RawSQL

from fms.accounts.models import User
from fms.accounts.selectors import holds_client_role
from fms.cases import rules, words
from fms.cases.choices import CaseAction, DocumentStep, LineStatus
from fms.cases.models import Case as FmsCase
from fms.cases.models import LineItem
from fms.cases.workflow import LINES_DECIDABLE_IN
from fms.core.api.pagination import KeysetPage, Ordering
from fms.ledger.models import ApprovalEvent
from fms.notifications.choices import NotificationStatus
from fms.notifications.models import CongressionalNotification
from fms.reference.models import Purchaser

NOTHING = object()


def visible_purchaser(user: User):
    """None when the user may see every purchaser, a purchaser code, or NOTHING."""
    if not user.is_authenticated or not user.is_active or not user.has_perm("cases.view_case"):
        return NOTHING
    if user.purchaser_id:
        return user.purchaser_id
    if user.is_superuser:
        return None
    if holds_client_role(user):
        return NOTHING
    return None


def sees_as_purchaser(user: User) -> bool:
    """Whether the user reads as a purchaser (DESIGN §8): a user bound to one, who is not an administrator."""
    return bool(user.is_authenticated and user.purchaser_id and not user.is_superuser)


# What a purchaser sees of a case's ledger (DESIGN §8): its milestones and its documents' offer,
# acceptance and issue (document steps record the same actions on the case's chain).
MILESTONE_ACTIONS = (
    CaseAction.OFFER,
    CaseAction.ACCEPT,
    CaseAction.IMPLEMENT,
    CaseAction.COMPLETE_SUPPLY,
    CaseAction.CLOSE,
    CaseAction.CANCEL,
    DocumentStep.ISSUE,
)


class _ProbedExists(Exists):
    """EXISTS that PostgreSQL tests row by row (one index probe per outer row), never as a semi-join:
    it pulls an EXISTS up into a join unless its query has an OFFSET (subselect.c, simplify_EXISTS_query)."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


def offered_q(case_path: str = "pk", *, probed: bool = False) -> Exists:
    """The case (at `case_path` of the outer query) has had a document offered: an offer event in its ledger.

    The ledger, not the case's status: a case cancelled before any offer has no such event and stays
    invisible to its purchaser, one cancelled after keeps it.

    `probed` for a walk over cases in keyset order: as a semi-join, a purchaser's page of cases hashed every
    offer of every purchaser first (the statement took 12-15 ms at 100,000 cases, 5-7 ms probed). A
    purchaser's events keep the join: probed, its feed took twice as long.
    """
    return (_ProbedExists if probed else Exists)(
        ApprovalEvent.objects.filter(case=OuterRef(case_path), line_item__isnull=True, action=CaseAction.OFFER)
    )


@cache
def _view_permission_sql() -> str:
    """EXISTS: the user (%s, twice) holds cases.view_case, directly or through a group, as ModelBackend reads it.

    Written once as SQL rather than built per request: the ORM version cost more to compile than
    the request's own query took to run.
    """
    permission = Permission._meta.db_table
    content_type = ContentType._meta.db_table
    own = User.user_permissions.through._meta.db_table
    groups = User.groups.through._meta.db_table
    group_permissions = Group.permissions.through._meta.db_table
    return f"""EXISTS (
        SELECT 1 FROM {permission} p JOIN {content_type} ct ON ct.id = p.content_type_id
        WHERE ct.app_label = 'cases' AND p.codename = 'view_case' AND (
            p.id IN (SELECT permission_id FROM {own} WHERE user_id = %s)
            OR p.id IN (SELECT gp.permission_id FROM {group_permissions} gp
                        JOIN {groups} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s)))"""  # noqa: S608


def _holds_view_permission(user: User) -> RawSQL:
    """user.has_perm("cases.view_case") for an active non-superuser, evaluated inside the reading query."""
    return RawSQL(_view_permission_sql(), [user.pk, user.pk], output_field=BooleanField())  # noqa: S611


def _scoped(queryset: QuerySet, user: User, purchaser_path: str) -> QuerySet:
    if user.is_authenticated and user.is_active and user.purchaser_id and not user.is_superuser:
        # A client: the reading query checks the permission itself. Clients poll all day, and
        # has_perm would cost two more queries on every request.
        return queryset.filter(_holds_view_permission(user), **{purchaser_path: user.purchaser_id})
    scope = visible_purchaser(user)
    if scope is NOTHING:
        return queryset.none()
    if scope is None:
        return queryset
    return queryset.filter(**{purchaser_path: scope})


def case_queryset_for(user: User) -> QuerySet[FmsCase]:
    cases = _scoped(FmsCase.objects.all(), user, "purchaser_id")
    return cases.filter(offered_q(probed=True)) if sees_as_purchaser(user) else cases


# Stand-ins for what changes between requests in the SQL that picks cases, so that its SQL is compiled
# once per kind of reader (clients, everyone, one purchaser) and shape of request, and filled in per request.
_USER, _PURCHASER, _CASE = -7_301_946_285, "\x00purchaser", "\x00case"
# …and for where a keyset page starts: the sort key of the row before it, one stand-in per sort field.
_KEY = {"updated_at": dt.datetime(1901, 2, 3, 4, 5, 6, 789_012, tzinfo=dt.UTC), "id": -2_061_837_465, "case_id": _CASE}


class _Reader:
    """Who reads, as far as the scoping rules look (for compiling with the stand-ins)."""

    is_authenticated = is_active = True

    def __init__(self, *, superuser: bool, purchaser_id: str | None) -> None:
        self.pk, self.purchaser_id, self.is_superuser = _USER, purchaser_id, superuser

    def has_perm(self, permission: str) -> bool:
        return True  # only a superuser stand-in is asked


def _reader_kind(user: User) -> str | None:
    """Which compiled scope `user` reads through: "client", "all" or "purchaser"; None when it sees no case."""
    if sees_as_purchaser(user) and user.is_active:
        return "client"
    scope = visible_purchaser(user)
    if scope is NOTHING:
        return None
    return "all" if scope is None else "purchaser"


def _stand_in_cases(kind: str) -> QuerySet[FmsCase]:
    return case_queryset_for(_Reader(superuser=kind != "client", purchaser_id=None if kind == "all" else _PURCHASER))


def _filled(template: tuple[str, tuple], values: dict) -> tuple[str, list]:
    sql, params = template
    return sql, [values.get(param, param) if isinstance(param, int | str | dt.datetime) else param for param in params]


@cache
def _case_picker_template(kind: str) -> tuple[str, tuple]:
    return _stand_in_cases(kind).filter(case_id=_CASE).values("pk").query.sql_with_params()


def case_picker(user: User, case_id: str) -> tuple[str, list] | None:
    """(SQL, parameters) that select the id of case `case_id` when `user` may see it, by the rules of
    case_queryset_for (the SQL is theirs, compiled once per kind of reader); None when the user sees no case.

    A case read is on every purchaser's polling path: building and compiling its queryset per request cost
    more than PostgreSQL took to run it.
    """
    kind = _reader_kind(user)
    if kind is None:
        return None
    return _filled(_case_picker_template(kind), {_USER: user.pk, _PURCHASER: user.purchaser_id, _CASE: case_id})


# One entry per reader kind, ordering, direction, page size and whether a cursor is given: at most a few
# hundred in use, bounded should a client walk every page size.
@lru_cache(maxsize=512)
def _case_page_template(kind: str, ordering: Ordering, size: int, backwards: bool, after: bool) -> tuple[str, tuple]:
    stand_ins = [_KEY[field] for field in ordering.fields] if after else None
    page = KeysetPage({"": ordering}, "", size, stand_ins, backwards)
    return page.apply(_stand_in_cases(kind)).values("pk").query.sql_with_params()


def case_page_picker(user: User, page: KeysetPage) -> tuple[str, list] | None:
    """(SQL, parameters) that select the ids of one keyset page of the cases `user` may see: what
    page.apply(case_queryset_for(user)) selects, compiled once per kind of reader and shape of page.
    None when the user sees no case. Unfiltered, it is the list every purchaser polls.
    """
    kind = _reader_kind(user)
    if kind is None:
        return None
    after = page.cursor_values is not None
    template = _case_page_template(kind, page.ordering, page.size, page.backwards, after)
    values = {_USER: user.pk, _PURCHASER: user.purchaser_id}
    for field, value in zip(page.ordering.fields, page.cursor_values or (), strict=after):
        # As the lookup in Ordering.after prepares it (a cursor holds a time as ISO text).
        values[_KEY[field]] = FmsCase._meta.get_field(field).get_db_prep_value(value, connection)
    return _filled(template, values)


def line_item_queryset_for(user: User) -> QuerySet[LineItem]:
    """Working lines the user may see; removed lines are not part of any case any more.

    A purchaser never sees the working copy (DESIGN §8): its lines are those of the documents offered to it.
    """
    if sees_as_purchaser(user):
        return LineItem.objects.none()
    return _scoped(LineItem.objects.filter(removed_at__isnull=True), user, "case__purchaser_id")


def event_queryset_for(user: User) -> QuerySet[ApprovalEvent]:
    events = _scoped(ApprovalEvent.objects.all(), user, "case__purchaser_id")
    if sees_as_purchaser(user):
        return events.filter(offered_q("case_id"), line_item__isnull=True, action__in=MILESTONE_ACTIONS)
    return events


def shown_events(user: User, events: QuerySet[ApprovalEvent]) -> list[ApprovalEvent]:
    """The events as the user may read them on a page: to a purchaser, each is the implementing agency's
    step, without its comment (DESIGN §8). The rows are only read: the ledger refuses any write."""
    shown = list(events.select_related("case__implementing_agency"))
    if sees_as_purchaser(user):
        for event in shown:
            event.actor_name = event.case.implementing_agency.name
            event.comment = ""
    return shown


def of_visible_cases(user: User, queryset: QuerySet, case_path: str = "case") -> QuerySet:
    """Narrow any queryset of case-bound records (deliveries, SDRs, financials…) to what the user may read.

    `case_path` leads from the record to its case (e.g. "delivery__case"): a purchaser's user sees
    the records of its own purchaser's cases once offered to it; staff see every case's.
    """
    return queryset.filter(**{f"{case_path}__in": case_queryset_for(user).values("pk")})


def notification_queryset_for(user: User) -> QuerySet[CongressionalNotification]:
    """Congressional notifications are the agency's records: a purchaser reads a case's transmittal number only."""
    if sees_as_purchaser(user):
        return CongressionalNotification.objects.none()
    return _scoped(CongressionalNotification.objects.all(), user, "purchaser_id")


def purchaser_queryset_for(user: User) -> QuerySet[Purchaser]:
    return _scoped(Purchaser.objects.all(), user, "code")


def case_for(user: User, case_id: str) -> FmsCase:
    """One case by its id, or Case.DoesNotExist when it does not exist or the user may not see it."""
    return (
        case_queryset_for(user).select_related("purchaser", "implementing_agency", "notification").get(case_id=case_id)
    )


# ---- The 36(b) rule as SQL, for filters and documents (the thresholds come from rules.py) --------


def notification_required_q(prefix: str = "") -> Q:
    """Cases meeting or exceeding a threshold of their purchaser's review group."""
    condition = Q()
    for group, limits in rules.NOTIFICATION_THRESHOLDS.items():
        condition |= Q(**{f"{prefix}purchaser__review_group": group}) & (
            Q(**{f"{prefix}mde_value__gte": limits.mde})
            | Q(**{f"{prefix}total_value__gte": limits.total})
            | Q(**{f"{prefix}design_construction_value__gte": limits.design_construction})
        )
    return condition


def notification_required_expression() -> ExpressionWrapper:
    return ExpressionWrapper(notification_required_q(), output_field=BooleanField())


def review_ends_on_expression() -> Func:
    return Func(
        F("notified_on"),
        F("formal_review_days"),
        template="(%(expressions)s)",
        arg_joiner=" + ",
        output_field=DateField(),
    )


# ---- Pages: the review queue and the dashboard ---------------------------------------------------


def review_queue_for(user: User) -> QuerySet[LineItem]:
    """Submitted lines this user may decide, oldest first: never lines they created or last changed."""
    if not user.has_perm("cases.approve_lineitem"):
        return LineItem.objects.none()
    return (
        line_item_queryset_for(user)
        .filter(review_status=LineStatus.SUBMITTED, case__status__in=LINES_DECIDABLE_IN)
        .exclude(created_by=user)
        .exclude(updated_by=user)
        .select_related("case", "case__purchaser")
        .order_by("updated_at", "id")
    )


def dashboard_for(user: User, *, today) -> dict:
    """Counts and values of the cases this user may see, the review backlog, open review periods."""
    cases = case_queryset_for(user).order_by()
    by_status = {
        row["status"]: (row["count"], row["value"])
        for row in cases.values("status").annotate(count=Count("id"), value=Sum("total_value"))
    }
    by_purchaser = list(
        cases.values("purchaser_id", "purchaser__name")
        .annotate(count=Count("id"), value=Sum("total_value"))
        .order_by("-value", "purchaser_id")
    )
    waiting = line_item_queryset_for(user).filter(review_status=LineStatus.SUBMITTED)
    backlog = waiting.aggregate(count=Count("id"), value=Sum("total_cost"), oldest=Min("updated_at"))
    pending_notifications = (
        notification_queryset_for(user)
        .annotate(ends_on=review_ends_on_expression())
        .filter(status=NotificationStatus.NOTIFIED, emergency=False, ends_on__gte=today)
        .select_related("purchaser")
        .order_by("ends_on")
    )
    return {
        "by_status": by_status,
        "by_purchaser": by_purchaser,
        "backlog": backlog,
        "waiting_since": list(waiting.values_list("updated_at", flat=True)),
        "pending_notifications": list(pending_notifications[:20]),
    }


def field_history_of(case: FmsCase, limit: int = 200) -> list[dict]:
    """Who changed which field of the case and its lines, from what to what, newest first.

    For staff pages: callers check that the user sees every purchaser (clients do not get this).
    """
    rows = []
    for event in pghistory.models.Events.objects.references(case).order_by("-pgh_created_at")[:limit]:
        is_case = event.pgh_model == "cases.CaseHistory"
        subject = "case" if is_case else f"line {event.pgh_data.get('line_number')}"
        verb = "created" if event.pgh_label == "insert" else f"{event.pgh_label}d"
        model = FmsCase if is_case else LineItem
        rows.append(
            {
                "at": event.pgh_created_at,
                "who": (event.pgh_context or {}).get("username", "—"),
                "what": f"{subject} {verb}",
                # Labels and whole values with the changed words marked: a change at the end of a
                # long description must be visible.
                "changes": [
                    (words.field_label(model, name), *words.marked_change(*_readable(name, old, new)))
                    for name, (old, new) in sorted((event.pgh_diff or {}).items())
                    if name not in _HISTORY_NOISE
                ],
            }
        )
    return rows


# Columns the page does not show as a change of their own (bookkeeping of a change shown elsewhere).
_HISTORY_NOISE = frozenset({"updated_by", "created_by"})


def _readable(name: str, old, new) -> tuple:
    if name in ("status", "review_status"):
        return tuple(words.status_label(value) if value else value for value in (old, new))
    if name in _MONEY_FIELDS:  # the history stores JSON numbers: 2400000.0 is shown as $2,400,000.00
        return tuple(None if value is None else f"${Decimal(str(value)):,.2f}" for value in (old, new))
    return old, new


_MONEY_FIELDS = frozenset({"unit_cost", "mde_value", "total_value"})

"""Each user's inbox: what waits on them, by role (issue 11 part 2).

Officer: lines returned or rejected to them, cases waiting on their next step, offers nearing
their expiry date. Reviewer: the review queue, and the lines they returned that came back.
Apps above `cases` (documents: offers awaiting a purchaser's acceptance) add their own sections
with `register_section` from their AppConfig.ready(); `cases` never imports them.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from fms.accounts.models import User
from fms.cases import selectors, services, workflow
from fms.cases.choices import CaseAction, CaseStatus, LineAction, LineStatus
from fms.cases.models import LineItem
from fms.ledger.models import ApprovalEvent

OFFER_EXPIRY_WARNING_DAYS = 14
INBOX_LIMIT = 50
# Steps that are not "the next step" of a case: cancelling and sending back are always possible.
_NOT_NEXT_STEPS = (CaseAction.CANCEL, CaseAction.RETURN)
_OPEN_STATUSES = [s for s in CaseStatus.values if s not in services.FINAL_CASE_STATUSES]


@dataclass
class Section:
    key: str
    title: str
    empty: str  # what the page says when nothing waits here
    items: list = field(default_factory=list)
    count: int | None = None  # when the items shown are only the first of more
    template: str = ""  # sections added by other apps render their items with their own template

    @property
    def total(self) -> int:
        return len(self.items) if self.count is None else self.count


SectionProvider = Callable[[User, dt.date], Section | None]
_PROVIDERS: list[SectionProvider] = []


def register_section(provider: SectionProvider) -> None:
    """For apps above `cases`: add a section (or None when it does not apply to the user)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def _last_decision(field_name: str) -> Subquery:
    decisions = ApprovalEvent.objects.filter(
        line_item=OuterRef("pk"), action__in=(LineAction.RETURN, LineAction.REJECT)
    ).order_by("-seq")
    return Subquery(decisions.values(field_name)[:1])


def lines_sent_back_to(user: User) -> QuerySet[LineItem]:
    """Returned or rejected lines that the user created or last changed, in cases still open."""
    return selectors.line_item_queryset_for(user).filter(
        Q(created_by=user) | Q(updated_by=user),
        review_status__in=(LineStatus.RETURNED, LineStatus.REJECTED),
        case__status__in=_OPEN_STATUSES,
    )


def _sent_back(user: User) -> Section:
    lines = (
        lines_sent_back_to(user)
        .select_related("case")
        .annotate(decided_by=_last_decision("actor_name"), reason=_last_decision("comment"))
        .order_by("case__case_id", "line_number")[:INBOX_LIMIT]
    )
    return Section(
        "sent_back",
        "Lines sent back to you",
        "No line of yours is returned or rejected.",
        list(lines),
    )


def _waiting_on_my_step(user: User, today: dt.date) -> Section:
    cases = (
        selectors.case_queryset_for(user)
        .filter(created_by=user, status__in=_OPEN_STATUSES)
        .select_related("notification", "purchaser")
        .order_by("updated_at")[:INBOX_LIMIT]
    )
    waiting = []
    for case in cases:
        facts = services.case_facts(case, today=today)
        for transition in workflow.case_steps_from(case.status):
            if transition.action in _NOT_NEXT_STEPS or not user.has_perm(transition.permission):
                continue
            if workflow.unmet_case_guard(transition, facts) is None:
                waiting.append((case, CaseAction(transition.action).label))
                break
    return Section("my_steps", "Cases waiting on your next step", "No case of yours waits on a step from you.", waiting)


def _offers_expiring(user: User, today: dt.date) -> Section:
    soon = today + dt.timedelta(days=OFFER_EXPIRY_WARNING_DAYS)
    cases = (
        selectors.case_queryset_for(user)
        .filter(status=CaseStatus.OFFERED, offer_expires_on__lte=soon)
        .select_related("purchaser")
        .order_by("offer_expires_on")[:INBOX_LIMIT]
    )
    return Section(
        "expiring",
        f"Offers expiring within {OFFER_EXPIRY_WARNING_DAYS} days",
        "No offer expires in the next two weeks.",
        list(cases),
    )


def _review_queue(user: User) -> Section:
    queue = selectors.review_queue_for(user)
    return Section(
        "queue",
        "Your review queue",
        "No submitted line is waiting for you.",
        list(queue[:20]),
        count=queue.count(),
    )


def _came_back(user: User) -> Section:
    returned_by_me = ApprovalEvent.objects.filter(line_item=OuterRef("pk"), action=LineAction.RETURN, actor=user)
    lines = (
        selectors.review_queue_for(user)
        .filter(Exists(returned_by_me))
        .annotate(reason=_last_decision("comment"))[:INBOX_LIMIT]
    )
    return Section(
        "came_back",
        "Lines you returned that came back",
        "None of the lines you returned has been resubmitted yet.",
        list(lines),
    )


def inbox_for(user: User, *, today: dt.date) -> list[Section]:
    """The sections of this user's inbox, in the order the page shows them."""
    sections: list[Section] = []
    if user.has_perm("cases.change_lineitem"):
        sections.append(_sent_back(user))
    if user.has_perm(workflow.STAFF):
        sections += [_waiting_on_my_step(user, today), _offers_expiring(user, today)]
    if user.has_perm(workflow.DECIDE):
        sections += [_review_queue(user), _came_back(user)]
    for provider in _PROVIDERS:
        section = provider(user, today)
        if section is not None:
            sections.append(section)
    return sections


def inbox_count(sections: list[Section]) -> int:
    """Items waiting on the user; lines that came back are already counted in the review queue."""
    return sum(section.total for section in sections if section.key != "came_back")


def inbox_total_for_request(request) -> int | None:
    """The header's count, computed once per request and only when a page shows it."""
    if not request.user.is_authenticated:
        return None
    if not hasattr(request, "_fms_inbox_total"):
        request._fms_inbox_total = inbox_count(inbox_for(request.user, today=timezone.localdate()))
    return request._fms_inbox_total

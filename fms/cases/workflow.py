"""The case lifecycle and the line review as pure transition tables with guards (DESIGN §4).

No ORM here: services describe the current state as facts, this module says whether a step is
allowed and, when it is not, why — in words a user understands.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from fms.cases.choices import CaseAction, CaseStatus, LineAction, LineStatus
from fms.cases.errors import SeparationOfDuties, TransitionNotAllowed

S = CaseStatus
L = LineStatus


@dataclass(frozen=True)
class NotificationFacts:
    review_ends_on: dt.date | None  # None while a draft has no date
    emergency: bool
    notified: bool


@dataclass(frozen=True)
class CaseFacts:
    """What the case guards look at."""

    case_id: str
    status: str
    line_statuses: tuple[str, ...]
    lor_received_on: dt.date | None
    notification_required: bool
    notification: NotificationFacts | None
    offer_expires_on: dt.date | None
    today: dt.date


# A guard returns None when satisfied, or the reason it is not, as a sentence fragment.
CaseGuard = Callable[[CaseFacts], str | None]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def has_lines(facts: CaseFacts) -> str | None:
    return None if facts.line_statuses else "the case has no line items yet"


def lor_received(facts: CaseFacts) -> str | None:
    return None if facts.lor_received_on else "the date the Letter of Request was received is not set"


def lines_submitted_or_approved(facts: CaseFacts) -> str | None:
    pending = sum(1 for s in facts.line_statuses if s not in (L.SUBMITTED, L.APPROVED))
    if pending:
        verb = "is" if pending == 1 else "are"
        return f"{pending} of {_plural(len(facts.line_statuses), 'line')} {verb} not submitted or approved yet"
    return None


def lines_approved(facts: CaseFacts) -> str | None:
    pending = sum(1 for s in facts.line_statuses if s != L.APPROVED)
    if pending:
        verb = "is" if pending == 1 else "are"
        return f"{pending} of {_plural(len(facts.line_statuses), 'line')} {verb} not approved yet"
    return None


def notification_cleared(facts: CaseFacts) -> str | None:
    if not facts.notification_required:
        return None
    if facts.notification is None:
        return "the case meets a 36(b) threshold and no congressional notification is linked"
    if not facts.notification.notified or facts.notification.review_ends_on is None:
        return "the linked congressional notification is still a draft (not notified to Congress)"
    if facts.notification.emergency:
        return None
    if facts.today <= facts.notification.review_ends_on:
        return f"the congressional review period runs until {facts.notification.review_ends_on.isoformat()}"
    return None


def offer_not_expired(facts: CaseFacts) -> str | None:
    if facts.offer_expires_on is None:
        return "the offer has no expiry date"
    if facts.today > facts.offer_expires_on:
        return f"the offer expired on {facts.offer_expires_on.isoformat()}"
    return None


@dataclass(frozen=True)
class CaseTransition:
    action: str
    source: str
    target: str
    permission: str
    guards: tuple[CaseGuard, ...] = ()


STAFF = "cases.transition_case"
REVIEW = "cases.review_case"
CANCELLABLE = (S.DEVELOPMENT, S.WRITE, S.REVIEW, S.PROPOSED, S.OFFERED, S.ACCEPTED)

CASE_TRANSITIONS: tuple[CaseTransition, ...] = (
    CaseTransition(CaseAction.START_WRITE, S.DEVELOPMENT, S.WRITE, STAFF, (has_lines, lor_received)),
    CaseTransition(CaseAction.RETURN, S.WRITE, S.DEVELOPMENT, STAFF),
    CaseTransition(CaseAction.SUBMIT_REVIEW, S.WRITE, S.REVIEW, STAFF, (has_lines, lines_submitted_or_approved)),
    CaseTransition(CaseAction.RETURN, S.REVIEW, S.WRITE, REVIEW),
    CaseTransition(CaseAction.PROPOSE, S.REVIEW, S.PROPOSED, REVIEW, (has_lines, lines_approved)),
    CaseTransition(CaseAction.OFFER, S.PROPOSED, S.OFFERED, STAFF, (notification_cleared,)),
    CaseTransition(CaseAction.ACCEPT, S.OFFERED, S.ACCEPTED, STAFF, (offer_not_expired,)),
    CaseTransition(CaseAction.IMPLEMENT, S.ACCEPTED, S.IMPLEMENTED, STAFF),
    CaseTransition(CaseAction.COMPLETE_SUPPLY, S.IMPLEMENTED, S.SUPPLY_COMPLETE, STAFF),
    CaseTransition(CaseAction.CLOSE, S.SUPPLY_COMPLETE, S.CLOSED, STAFF),
    *(CaseTransition(CaseAction.CANCEL, source, S.CANCELLED, STAFF) for source in CANCELLABLE),
)

_CASE_TABLE = {(t.source, t.action): t for t in CASE_TRANSITIONS}
# Case actions a user can ask for (creation is not a transition).
CASE_ACTIONS = tuple(dict.fromkeys(t.action for t in CASE_TRANSITIONS))
# Line content and review steps are possible only while the case is being written, or while an
# amendment or modification of an accepted or implemented case is open (DESIGN §4.3).
LINES_EDITABLE_IN = (S.DEVELOPMENT, S.WRITE)
LINES_DECIDABLE_IN = (S.DEVELOPMENT, S.WRITE, S.REVIEW)
CHANGEABLE_BY_DOCUMENT = (S.ACCEPTED, S.IMPLEMENTED)


def lines_changeable(case_status: str, open_document: str = "") -> bool:
    """Whether working lines may be added, edited or removed now: while the case is written, or under
    an open amendment or modification of an accepted or implemented case (DESIGN §4.3)."""
    return case_status in LINES_EDITABLE_IN or (bool(open_document) and case_status in CHANGEABLE_BY_DOCUMENT)


def _label(value: str) -> str:
    return value.replace("_", " ")


def _step_words(action: str) -> str:
    """A case action as a user reads it: "start writing", "submit for review"."""
    return CaseAction(action).label.lower() if action in CaseAction.values else _label(action)


def _status_words(status: str) -> str:
    return CaseStatus(status).label if status in CaseStatus.values else _label(status)


def case_transition_for(status: str, action: str) -> CaseTransition:
    """The transition for `action` from `status`, or TransitionNotAllowed saying why not."""
    if action not in CASE_ACTIONS:
        raise TransitionNotAllowed(
            f"'{action}' is not a case action; use one of: {', '.join(CASE_ACTIONS)}.", state=status, action=action
        )
    transition = _CASE_TABLE.get((status, action))
    if transition is None:
        sources = [t.source for t in CASE_TRANSITIONS if t.action == action]
        raise TransitionNotAllowed(
            f"A case in {_status_words(status)} cannot {_step_words(action)}: "
            f"that step starts only from {' or '.join(_status_words(s) for s in sources)}.",
            state=status,
            action=action,
        )
    return transition


# What unblocks each guard and who can do it, in the words a page shows beside a blocked step.
CASE_GUARD_REMEDIES: dict[CaseGuard, str] = {
    has_lines: "a case officer adds the case's lines (Add line)",
    lor_received: "a case officer enters the date the Letter of Request was received (Edit case)",
    lines_submitted_or_approved: (
        "a case officer submits every draft line (a returned line is edited and resubmitted first)"
    ),
    lines_approved: "a reviewer approves every submitted line; a line sent back makes the case go back to Write",
    notification_cleared: "a case officer links a notified 36(b) notification (Edit case) and its review period ends",
    offer_not_expired: "a case officer sets a later offer expiry date, or the case is cancelled",
}
ROLE_OF_PERMISSION = {STAFF: "a case officer", REVIEW: "a reviewer"}
# The field (for API clients, in the problem's `errors`) that each guard looks at; pages use the words.
CASE_GUARD_FIELDS: dict[CaseGuard, str] = {
    has_lines: "lines",
    lor_received: "lor_received_on",
    lines_submitted_or_approved: "lines",
    lines_approved: "lines",
    notification_cleared: "notification",
    offer_not_expired: "offer_expires_on",
}


def case_guard_remedy(transition: CaseTransition, facts: CaseFacts) -> str:
    """What would unblock the first unmet guard of `transition`, and who can do it ("" if none is unmet)."""
    for guard in transition.guards:
        if guard(facts):
            return CASE_GUARD_REMEDIES.get(guard, "")
    return ""


def unmet_case_guard(transition: CaseTransition, facts: CaseFacts) -> str | None:
    for guard in transition.guards:
        reason = guard(facts)
        if reason:
            return reason
    return None


def check_case_transition(facts: CaseFacts, action: str) -> CaseTransition:
    """The allowed transition, or TransitionNotAllowed naming the state, the action and the unmet guard."""
    transition = case_transition_for(facts.status, action)
    for guard in transition.guards:
        reason = guard(facts)
        if reason:
            raise TransitionNotAllowed(
                f"Cannot {_step_words(action)} {facts.case_id} (in {_status_words(facts.status)}): {reason}.",
                state=facts.status,
                action=action,
                errors={CASE_GUARD_FIELDS.get(guard, "status"): [f"{reason[:1].upper()}{reason[1:]}."]},
            )
    return transition


def case_steps_from(status: str) -> tuple[CaseTransition, ...]:
    """Every transition that starts from `status` (for showing the next steps)."""
    return tuple(t for t in CASE_TRANSITIONS if t.source == status)


# ---- Line review -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LineFacts:
    label: str  # e.g. "JA-P-SAA line 001", for messages
    review_status: str | None  # None for a line not yet added
    case_status: str
    content_authors: frozenset[int]  # who added or changed the content since the last decision
    open_document: str = ""  # label of the case's open amendment or modification, if any


@dataclass(frozen=True)
class LineTransition:
    action: str
    sources: tuple[str | None, ...]
    target: str | None  # None: the line keeps its status (remove takes it out of the case)
    permission: str
    case_statuses: tuple[str, ...]
    decision: bool = False  # maker–checker applies


ALL_LINE_STATUSES = tuple(L.values)
DECIDE = "cases.approve_lineitem"

LINE_TRANSITIONS: tuple[LineTransition, ...] = (
    LineTransition(LineAction.ADD, (None,), L.DRAFT, "cases.add_lineitem", LINES_EDITABLE_IN),
    LineTransition(
        LineAction.EDIT,
        (L.DRAFT, L.SUBMITTED, L.APPROVED, L.RETURNED),
        L.DRAFT,
        "cases.change_lineitem",
        LINES_EDITABLE_IN,
    ),
    LineTransition(LineAction.REMOVE, ALL_LINE_STATUSES, None, "cases.delete_lineitem", LINES_EDITABLE_IN),
    LineTransition(LineAction.SUBMIT, (L.DRAFT,), L.SUBMITTED, "cases.change_lineitem", LINES_EDITABLE_IN),
    LineTransition(LineAction.APPROVE, (L.SUBMITTED,), L.APPROVED, DECIDE, LINES_DECIDABLE_IN, decision=True),
    LineTransition(LineAction.REJECT, (L.SUBMITTED,), L.REJECTED, DECIDE, LINES_DECIDABLE_IN, decision=True),
    LineTransition(LineAction.RETURN, (L.SUBMITTED,), L.RETURNED, DECIDE, LINES_DECIDABLE_IN, decision=True),
)
_LINE_TABLE = {t.action: t for t in LINE_TRANSITIONS}
LINE_DECISIONS = tuple(t.action for t in LINE_TRANSITIONS if t.decision)


_PAST = {
    LineAction.ADD: "added",
    LineAction.EDIT: "changed",
    LineAction.REMOVE: "removed",
    LineAction.SUBMIT: "submitted",
    LineAction.APPROVE: "approved",
    LineAction.REJECT: "rejected",
    LineAction.RETURN: "returned",
}


def _line_remedy(facts: LineFacts, transition: LineTransition) -> str:
    """What would make the refused line step possible, and who can do it."""
    status = facts.review_status
    if status == L.RETURNED:
        return "a case officer edits it (Edit and resubmit): saving makes it a draft to submit again"
    if status == L.REJECTED:
        return "a rejected line is not resubmitted: a case officer removes it and adds a new line if still needed"
    if status == L.DRAFT and transition.decision:
        return "a case officer submits it first"
    if status == L.SUBMITTED and transition.action == LineAction.SUBMIT:
        return "it waits for a reviewer's decision"
    if status == L.APPROVED and transition.decision:
        return "it is decided; a change by a case officer makes it a draft to submit and decide again"
    return ""


def _case_remedy(facts: LineFacts, transition: LineTransition) -> str:
    if facts.case_status == S.REVIEW and transition.case_statuses == LINES_EDITABLE_IN:
        return "a reviewer returns this line or sends the case back a step, which puts the case back in Write"
    if facts.case_status in (S.CLOSED, S.CANCELLED):
        return "the case is final"
    return "the case has left review; a change now needs a new document of the case"


def _line_why_not(facts: LineFacts, transition: LineTransition) -> str | None:
    done = _PAST[transition.action]
    if facts.review_status not in transition.sources:
        if transition.sources == (None,):
            reason = f"it is {_label(facts.review_status)}; it already exists, and a new line gets a number of its own"
        else:
            allowed = " or ".join(_label(s) for s in transition.sources if s)
            reason = f"it is {_label(facts.review_status or 'not added yet')}; only a {allowed} line can be {done}"
        remedy = _line_remedy(facts, transition)
        return f"{reason} ({remedy})" if remedy else reason
    if facts.open_document and facts.case_status in CHANGEABLE_BY_DOCUMENT:
        return None
    if facts.case_status not in transition.case_statuses:
        allowed = " or ".join(_label(s) for s in transition.case_statuses)
        return (
            f"the case is in {_label(facts.case_status)}; lines can be {done} only while it is in {allowed} "
            f"({_case_remedy(facts, transition)})"
        )
    return None


# DESIGN §4.1: a line sent back to its officer while the case is in review sends the case back to
# write (the reviewers' own "send back a step"), so that the officer can fix the line.
LINE_DECISIONS_REOPENING_THE_CASE = (LineAction.REJECT, LineAction.RETURN)


def case_step_after_line_decision(case_status: str, line_action: str) -> CaseTransition | None:
    """The case step a line decision brings with it in the same transaction, if any."""
    if line_action in LINE_DECISIONS_REOPENING_THE_CASE and case_status == S.REVIEW:
        return _CASE_TABLE[(S.REVIEW, CaseAction.RETURN)]
    return None


def line_transition(action: str) -> LineTransition:
    return _LINE_TABLE[action]


def check_line_transition(facts: LineFacts, action: str, *, actor_id: int) -> LineTransition:
    """The allowed line transition, or TransitionNotAllowed / SeparationOfDuties saying why not."""
    transition = _LINE_TABLE.get(action)
    if transition is None:
        raise TransitionNotAllowed(
            f"'{action}' is not a line action; use one of: {', '.join(_LINE_TABLE)}.",
            state=facts.review_status or "",
            action=action,
        )
    reason = _line_why_not(facts, transition)
    if reason:
        raise TransitionNotAllowed(
            f"Cannot {_label(action)} {facts.label}: {reason}.", state=facts.review_status or "", action=action
        )
    if transition.decision and actor_id in facts.content_authors:
        raise SeparationOfDuties(
            f"You cannot {_label(action)} {facts.label}: you added or changed it since its last decision, "
            "so another reviewer must decide on it."
        )
    return transition

"""The transition tables, pure: every (state, action) pair, and every guard refused on purpose."""

import datetime as dt
import itertools

import pytest

from fms.cases import workflow
from fms.cases.choices import CaseAction, CaseStatus, LineAction, LineStatus
from fms.cases.errors import SeparationOfDuties, TransitionNotAllowed

TODAY = dt.date(2026, 11, 26)

LEGAL_CASE_STEPS = {
    (CaseStatus.DEVELOPMENT, CaseAction.START_WRITE): CaseStatus.WRITE,
    (CaseStatus.WRITE, CaseAction.RETURN): CaseStatus.DEVELOPMENT,
    (CaseStatus.WRITE, CaseAction.SUBMIT_REVIEW): CaseStatus.REVIEW,
    (CaseStatus.REVIEW, CaseAction.RETURN): CaseStatus.WRITE,
    (CaseStatus.REVIEW, CaseAction.PROPOSE): CaseStatus.PROPOSED,
    (CaseStatus.PROPOSED, CaseAction.OFFER): CaseStatus.OFFERED,
    (CaseStatus.OFFERED, CaseAction.ACCEPT): CaseStatus.ACCEPTED,
    (CaseStatus.ACCEPTED, CaseAction.IMPLEMENT): CaseStatus.IMPLEMENTED,
    (CaseStatus.IMPLEMENTED, CaseAction.COMPLETE_SUPPLY): CaseStatus.SUPPLY_COMPLETE,
    (CaseStatus.SUPPLY_COMPLETE, CaseAction.CLOSE): CaseStatus.CLOSED,
    **{
        (status, CaseAction.CANCEL): CaseStatus.CANCELLED
        for status in (
            CaseStatus.DEVELOPMENT,
            CaseStatus.WRITE,
            CaseStatus.REVIEW,
            CaseStatus.PROPOSED,
            CaseStatus.OFFERED,
            CaseStatus.ACCEPTED,
        )
    },
}
CASE_ACTIONS = [action for action in CaseAction.values if action != CaseAction.CREATE]


def facts(**overrides) -> workflow.CaseFacts:
    """Facts under which every guard holds."""
    values = {
        "case_id": "JA-P-SAA",
        "status": CaseStatus.DEVELOPMENT,
        "line_statuses": (LineStatus.APPROVED, LineStatus.APPROVED),
        "lor_received_on": dt.date(2026, 1, 1),
        "notification_required": False,
        "notification": None,
        "offer_expires_on": TODAY + dt.timedelta(days=10),
        "today": TODAY,
    }
    return workflow.CaseFacts(**{**values, **overrides})


@pytest.mark.parametrize(("status", "action"), list(itertools.product(CaseStatus.values, CASE_ACTIONS)))
def test_every_case_state_and_action(status, action):
    if (status, action) in LEGAL_CASE_STEPS:
        transition = workflow.check_case_transition(facts(status=status), action)
        assert transition.target == LEGAL_CASE_STEPS[(status, action)]
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            workflow.check_case_transition(facts(status=status), action)
        assert refused.value.state == status
        assert refused.value.action == action
        assert CaseStatus(status).label in refused.value.detail  # the status as a user reads it


def test_the_table_holds_exactly_the_legal_steps():
    assert {(t.source, t.action): t.target for t in workflow.CASE_TRANSITIONS} == LEGAL_CASE_STEPS


def test_closed_and_cancelled_are_final():
    assert workflow.case_steps_from(CaseStatus.CLOSED) == ()
    assert workflow.case_steps_from(CaseStatus.CANCELLED) == ()


def test_unknown_action_is_named():
    with pytest.raises(TransitionNotAllowed, match="'fly' is not a case action"):
        workflow.check_case_transition(facts(), "fly")


def refusal(status, action, **overrides) -> str:
    with pytest.raises(TransitionNotAllowed) as refused:
        workflow.check_case_transition(facts(status=status, **overrides), action)
    return refused.value.detail


def test_start_write_needs_a_line():
    assert "the case has no line items yet" in refusal(CaseStatus.DEVELOPMENT, CaseAction.START_WRITE, line_statuses=())


def test_start_write_needs_the_lor_received_date():
    detail = refusal(CaseStatus.DEVELOPMENT, CaseAction.START_WRITE, lor_received_on=None)
    assert "the date the Letter of Request was received is not set" in detail
    assert "lor_received_on" not in detail  # a person reads this: the label, not the field name
    assert detail.startswith("Cannot start writing JA-P-SAA (in Development)")


def test_submit_review_needs_every_line_submitted_or_approved():
    lines = (LineStatus.SUBMITTED, LineStatus.APPROVED, LineStatus.DRAFT, LineStatus.RETURNED, LineStatus.DRAFT)
    detail = refusal(CaseStatus.WRITE, CaseAction.SUBMIT_REVIEW, line_statuses=lines)
    assert "3 of 5 lines are not submitted or approved yet" in detail


def test_propose_needs_every_line_approved():
    lines = (LineStatus.APPROVED, LineStatus.SUBMITTED)
    assert "1 of 2 lines is not approved yet" in refusal(CaseStatus.REVIEW, CaseAction.PROPOSE, line_statuses=lines)


def test_offer_needs_a_notification_when_one_is_required():
    detail = refusal(CaseStatus.PROPOSED, CaseAction.OFFER, notification_required=True)
    assert "no congressional notification is linked" in detail


def test_offer_waits_for_the_end_of_the_review_period():
    pending = workflow.NotificationFacts(review_ends_on=TODAY, emergency=False)
    detail = refusal(CaseStatus.PROPOSED, CaseAction.OFFER, notification_required=True, notification=pending)
    assert f"runs until {TODAY.isoformat()}" in detail
    ended = workflow.NotificationFacts(review_ends_on=TODAY - dt.timedelta(days=1), emergency=False)
    assert workflow.check_case_transition(
        facts(status=CaseStatus.PROPOSED, notification_required=True, notification=ended), CaseAction.OFFER
    )


def test_emergency_notification_needs_no_review_period():
    emergency = workflow.NotificationFacts(review_ends_on=TODAY + dt.timedelta(days=15), emergency=True)
    assert workflow.check_case_transition(
        facts(status=CaseStatus.PROPOSED, notification_required=True, notification=emergency), CaseAction.OFFER
    )


def test_accept_on_the_expiry_day_but_not_after():
    assert workflow.check_case_transition(facts(status=CaseStatus.OFFERED, offer_expires_on=TODAY), CaseAction.ACCEPT)
    yesterday = TODAY - dt.timedelta(days=1)
    assert "the offer expired on" in refusal(CaseStatus.OFFERED, CaseAction.ACCEPT, offer_expires_on=yesterday)


# ---- Line review ------------------------------------------------------------------------------

LEGAL_LINE_STEPS = {
    (LineStatus.DRAFT, LineAction.EDIT): LineStatus.DRAFT,
    (LineStatus.SUBMITTED, LineAction.EDIT): LineStatus.DRAFT,
    (LineStatus.APPROVED, LineAction.EDIT): LineStatus.DRAFT,
    (LineStatus.RETURNED, LineAction.EDIT): LineStatus.DRAFT,
    **{(status, LineAction.REMOVE): None for status in LineStatus.values},
    (LineStatus.DRAFT, LineAction.SUBMIT): LineStatus.SUBMITTED,
    (LineStatus.SUBMITTED, LineAction.APPROVE): LineStatus.APPROVED,
    (LineStatus.SUBMITTED, LineAction.REJECT): LineStatus.REJECTED,
    (LineStatus.SUBMITTED, LineAction.RETURN): LineStatus.RETURNED,
}
AUTHOR, EDITOR, CHECKER = 1, 2, 3
LINE_ACTIONS = [action for action in LineAction.values if action != LineAction.ADD]


def line(status, case_status=CaseStatus.WRITE) -> workflow.LineFacts:
    return workflow.LineFacts("JA-P-SAA line 001", status, case_status, AUTHOR, EDITOR)


@pytest.mark.parametrize(("status", "action"), list(itertools.product(LineStatus.values, LINE_ACTIONS)))
def test_every_line_state_and_action(status, action):
    if (status, action) in LEGAL_LINE_STEPS:
        transition = workflow.check_line_transition(line(status), action, actor_id=CHECKER)
        assert transition.target == LEGAL_LINE_STEPS[(status, action)]
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            workflow.check_line_transition(line(status), action, actor_id=CHECKER)
        assert f"it is {status}" in refused.value.detail


def test_a_new_line_can_only_be_added():
    assert workflow.check_line_transition(line(None), LineAction.ADD, actor_id=AUTHOR).target == LineStatus.DRAFT
    with pytest.raises(TransitionNotAllowed):
        workflow.check_line_transition(line(LineStatus.DRAFT), LineAction.ADD, actor_id=AUTHOR)


@pytest.mark.parametrize("case_status", [s for s in CaseStatus.values if s not in workflow.LINES_EDITABLE_IN])
@pytest.mark.parametrize("action", [LineAction.ADD, LineAction.EDIT, LineAction.REMOVE, LineAction.SUBMIT])
def test_lines_change_only_while_the_case_is_being_written(case_status, action):
    status = None if action == LineAction.ADD else LineStatus.DRAFT
    with pytest.raises(TransitionNotAllowed, match=f"the case is in {case_status.replace('_', ' ')}"):
        workflow.check_line_transition(line(status, case_status), action, actor_id=AUTHOR)


@pytest.mark.parametrize("case_status", [s for s in CaseStatus.values if s not in workflow.LINES_DECIDABLE_IN])
def test_decisions_only_until_the_case_leaves_review(case_status):
    with pytest.raises(TransitionNotAllowed):
        workflow.check_line_transition(line(LineStatus.SUBMITTED, case_status), LineAction.APPROVE, actor_id=CHECKER)


@pytest.mark.parametrize("decision", [LineAction.APPROVE, LineAction.REJECT, LineAction.RETURN])
@pytest.mark.parametrize("maker", [AUTHOR, EDITOR])
def test_the_author_or_last_editor_cannot_decide(decision, maker):
    with pytest.raises(SeparationOfDuties, match="another reviewer must decide"):
        workflow.check_line_transition(line(LineStatus.SUBMITTED), decision, actor_id=maker)


def test_the_author_may_submit_their_own_line():
    assert workflow.check_line_transition(line(LineStatus.DRAFT), LineAction.SUBMIT, actor_id=AUTHOR)

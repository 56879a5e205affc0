"""The transition tables, pure: every (state, action) pair against the tables written down in
tests/cases/expected.py, every guard refused on purpose, and every refusal's words."""

import datetime as dt
import itertools

import pytest

from fms.cases import workflow
from fms.cases.errors import SeparationOfDuties, TransitionNotAllowed
from tests.cases import expected

TODAY = dt.date(2026, 11, 26)

# For the service tests: (status, action) -> target, and the case actions a user can ask for.
LEGAL_CASE_STEPS = {pair: target for pair, (target, _role) in expected.CASE_STEPS.items()}
LEGAL_LINE_STEPS = expected.LINE_STEPS
CASE_ACTIONS = list(expected.CASE_ACTIONS)


# The BASIC document has taken its own step before the case takes offer or accept (DESIGN §4.3).
BASIC_MOVED = {"proposed": "offered", "offered": "accepted"}


def facts(**overrides) -> workflow.CaseFacts:
    """Facts under which every guard holds."""
    values = {
        "basic_document": BASIC_MOVED.get(overrides.get("status", "")),
        "case_id": "JA-P-SAA",
        "status": "development",
        "line_statuses": ("approved", "approved"),
        "lor_received_on": dt.date(2026, 1, 1),
        "notification_required": False,
        "notification": None,
        "offer_expires_on": TODAY + dt.timedelta(days=10),
        "today": TODAY,
    }
    return workflow.CaseFacts(**{**values, **overrides})


def refused(status: str, action: str, **overrides) -> TransitionNotAllowed:
    with pytest.raises(TransitionNotAllowed) as refusal:
        workflow.check_case_transition(facts(status=status, **overrides), action)
    assert (refusal.value.state, refusal.value.action) == (status, action)
    return refusal.value


# ---- Case lifecycle ---------------------------------------------------------------------------

STATUS_WORDS = {
    "development": "Development",
    "write": "Write",
    "review": "Review",
    "proposed": "Proposed",
    "offered": "Offered",
    "accepted": "Accepted",
    "implemented": "Implemented",
    "supply_complete": "Supply complete",
    "closed": "Closed",
    "cancelled": "Cancelled",
}
STEP_WORDS = {
    "start_write": "start writing",
    "return": "send back a step",
    "submit_review": "submit for review",
    "propose": "propose",
    "offer": "offer to the purchaser",
    "accept": "record acceptance",
    "implement": "implement",
    "complete_supply": "mark supply complete",
    "close": "close the case",
    "cancel": "cancel the case",
}


@pytest.mark.parametrize(("status", "action"), list(itertools.product(expected.CASE_STATUSES, expected.CASE_ACTIONS)))
def test_every_case_state_and_action(status, action):
    if (status, action) in expected.CASE_STEPS:
        target, role = expected.CASE_STEPS[(status, action)]
        transition = workflow.check_case_transition(facts(status=status), action)
        assert (transition.source, transition.action, transition.target) == (status, action, target)
        assert expected.ROLE_OF_PERMISSION[transition.permission] == role
    else:
        refusal = refused(status, action)
        # In the words a user reads: the status's label and the step's label, never the stored values.
        assert refusal.detail.startswith(f"A case in {STATUS_WORDS[status]} cannot {STEP_WORDS[action]}: ")


def test_the_tables_hold_exactly_the_written_down_steps():
    assert {(t.source, t.action): t.target for t in workflow.CASE_TRANSITIONS} == LEGAL_CASE_STEPS
    assert set(workflow.CASE_ACTIONS) == set(expected.CASE_ACTIONS)


@pytest.mark.parametrize("status", expected.CASE_STATUSES)
def test_the_next_steps_from_each_state(status):
    steps = {(t.action, t.target) for t in workflow.case_steps_from(status)}
    assert steps == {(a, target) for (s, a), (target, _) in expected.CASE_STEPS.items() if s == status}


@pytest.mark.parametrize(
    ("status", "action", "detail"),
    [
        ("closed", "propose", "A case in Closed cannot propose: that step starts only from Review."),
        (
            "development",
            "return",
            "A case in Development cannot send back a step: that step starts only from Write or Review.",
        ),
        (
            "closed",
            "cancel",
            "A case in Closed cannot cancel the case: that step starts only from "
            "Development or Write or Review or Proposed or Offered or Accepted or Implemented or Supply complete.",
        ),
        (
            "write",
            "complete_supply",
            "A case in Write cannot mark supply complete: that step starts only from Implemented.",
        ),
    ],
)
def test_a_step_from_the_wrong_state_names_where_it_starts(status, action, detail):
    assert refused(status, action).detail == detail


def test_unknown_action_is_named_with_the_actions_there_are():
    refusal = refused("write", "fly")
    assert refusal.detail == (
        "'fly' is not a case action; use one of: start_write, return, submit_review, propose, offer, accept, "
        "implement, complete_supply, close, cancel."
    )


def test_start_write_needs_a_line():
    assert refused("development", "start_write", line_statuses=()).detail == (
        "Cannot start writing JA-P-SAA (in Development): the case has no line items yet."
    )


def test_start_write_needs_the_lor_received_date():
    assert refused("development", "start_write", lor_received_on=None).detail == (
        "Cannot start writing JA-P-SAA (in Development): the date the Letter of Request was received is not set."
    )
    # The field is named for API clients in the problem's `errors`, not in the words.
    assert refused("development", "start_write", lor_received_on=None).errors == {
        "lor_received_on": ["The date the Letter of Request was received is not set."]
    }


def test_the_first_unmet_guard_is_named():
    detail = refused("development", "start_write", line_statuses=(), lor_received_on=None).detail
    assert detail.endswith("the case has no line items yet.")


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (("draft",), "1 of 1 line is not submitted or approved yet"),
        (("submitted", "returned"), "1 of 2 lines is not submitted or approved yet"),
        (("submitted", "approved", "draft", "returned", "rejected"), "3 of 5 lines are not submitted or approved yet"),
        ((), "the case has no line items yet"),
    ],
)
def test_submit_review_needs_every_line_submitted_or_approved(lines, reason):
    detail = refused("write", "submit_review", line_statuses=lines).detail
    assert detail == f"Cannot submit for review JA-P-SAA (in Write): {reason}."


def test_submit_review_with_submitted_and_approved_lines():
    ready = facts(status="write", line_statuses=("submitted", "approved"))
    assert workflow.check_case_transition(ready, "submit_review").target == "review"


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (("submitted",), "1 of 1 line is not approved yet"),
        (("approved", "submitted"), "1 of 2 lines is not approved yet"),
        (("approved", "returned", "rejected", "draft"), "3 of 4 lines are not approved yet"),
        ((), "the case has no line items yet"),
    ],
)
def test_propose_needs_every_line_approved(lines, reason):
    assert refused("review", "propose", line_statuses=lines).detail == f"Cannot propose JA-P-SAA (in Review): {reason}."


def test_offer_needs_a_notification_when_one_is_required():
    assert refused("proposed", "offer", notification_required=True).detail == (
        "Cannot offer to the purchaser JA-P-SAA (in Proposed): the case meets a 36(b) threshold and no "
        "congressional notification "
        "is linked."
    )


def test_offer_without_a_required_notification_needs_none():
    pending = workflow.NotificationFacts(review_ends_on=TODAY + dt.timedelta(days=5), emergency=False, notified=True)
    assert workflow.check_case_transition(facts(status="proposed", notification=pending), "offer").target == "offered"


def test_offer_waits_for_the_end_of_the_review_period():
    pending = workflow.NotificationFacts(review_ends_on=TODAY, emergency=False, notified=True)
    assert refused("proposed", "offer", notification_required=True, notification=pending).detail == (
        "Cannot offer to the purchaser JA-P-SAA (in Proposed): the congressional review period runs until 2026-11-26."
    )
    ended = workflow.NotificationFacts(review_ends_on=TODAY - dt.timedelta(days=1), emergency=False, notified=True)
    offered = facts(status="proposed", notification_required=True, notification=ended)
    assert workflow.check_case_transition(offered, "offer").target == "offered"


def test_a_draft_notification_does_not_clear_an_offer():
    draft = workflow.NotificationFacts(review_ends_on=None, emergency=False, notified=False)
    assert "still a draft" in refused("proposed", "offer", notification_required=True, notification=draft).detail


def test_emergency_notification_needs_no_review_period():
    emergency = workflow.NotificationFacts(review_ends_on=TODAY + dt.timedelta(days=15), emergency=True, notified=True)
    offered = facts(status="proposed", notification_required=True, notification=emergency)
    assert workflow.check_case_transition(offered, "offer").target == "offered"


def test_accept_on_the_expiry_day_but_not_after():
    assert workflow.check_case_transition(facts(status="offered", offer_expires_on=TODAY), "accept").target == (
        "accepted"
    )
    yesterday = TODAY - dt.timedelta(days=1)
    assert refused("offered", "accept", offer_expires_on=yesterday).detail == (
        "Cannot record acceptance JA-P-SAA (in Offered): the offer expired on 2026-11-25."
    )


@pytest.mark.parametrize("basic", [None, "draft", "withdrawn"])
def test_offer_needs_the_basic_document_offered(basic):
    refusal = refused("proposed", "offer", basic_document=basic)
    assert refusal.detail == (
        "Cannot offer to the purchaser JA-P-SAA (in Proposed): the BASIC document is not offered: the case is "
        "offered by freezing and offering its BASIC document."
    )
    assert list(refusal.errors) == ["documents"]


@pytest.mark.parametrize("basic", [None, "offered", "expired"])
def test_accept_needs_the_basic_document_accepted(basic):
    assert refused("offered", "accept", basic_document=basic).detail == (
        "Cannot record acceptance JA-P-SAA (in Offered): the BASIC document is not accepted: the case is accepted "
        "when the purchaser accepts its BASIC document."
    )


def test_offer_and_accept_are_the_document_steps_and_their_refusal_names_the_route():
    assert {t.action for t in workflow.CASE_TRANSITIONS if t.document_step} == {"offer", "accept"}
    offer = workflow.case_transition_for("proposed", "offer")
    refusal = workflow.refuse_document_step("JA-P-SAA", offer)
    assert (refusal.type, refusal.status, refusal.state, refusal.action) == (
        "document-step-required",
        409,
        "proposed",
        "offer",
    )
    assert refusal.route == "POST /api/v1/cases/JA-P-SAA/documents/BASIC/offer/"
    assert refusal.route in refusal.detail
    accept = workflow.refuse_document_step("JA-P-SAA", workflow.case_transition_for("offered", "accept"))
    assert accept.errors == {
        "action": ['Use POST /api/v1/cases/JA-P-SAA/documents/BASIC/accept/ with its "content_hash".']
    }


def test_accept_needs_an_expiry_date():
    assert refused("offered", "accept", offer_expires_on=None).detail == (
        "Cannot record acceptance JA-P-SAA (in Offered): the offer has no expiry date."
    )


# ---- Line review ------------------------------------------------------------------------------

AUTHOR, EDITOR, CHECKER = 1, 2, 3
LINE_ACTIONS = [action for action in expected.LINE_ACTION_ROLE if action != "add"]


def line(status, case_status="write", *, author=AUTHOR, editor=EDITOR) -> workflow.LineFacts:
    """Facts of a line whose content `author` added and `editor` changed since its last decision."""
    changed_by = frozenset(user for user in (author, editor) if user is not None)
    return workflow.LineFacts("JA-P-SAA line 001", status, case_status, changed_by)


def line_refused(facts_: workflow.LineFacts, action: str, *, actor_id: int = CHECKER) -> TransitionNotAllowed:
    with pytest.raises(TransitionNotAllowed) as refusal:
        workflow.check_line_transition(facts_, action, actor_id=actor_id)
    assert (refusal.value.state, refusal.value.action) == (facts_.review_status or "", action)
    return refusal.value


@pytest.mark.parametrize(("status", "action"), list(itertools.product(expected.LINE_STATUSES, LINE_ACTIONS)))
def test_every_line_state_and_action(status, action):
    if (status, action) in expected.LINE_STEPS:
        transition = workflow.check_line_transition(line(status), action, actor_id=CHECKER)
        assert transition.target == expected.LINE_STEPS[(status, action)]
    else:
        detail = line_refused(line(status), action).detail
        assert detail.startswith(f"Cannot {action} JA-P-SAA line 001: it is {status}; ")


def test_adding_a_line_that_exists_says_so():
    assert line_refused(line("approved"), "add").detail == (
        "Cannot add JA-P-SAA line 001: it is approved; it already exists, and a new line gets a number of its own."
    )


@pytest.mark.parametrize("action", list(expected.LINE_ACTION_ROLE))
def test_each_line_step_needs_its_permission(action):
    transition = workflow.line_transition(action)
    assert transition.permission == expected.LINE_ACTION_PERMISSION[action]
    assert expected.ROLE_OF_PERMISSION[transition.permission] == expected.LINE_ACTION_ROLE[action]
    assert transition.decision is (action in expected.LINE_DECISIONS)
    assert set(workflow.LINE_DECISIONS) == set(expected.LINE_DECISIONS)


@pytest.mark.parametrize(
    ("status", "action", "detail"),
    [
        (
            "draft",
            "approve",
            "Cannot approve JA-P-SAA line 001: it is draft; only a submitted line can be approved "
            "(a case officer submits it first).",
        ),
        (
            "rejected",
            "edit",
            "Cannot edit JA-P-SAA line 001: it is rejected; only a draft or submitted or approved or returned line "
            "can be changed (a rejected line is not resubmitted: a case officer removes it and adds a new line if "
            "still needed).",
        ),
        ("approved", "submit", "Cannot submit JA-P-SAA line 001: it is approved; only a draft line can be submitted."),
        (
            "returned",
            "submit",
            "Cannot submit JA-P-SAA line 001: it is returned; only a draft line can be submitted (a case officer "
            "edits it (Edit and resubmit): saving makes it a draft to submit again).",
        ),
        (
            "returned",
            "return",
            "Cannot return JA-P-SAA line 001: it is returned; only a submitted line can be returned (a case officer "
            "edits it (Edit and resubmit): saving makes it a draft to submit again).",
        ),
        ("submitted", "reject", None),
    ],
)
def test_a_line_step_from_the_wrong_status_names_the_status_it_needs(status, action, detail):
    if detail is None:  # the positive control: the same call with the right status passes
        assert workflow.check_line_transition(line(status), action, actor_id=CHECKER).target == "rejected"
    else:
        assert line_refused(line(status), action).detail == detail


def test_a_new_line_can_only_be_added():
    assert workflow.check_line_transition(line(None), "add", actor_id=AUTHOR).target == "draft"
    line_refused(line("draft"), "add", actor_id=AUTHOR)
    assert line_refused(line(None), "submit", actor_id=AUTHOR).detail == (
        "Cannot submit JA-P-SAA line 001: it is not added yet; only a draft line can be submitted."
    )


def test_unknown_line_action_is_named():
    assert line_refused(line("draft"), "fly").detail == (
        "'fly' is not a line action; use one of: add, edit, remove, submit, approve, reject, return."
    )
    assert line_refused(line(None), "fly").state == ""


@pytest.mark.parametrize("case_status", expected.CASE_STATUSES)
@pytest.mark.parametrize("action", expected.LINE_CONTENT_ACTIONS)
def test_lines_change_only_while_the_case_is_being_written(case_status, action):
    status = None if action == "add" else "draft"
    facts_ = line(status, case_status)
    if case_status in expected.LINES_EDITABLE_IN:
        assert workflow.check_line_transition(facts_, action, actor_id=AUTHOR)
    else:
        past = {"add": "added", "edit": "changed", "remove": "removed", "submit": "submitted"}[action]
        detail = line_refused(facts_, action, actor_id=AUTHOR).detail
        assert f": the case is in {case_status.replace('_', ' ')}; lines can be {past} only while it is in " in detail
        assert "development or write (" in detail
        if case_status == "review":  # what unblocks it, and who can
            assert detail.endswith(
                "(a reviewer returns this line or sends the case back a step, which puts the case back in Write)."
            )


@pytest.mark.parametrize("case_status", expected.CASE_STATUSES)
@pytest.mark.parametrize("decision", expected.LINE_DECISIONS)
def test_decisions_only_until_the_case_leaves_review(case_status, decision):
    facts_ = line("submitted", case_status)
    if case_status in expected.LINES_DECIDABLE_IN:
        assert workflow.check_line_transition(facts_, decision, actor_id=CHECKER)
    else:
        past = {"approve": "approved", "reject": "rejected", "return": "returned"}[decision]
        remedy = (
            "the case is final"
            if case_status in ("closed", "cancelled")
            else ("the case has left review; a change now needs a new document of the case")
        )
        assert line_refused(facts_, decision).detail == (
            f"Cannot {decision} JA-P-SAA line 001: the case is in {case_status.replace('_', ' ')}; lines can be "
            f"{past} only while it is in development or write or review ({remedy})."
        )


@pytest.mark.parametrize("decision", expected.LINE_DECISIONS)
@pytest.mark.parametrize("maker", [AUTHOR, EDITOR])
def test_whoever_changed_the_content_since_the_last_decision_cannot_decide(decision, maker):
    with pytest.raises(SeparationOfDuties) as refusal:
        workflow.check_line_transition(line("submitted"), decision, actor_id=maker)
    assert refusal.value.detail == (
        f"You cannot {decision} JA-P-SAA line 001: you added or changed it since its last decision, "
        "so another reviewer must decide on it."
    )


@pytest.mark.parametrize("decision", expected.LINE_DECISIONS)
def test_a_line_nobody_edited_yet_can_be_decided_by_another_user(decision):
    unedited = line("submitted", author=AUTHOR, editor=None)
    assert workflow.check_line_transition(unedited, decision, actor_id=CHECKER)
    with pytest.raises(SeparationOfDuties):
        workflow.check_line_transition(unedited, decision, actor_id=AUTHOR)


@pytest.mark.parametrize("action", expected.LINE_CONTENT_ACTIONS[1:])
def test_the_author_may_change_and_submit_their_own_line(action):
    assert workflow.check_line_transition(line("draft"), action, actor_id=AUTHOR)


@pytest.mark.parametrize("case_status", expected.CASE_STATUSES)
@pytest.mark.parametrize("action", list(expected.LINE_ACTION_ROLE))
def test_which_line_decisions_send_the_case_back(case_status, action):
    step = workflow.case_step_after_line_decision(case_status, action)
    moved = None if step is None else (step.action, step.target)
    assert moved == expected.CASE_MOVED_BY_LINE_DECISION.get((case_status, action))
    if step is not None:
        assert step.source == case_status


@pytest.mark.parametrize("case_status", expected.CASE_STATUSES)
@pytest.mark.parametrize("action", [*expected.LINE_CONTENT_ACTIONS, *expected.LINE_DECISIONS])
def test_an_open_amendment_reopens_the_lines_of_an_accepted_or_implemented_case(case_status, action):
    status = None if action == "add" else ("submitted" if action in expected.LINE_DECISIONS else "draft")
    open_facts = workflow.LineFacts(
        "JA-P-SAA line 001", status, case_status, frozenset({AUTHOR, EDITOR}), open_document="A01"
    )
    usual = expected.LINES_DECIDABLE_IN if action in expected.LINE_DECISIONS else expected.LINES_EDITABLE_IN
    if case_status in usual or case_status in expected.LINES_CHANGEABLE_BY_AN_OPEN_DOCUMENT_IN:
        assert workflow.check_line_transition(open_facts, action, actor_id=CHECKER)
    else:
        assert f"the case is in {case_status.replace('_', ' ')};" in line_refused(open_facts, action).detail
    if case_status in expected.LINES_CHANGEABLE_BY_AN_OPEN_DOCUMENT_IN:  # without the document: refused
        line_refused(workflow.LineFacts("JA-P-SAA line 001", status, case_status, frozenset({AUTHOR, EDITOR})), action)


@pytest.mark.parametrize("case_status", expected.LINES_CHANGEABLE_BY_AN_OPEN_DOCUMENT_IN)
def test_an_open_amendment_keeps_the_line_rules_and_separation_of_duties(case_status):
    approved = workflow.LineFacts(
        "JA-P-SAA line 001", "approved", case_status, frozenset({AUTHOR, EDITOR}), open_document="A01"
    )
    assert "only a draft line can be submitted" in line_refused(approved, "submit").detail
    submitted = workflow.LineFacts(
        "JA-P-SAA line 001", "submitted", case_status, frozenset({AUTHOR, EDITOR}), open_document="A01"
    )
    with pytest.raises(SeparationOfDuties):
        workflow.check_line_transition(submitted, "approve", actor_id=AUTHOR)


@pytest.mark.parametrize("case_status", expected.CASE_STATUSES)
def test_lines_are_changeable_while_written_or_under_an_open_document(case_status):
    assert workflow.lines_changeable(case_status) is (case_status in expected.LINES_EDITABLE_IN)
    assert workflow.lines_changeable(case_status, "A01") is (
        case_status in expected.LINES_EDITABLE_IN or case_status in expected.LINES_CHANGEABLE_BY_AN_OPEN_DOCUMENT_IN
    )

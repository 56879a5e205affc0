"""What a blocked step says, pure: the unmet guard, what unblocks it and who can, and the exact words of
the refusals that test_workflow.py checks only by their start. Every expectation is written here."""

import datetime as dt

import pytest

from fms.cases import workflow
from fms.cases.errors import TransitionNotAllowed
from tests.cases.test_workflow import AUTHOR, CHECKER, TODAY, facts, line, line_refused, refused

NOTIFIED = {"emergency": False, "notified": True}

# (status, action, facts that leave exactly one guard unmet) -> (the unmet guard's reason, its remedy).
BLOCKED = [
    (
        "development",
        "start_write",
        {"line_statuses": ()},
        "the case has no line items yet",
        "a case officer adds the case's lines (Add line)",
    ),
    (
        "development",
        "start_write",
        {"lor_received_on": None},
        "the date the Letter of Request was received is not set",
        "a case officer enters the date the Letter of Request was received (Edit case)",
    ),
    (
        "write",
        "submit_review",
        {"line_statuses": ("submitted", "returned")},
        "1 of 2 lines is not submitted or approved yet",
        "a case officer submits every draft line (a returned line is edited and resubmitted first)",
    ),
    (
        "review",
        "propose",
        {"line_statuses": ("approved", "submitted", "draft")},
        "2 of 3 lines are not approved yet",
        "a reviewer approves every submitted line; a line sent back makes the case go back to Write",
    ),
    (
        "proposed",
        "offer",
        {"notification_required": True},
        "the case meets a 36(b) threshold and no congressional notification is linked",
        "a case officer links a notified 36(b) notification (Edit case) and its review period ends",
    ),
    (
        "offered",
        "accept",
        {"offer_expires_on": TODAY - dt.timedelta(days=1)},
        "the offer expired on 2026-11-25",
        "a case officer sets a later offer expiry date, or the case is cancelled",
    ),
]


@pytest.mark.parametrize(("status", "action", "overrides", "reason", "remedy"), BLOCKED)
def test_a_blocked_step_names_its_unmet_guard_and_what_unblocks_it(status, action, overrides, reason, remedy):
    transition = workflow.case_transition_for(status, action)
    blocked = facts(status=status, **overrides)
    assert workflow.unmet_case_guard(transition, blocked) == reason
    assert workflow.case_guard_remedy(transition, blocked) == remedy
    # The positive control: with every guard met, nothing is unmet and there is nothing to do.
    assert workflow.unmet_case_guard(transition, facts(status=status)) is None
    assert workflow.case_guard_remedy(transition, facts(status=status)) == ""


@pytest.mark.parametrize(("status", "action"), [("write", "return"), ("accepted", "implement"), ("offered", "cancel")])
def test_a_step_without_guards_is_never_blocked_here(status, action):
    transition = workflow.case_transition_for(status, action)
    empty = facts(status=status, line_statuses=(), lor_received_on=None, offer_expires_on=None)
    assert (workflow.unmet_case_guard(transition, empty), workflow.case_guard_remedy(transition, empty)) == (None, "")


def test_the_first_unmet_guard_gives_the_remedy():
    transition = workflow.case_transition_for("development", "start_write")
    neither = facts(status="development", line_statuses=(), lor_received_on=None)
    assert workflow.unmet_case_guard(transition, neither) == "the case has no line items yet"
    assert workflow.case_guard_remedy(transition, neither) == "a case officer adds the case's lines (Add line)"


def test_a_guard_without_a_remedy_or_field_of_its_own_says_none_and_is_reported_under_status(monkeypatch):
    monkeypatch.delitem(workflow.CASE_GUARD_REMEDIES, workflow.lor_received)
    monkeypatch.delitem(workflow.CASE_GUARD_FIELDS, workflow.lor_received)
    transition = workflow.case_transition_for("development", "start_write")
    assert workflow.case_guard_remedy(transition, facts(lor_received_on=None)) == ""
    assert refused("development", "start_write", lor_received_on=None).errors == {
        "status": ["The date the Letter of Request was received is not set."]
    }


def test_each_guard_reports_under_its_own_field():
    assert refused("development", "start_write", line_statuses=()).errors == {
        "lines": ["The case has no line items yet."]
    }
    assert refused("proposed", "offer", notification_required=True).errors == {
        "notification": ["The case meets a 36(b) threshold and no congressional notification is linked."]
    }
    assert refused("offered", "accept", offer_expires_on=None).errors == {
        "offer_expires_on": ["The offer has no expiry date."]
    }


# ---- 36(b): a draft notification, whatever dates it carries ----------------------------------------


@pytest.mark.parametrize(
    ("notified", "review_ends_on"),
    [(False, None), (False, TODAY - dt.timedelta(days=30)), (True, None)],
)
def test_an_offer_waits_for_a_notification_that_was_notified_with_a_date(notified, review_ends_on):
    draft = workflow.NotificationFacts(review_ends_on=review_ends_on, emergency=False, notified=notified)
    assert refused("proposed", "offer", notification_required=True, notification=draft).detail == (
        "Cannot offer to the purchaser JA-P-SAA (in Proposed): the linked congressional notification is still a "
        "draft (not notified to Congress)."
    )


# ---- The document steps' refusal, word for word --------------------------------------------------


def test_offering_the_case_itself_names_the_document_route_in_full():
    refusal = workflow.refuse_document_step("JA-P-SAA", workflow.case_transition_for("proposed", "offer"))
    assert refusal.detail == (
        "JA-P-SAA is offered by freezing and offering its BASIC LOA document, not by a case step: use "
        "POST /api/v1/cases/JA-P-SAA/documents/BASIC/offer/ (on the web, the case page's Documents panel)."
    )


# ---- Words for states and steps outside the choices --------------------------------------------


def test_a_state_outside_the_choices_is_named_in_plain_words():
    with pytest.raises(TransitionNotAllowed) as refusal:
        workflow.case_transition_for("on_hold", "propose")
    assert refusal.value.detail == "A case in on hold cannot propose: that step starts only from Review."


def test_a_step_outside_the_choices_is_named_in_plain_words():
    refusal = workflow.refuse_case_step(facts(status="write"), "recount_lines", "the count is off", "lines")
    assert refusal.detail == "Cannot recount lines JA-P-SAA (in Write): the count is off."
    assert (refusal.state, refusal.action, refusal.errors) == (
        "write",
        "recount_lines",
        {"lines": ["The count is off."]},
    )


# ---- Line refusals: what unblocks each, word for word ------------------------------------------


@pytest.mark.parametrize(
    ("status", "action", "detail"),
    [
        (
            "draft",
            "add",
            "Cannot add JA-P-SAA line 001: it is draft; it already exists, and a new line gets a number of its own.",
        ),
        (
            "submitted",
            "submit",
            "Cannot submit JA-P-SAA line 001: it is submitted; only a draft line can be submitted "
            "(it waits for a reviewer's decision).",
        ),
        (
            "submitted",
            "add",
            "Cannot add JA-P-SAA line 001: it is submitted; it already exists, and a new line gets a number of its "
            "own.",
        ),
        (
            "approved",
            "approve",
            "Cannot approve JA-P-SAA line 001: it is approved; only a submitted line can be approved (it is decided; "
            "a change by a case officer makes it a draft to submit and decide again).",
        ),
        (
            "approved",
            "return",
            "Cannot return JA-P-SAA line 001: it is approved; only a submitted line can be returned (it is decided; "
            "a change by a case officer makes it a draft to submit and decide again).",
        ),
        (
            "rejected",
            "approve",
            "Cannot approve JA-P-SAA line 001: it is rejected; only a submitted line can be approved (a rejected "
            "line is not resubmitted: a case officer removes it and adds a new line if still needed).",
        ),
        (
            "draft",
            "reject",
            "Cannot reject JA-P-SAA line 001: it is draft; only a submitted line can be rejected "
            "(a case officer submits it first).",
        ),
    ],
)
def test_a_refused_line_step_says_what_unblocks_it(status, action, detail):
    assert line_refused(line(status), action).detail == detail


@pytest.mark.parametrize(
    ("case_status", "action", "remedy"),
    [
        (
            "review",
            "edit",
            "a reviewer returns this line or sends the case back a step, which puts the case back in Write",
        ),
        ("proposed", "edit", "the case has left review; a change now needs a new document of the case"),
        ("offered", "submit", "the case has left review; a change now needs a new document of the case"),
        ("closed", "remove", "the case is final"),
        ("cancelled", "edit", "the case is final"),
    ],
)
def test_a_line_change_refused_for_the_cases_state_says_what_unblocks_it(case_status, action, remedy):
    past = {"edit": "changed", "submit": "submitted", "remove": "removed"}[action]
    words = case_status.replace("_", " ")
    assert line_refused(line("draft", case_status), action, actor_id=AUTHOR).detail == (
        f"Cannot {action} JA-P-SAA line 001: the case is in {words}; lines can be {past} only while it is in "
        f"development or write ({remedy})."
    )


def test_a_decision_refused_in_a_later_state_is_told_the_case_left_review():
    assert line_refused(line("submitted", "proposed"), "approve", actor_id=CHECKER).detail == (
        "Cannot approve JA-P-SAA line 001: the case is in proposed; lines can be approved only while it is in "
        "development or write or review (the case has left review; a change now needs a new document of the case)."
    )

"""The services: each use case moves what it should, writes its ledger event, and a refusal changes nothing."""

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

import pghistory.models
import pytest
from django.db import transaction
from django.utils import timezone

from fms.accounts.roles import REVIEWER
from fms.cases import digests, services
from fms.cases.choices import CaseAction, CaseStatus, LineAction, LineStatus
from fms.cases.errors import SeparationOfDuties, TransitionNotAllowed
from fms.cases.models import Case, LineItem
from fms.core.errors import DomainError, NotAllowed, StaleVersion, ValidationFailed
from fms.ledger.models import ApprovalEvent
from fms.ledger.verification import verify_ledger
from fms.notifications import rules as notification_rules
from fms.notifications import services as notification_services
from fms.reference.models import Purchaser
from tests.cases.test_workflow import CASE_ACTIONS, LEGAL_CASE_STEPS, LEGAL_LINE_STEPS, STATUS_WORDS
from tests.factories import UserFactory, actor_for, line_data, lines_of, make_case, walk_to

pytestmark = pytest.mark.django_db


@contextmanager
def rolled_back():
    """Run a step and undo it, so the next step starts from the same state."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    lines = tuple(case.lines.order_by("pk").values_list("review_status", "version", "removed_at"))
    return case.status, case.version, case.offer_expires_on, ApprovalEvent.objects.filter(case=case).count(), lines


def last_event(case: Case) -> ApprovalEvent:
    return ApprovalEvent.objects.filter(case=case).order_by("-seq").first()


# ---- Cases ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", CaseStatus.values)
def test_every_case_step_through_the_service(status, officer, reviewer):
    case = walk_to(status, officer=officer, reviewer=reviewer)
    for action in CASE_ACTIONS:
        before = snapshot(case)
        actor = actor_for(status, action, officer=officer, reviewer=reviewer)
        if (status, action) in LEGAL_CASE_STEPS:
            # The other role lacks this step's permission: refused before any guard is looked at.
            other = reviewer if actor == officer else officer
            with pytest.raises(NotAllowed, match=f"^You do not have permission to {action.replace('_', ' ')} cases"):
                services.case_transition(actor=other, case=case, action=action)
            with rolled_back():
                moved = services.case_transition(actor=actor, case=case, action=action, comment="ok")
                assert moved.status == LEGAL_CASE_STEPS[(status, action)]
                assert moved.version == before[1] + 1
                event = last_event(case)
                assert (event.action, event.from_status, event.to_status, event.actor, event.comment) == (
                    action,
                    status,
                    moved.status,
                    actor,
                    "ok",
                )
                assert event.seq == before[3] + 1
        else:
            with pytest.raises(TransitionNotAllowed, match=f"^A case in {STATUS_WORDS[status]} cannot "):
                services.case_transition(actor=actor, case=case, action=action)
        assert snapshot(case) == before


def test_a_walk_records_one_event_per_step_in_order(officer, reviewer):
    case = walk_to(CaseStatus.CLOSED, officer=officer, reviewer=reviewer, lines=1)
    events = list(
        ApprovalEvent.objects.filter(case=case).order_by("seq").values_list("action", "to_status", "actor__username")
    )
    assert events == [
        ("create", "development", "officer"),
        ("add", "draft", "officer"),
        ("submit", "submitted", "officer"),
        ("approve", "approved", "reviewer"),
        ("start_write", "write", "officer"),
        ("submit_review", "review", "officer"),
        ("propose", "proposed", "reviewer"),
        ("offer", "offered", "officer"),
        ("accept", "accepted", "officer"),
        ("implement", "implemented", "officer"),
        ("complete_supply", "supply_complete", "officer"),
        ("close", "closed", "officer"),
    ]
    assert verify_ledger([case.pk]).ok


def test_offer_sets_the_expiry_85_days_ahead_unless_given(officer, reviewer):
    case = walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer)
    with rolled_back():
        offered = services.case_transition(actor=officer, case=case, action=CaseAction.OFFER)
        assert offered.offer_expires_on == timezone.localdate() + dt.timedelta(days=85)
    given = timezone.localdate() + dt.timedelta(days=30)
    offered = services.case_transition(actor=officer, case=case, action=CaseAction.OFFER, offer_expires_on=given)
    assert offered.offer_expires_on == given


def test_offer_of_a_case_that_needs_notification_waits_for_the_review_period(
    officer, reviewer, cn_officer, cn_officer2
):
    case = make_case(officer)
    line = services.line_item_add(actor=officer, case=case, **line_data(quantity=1, unit_cost=Decimal("100000000.00")))
    services.line_item_approve(actor=reviewer, line=services.line_item_submit(actor=officer, line=line))
    for action in [CaseAction.START_WRITE, CaseAction.SUBMIT_REVIEW]:
        case = services.case_transition(actor=officer, case=case, action=action)
    case = services.case_transition(actor=reviewer, case=case, action=CaseAction.PROPOSE)
    assert case.notification_required
    with pytest.raises(TransitionNotAllowed, match="no congressional notification is linked"):
        services.case_transition(actor=officer, case=case, action=CaseAction.OFFER)

    today = notification_rules.washington_today(timezone.now())
    notification = notification_services.notification_create(
        actor=cn_officer, purchaser=case.purchaser, notified_on=today, total_value=case.total_value, status="notified"
    )
    case = services.case_update(actor=officer, case=case, notification=notification)
    with pytest.raises(TransitionNotAllowed, match="congressional review period runs until"):
        services.case_transition(actor=officer, case=case, action=CaseAction.OFFER)

    # An earlier date once notified is a change a second cn_officer approves.
    _, change = notification_services.notification_update(
        actor=cn_officer, notification=notification, notified_on=today - dt.timedelta(days=16)
    )
    notification_services.notification_change_decide(
        actor=cn_officer2, notification=notification, number=change.number, approve=True
    )
    case.refresh_from_db()
    assert services.case_transition(actor=officer, case=case, action=CaseAction.OFFER).status == CaseStatus.OFFERED


def test_steps_need_the_role_that_owns_them(officer, reviewer, client_ja, auditor):
    case = walk_to(CaseStatus.REVIEW, officer=officer, reviewer=reviewer)
    before = snapshot(case)
    with pytest.raises(NotAllowed):
        services.case_transition(actor=officer, case=case, action=CaseAction.PROPOSE)
    for reader in (client_ja, auditor):
        with pytest.raises(NotAllowed):
            services.case_transition(actor=reader, case=case, action=CaseAction.CANCEL)
        with pytest.raises(NotAllowed):
            services.case_create(actor=reader, case_id="JA-P-QQQ", title="x")
    assert snapshot(case) == before


def test_a_stale_version_is_refused_and_changes_nothing(officer):
    case = make_case(officer, lines=1)
    before = snapshot(case)
    with pytest.raises(StaleVersion, match="changed since you read it"):
        services.case_transition(
            actor=officer, case=case, action=CaseAction.START_WRITE, expected_version=case.version - 1
        )
    with pytest.raises(StaleVersion):
        services.case_update(actor=officer, case=case, title="New", expected_version=case.version + 1)
    assert snapshot(case) == before


@pytest.mark.parametrize(
    ("case_id", "field", "message"),
    [
        ("JA-P", "case_id", "XX-A-XXX"),
        ("XX-P-AAA", "purchaser", "customer code"),
        ("JA-Q-AAA", "implementing_agency", "agency"),
    ],
)
def test_case_create_refuses_bad_ids_by_field(officer, case_id, field, message):
    with pytest.raises(ValidationFailed) as refused:
        services.case_create(actor=officer, case_id=case_id, title="t")
    assert message in refused.value.errors[field][0]
    assert not Case.objects.exists()


def test_case_create_refuses_a_duplicate_id_and_derives_purchaser_and_agency(officer):
    case = services.case_create(actor=officer, case_id="ks-d-qab", title="t")
    assert (case.case_id, case.purchaser_id, case.implementing_agency_id) == ("KS-D-QAB", "KS", "D")
    with pytest.raises(ValidationFailed, match="case_id"):
        services.case_create(actor=officer, case_id="KS-D-QAB", title="again")
    assert Case.objects.count() == 1


def test_case_update_refuses_status_and_identity_fields(officer):
    case = make_case(officer)
    for field, value in [("status", "closed"), ("case_id", "JA-P-ABC"), ("version", 9)]:
        with pytest.raises(ValidationFailed) as refused:
            services.case_update(actor=officer, case=case, **{field: value})
        assert field in refused.value.errors


def test_notification_must_be_for_the_cases_purchaser(officer, cn_officer):
    case = make_case(officer)
    korean = notification_services.notification_create(
        actor=cn_officer,
        purchaser=Purchaser.objects.get(code="KS"),
        notified_on=timezone.localdate(),
        total_value=Decimal("1.00"),
    )
    with pytest.raises(ValidationFailed, match="notification"):
        services.case_update(actor=officer, case=case, notification=korean)


# ---- Line items -------------------------------------------------------------------------------


def line_in(status: str, *, officer, reviewer) -> LineItem:
    case = make_case(officer, lines=1)
    line = lines_of(case)[0]
    if status != LineStatus.DRAFT:
        line = services.line_item_submit(actor=officer, line=line)
    decide = {
        LineStatus.APPROVED: services.line_item_approve,
        LineStatus.REJECTED: services.line_item_reject,
        LineStatus.RETURNED: services.line_item_return,
    }.get(status)
    if decide:
        line = decide(actor=reviewer, line=line, comment="because")
    return line


def try_line_action(action: str, line: LineItem, *, officer, reviewer):
    if action == LineAction.EDIT:
        return services.line_item_update(actor=officer, line=line, description="Changed")
    if action == LineAction.REMOVE:
        return services.line_item_remove(actor=officer, line=line)
    actor = officer if action == LineAction.SUBMIT else reviewer
    return services.LINE_STEPS[action](actor=actor, line=line, comment="because")


@pytest.mark.parametrize("status", LineStatus.values)
def test_every_line_step_through_the_service(status, officer, reviewer):
    line = line_in(status, officer=officer, reviewer=reviewer)
    case = line.case
    for action in [a for a in LineAction.values if a != LineAction.ADD]:
        before = snapshot(case)
        if (status, action) in LEGAL_LINE_STEPS:
            with rolled_back():
                try_line_action(action, line, officer=officer, reviewer=reviewer)
                after = LineItem.objects.get(pk=line.pk)
                if action == LineAction.REMOVE:
                    assert after.removed_at is not None
                else:
                    assert after.review_status == LEGAL_LINE_STEPS[(status, action)]
                assert after.version == line.version + 1
                event = last_event(case)
                assert (event.action, event.line_item_id, event.from_status) == (action, line.pk, status)
                assert Case.objects.get(pk=case.pk).version == before[1] + 1
        else:
            with pytest.raises(TransitionNotAllowed):
                try_line_action(action, line, officer=officer, reviewer=reviewer)
        assert snapshot(case) == before


def test_lines_are_numbered_in_order_and_numbers_are_never_reused(officer):
    case = make_case(officer, lines=2)
    first, second = lines_of(case)
    assert (first.line_number, second.line_number) == ("001", "002")
    services.line_item_remove(actor=officer, line=second)
    third = services.line_item_add(actor=officer, case=case, **line_data())
    assert third.line_number == "003"
    with pytest.raises(ValidationFailed, match="line_number"):
        services.line_item_add(actor=officer, case=case, line_number="002", **line_data())


def test_a_removed_line_leaves_the_totals_and_the_guards(officer):
    case = make_case(officer, lines=2)
    first, second = lines_of(case)
    services.line_item_submit(actor=officer, line=first)
    services.line_item_remove(actor=officer, line=second)
    case.refresh_from_db()
    assert case.total_value == Decimal("2000.00")
    case = services.case_transition(actor=officer, case=case, action=CaseAction.START_WRITE)
    assert services.case_transition(actor=officer, case=case, action=CaseAction.SUBMIT_REVIEW).status == "review"


def test_editing_an_approved_line_puts_it_back_to_draft_and_voids_the_approval(officer, reviewer):
    line = line_in(LineStatus.APPROVED, officer=officer, reviewer=reviewer)
    approval = last_event(line.case)
    assert approval.action == LineAction.APPROVE
    assert approval.content_digest == digests.line_digest(services._line_values(LineItem.objects.get(pk=line.pk)))

    edited = services.line_item_update(actor=officer, line=line, quantity=5)
    assert edited.review_status == LineStatus.DRAFT
    assert edited.total_cost == Decimal("5000.00")
    assert approval.content_digest != digests.line_digest(services._line_values(edited))
    edit_event = last_event(line.case)
    assert (edit_event.action, edit_event.from_status, edit_event.to_status) == ("edit", "approved", "draft")


def test_an_edit_that_changes_nothing_is_not_a_new_version(officer):
    line = lines_of(make_case(officer, lines=1))[0]
    same = services.line_item_update(actor=officer, line=line, description=line.description)
    assert same.version == line.version
    assert last_event(line.case).action == LineAction.ADD


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"unit_cost": Decimal("-1.00")}, "unit_cost"),
        ({"masl": "ABC"}, "masl"),
        ({"category": "tank"}, "category"),
        ({"unit_of_issue": "each"}, "unit_of_issue"),
        ({"quantity": 2, "unit_cost": Decimal("9999999999999.99")}, "unit_cost"),
        ({"review_status": "approved"}, "review_status"),
    ],
)
def test_bad_line_content_is_refused_by_field_and_changes_nothing(officer, changes, field):
    case = make_case(officer, lines=1)
    line = lines_of(case)[0]
    before = snapshot(case)
    with pytest.raises(ValidationFailed) as refused:
        services.line_item_update(actor=officer, line=line, **changes)
    assert field in refused.value.errors
    with pytest.raises(ValidationFailed):
        services.line_item_add(actor=officer, case=case, **{**line_data(), **changes})
    assert snapshot(case) == before


@pytest.mark.parametrize("decide", [services.line_item_reject, services.line_item_return])
def test_reject_and_return_need_a_comment(officer, reviewer, decide):
    line = line_in(LineStatus.SUBMITTED, officer=officer, reviewer=reviewer)
    with pytest.raises(ValidationFailed, match="comment"):
        decide(actor=reviewer, line=line, comment="  ")
    assert LineItem.objects.get(pk=line.pk).review_status == LineStatus.SUBMITTED


def test_a_stale_line_decision_is_refused(officer, reviewer):
    line = line_in(LineStatus.SUBMITTED, officer=officer, reviewer=reviewer)
    with pytest.raises(StaleVersion):
        services.line_item_approve(actor=reviewer, line=line, expected_version=line.version - 1)
    assert LineItem.objects.get(pk=line.pk).review_status == LineStatus.SUBMITTED


def case_in_review_with_submitted_lines(officer, lines: int = 2) -> Case:
    case = make_case(officer, lines=lines)
    for line in lines_of(case):
        services.line_item_submit(actor=officer, line=line)
    for action in (CaseAction.START_WRITE, CaseAction.SUBMIT_REVIEW):
        case = services.case_transition(actor=officer, case=case, action=action)
    return case


@pytest.mark.parametrize(
    ("decide", "past"), [(services.line_item_return, "returned"), (services.line_item_reject, "rejected")]
)
def test_a_line_sent_back_in_review_sends_the_case_back_to_write_as_a_case_event(officer, reviewer, decide, past):
    case = case_in_review_with_submitted_lines(officer)
    version = Case.objects.get(pk=case.pk).version
    decide(actor=reviewer, line=lines_of(case)[1], comment="Quantity differs from the LOR.")
    case.refresh_from_db()
    assert case.status == CaseStatus.WRITE
    assert case.version == version + 1  # one use case, one new version
    line_event, case_event = ApprovalEvent.objects.filter(case=case).order_by("-seq")[:2][::-1]
    assert (line_event.action, line_event.line_item.line_number, line_event.to_status) == (
        {"returned": LineAction.RETURN, "rejected": LineAction.REJECT}[past],
        "002",
        past,
    )
    assert (case_event.action, case_event.line_item, case_event.from_status, case_event.to_status) == (
        CaseAction.RETURN,
        None,
        CaseStatus.REVIEW,
        CaseStatus.WRITE,
    )
    assert (case_event.actor, case_event.comment) == (reviewer, f"Line 002 {past}: Quantity differs from the LOR.")
    assert verify_ledger([case.pk]).ok


def test_an_approval_in_review_leaves_the_case_in_review(officer, reviewer):
    case = case_in_review_with_submitted_lines(officer)
    events = ApprovalEvent.objects.filter(case=case).count()
    services.line_item_approve(actor=reviewer, line=lines_of(case)[0])
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEW
    assert ApprovalEvent.objects.filter(case=case).count() == events + 1


def test_a_line_returned_while_the_case_is_in_write_moves_only_the_line(officer, reviewer):
    case = make_case(officer, lines=1)
    case = services.case_transition(actor=officer, case=case, action=CaseAction.START_WRITE)
    line = services.line_item_submit(actor=officer, line=lines_of(case)[0])
    services.line_item_return(actor=reviewer, line=line, comment="Fix the MASL.")
    case.refresh_from_db()
    assert case.status == CaseStatus.WRITE
    assert last_event(case).action == LineAction.RETURN


def test_after_the_return_the_officer_fixes_resubmits_and_the_case_goes_back_to_review(officer, reviewer):
    case = case_in_review_with_submitted_lines(officer)
    first, second = lines_of(case)
    services.line_item_approve(actor=reviewer, line=first)
    returned = services.line_item_return(actor=reviewer, line=second, comment="One lot, not two.")
    fixed = services.line_item_update(actor=officer, line=returned, quantity=1, expected_version=returned.version)
    services.line_item_submit(actor=officer, line=fixed, expected_version=fixed.version)
    case = services.case_transition(actor=officer, case=case, action=CaseAction.SUBMIT_REVIEW)
    services.line_item_approve(actor=reviewer, line=lines_of(case)[1])
    case = services.case_transition(actor=reviewer, case=case, action=CaseAction.PROPOSE)
    assert case.status == CaseStatus.PROPOSED
    assert verify_ledger([case.pk]).ok


# ---- Separation of duties -------------------------------------------------------------------------


@pytest.mark.parametrize("decide", [services.line_item_approve, services.line_item_reject, services.line_item_return])
def test_the_author_cannot_decide_even_holding_the_reviewer_role(officer, reviewer, decide):
    officer.groups.add(officer.groups.model.objects.get(name=REVIEWER))
    line = line_in(LineStatus.SUBMITTED, officer=officer, reviewer=reviewer)
    officer = type(officer).objects.get(pk=officer.pk)  # fresh permission cache
    with pytest.raises(SeparationOfDuties):
        decide(actor=officer, line=line, comment="mine")
    assert LineItem.objects.get(pk=line.pk).review_status == LineStatus.SUBMITTED


def test_whoever_changed_any_part_since_the_last_decision_cannot_decide(officer, officer2, reviewer):
    """A priced the line, B edited its description, A approves: refused, though B changed it last."""
    a = UserFactory(username="a", roles=["case_officer", REVIEWER])
    line = line_in(LineStatus.DRAFT, officer=officer, reviewer=reviewer)
    line = services.line_item_update(actor=a, line=line, unit_cost=Decimal("99999999.00"))
    line = services.line_item_update(actor=officer2, line=line, description="Described by B")
    line = services.line_item_submit(actor=officer2, line=line)
    before = snapshot(line.case)
    with pytest.raises(SeparationOfDuties, match="you added or changed it since its last decision"):
        services.line_item_approve(actor=a, line=line)
    assert snapshot(line.case) == before


def test_a_change_before_the_last_decision_no_longer_bars_its_author(officer, officer2, reviewer):
    both = UserFactory(username="both", roles=["case_officer", REVIEWER])
    line = line_in(LineStatus.DRAFT, officer=officer, reviewer=reviewer)
    line = services.line_item_update(actor=both, line=line, quantity=3)
    line = services.line_item_submit(actor=officer, line=line)
    line = services.line_item_return(actor=reviewer, line=line, comment="check the quantity")
    line = services.line_item_update(actor=officer2, line=line, description="Quantity checked")
    line = services.line_item_submit(actor=officer2, line=line)
    assert services.line_item_approve(actor=both, line=line).review_status == LineStatus.APPROVED


def test_the_last_editor_cannot_decide(officer, reviewer):
    checker_and_editor = UserFactory(username="both", roles=["case_officer", REVIEWER])
    line = line_in(LineStatus.DRAFT, officer=officer, reviewer=reviewer)
    line = services.line_item_update(actor=checker_and_editor, line=line, description="Tweaked")
    line = services.line_item_submit(actor=officer, line=line)
    with pytest.raises(SeparationOfDuties):
        services.line_item_approve(actor=checker_and_editor, line=line)
    assert services.line_item_approve(actor=reviewer, line=line).review_status == LineStatus.APPROVED


# ---- Field history --------------------------------------------------------------------------------


def test_field_history_names_who_changed_what(officer, officer2):
    case = make_case(officer, lines=1)
    services.case_update(actor=officer2, case=case, title="Renamed")
    services.line_item_update(actor=officer2, line=lines_of(case)[0], quantity=7)
    events = pghistory.models.Events.objects.references(case).order_by("pgh_created_at")
    updates = [(e.pgh_model, e.pgh_diff, e.pgh_context["username"]) for e in events if e.pgh_label == "update"]
    assert ("cases.CaseHistory", {"title": ["Test case", "Renamed"]}, "officer2") in updates
    assert any(
        model == "cases.LineItemHistory" and diff.get("quantity") == [2, 7] and who == "officer2"
        for model, diff, who in updates
    )


# NUMERIC(15,2): thirteen digits before the point, written down rather than read from rules.MONEY_MAX.
LARGEST_AMOUNT = Decimal("9999999999999.99")


def test_the_largest_amount_fits_to_the_cent(officer):
    case = make_case(officer)
    line = services.line_item_add(actor=officer, case=case, **line_data(quantity=1, unit_cost=LARGEST_AMOUNT))
    assert line.total_cost == case.lines.get().total_cost == LARGEST_AMOUNT
    one_cent_more = line_data(quantity=1, unit_cost=LARGEST_AMOUNT + Decimal("0.01"))
    with pytest.raises(ValidationFailed) as refused:
        services.line_item_add(actor=officer, case=make_case(officer), **one_cent_more)
    assert refused.value.errors["unit_cost"] == [
        "Ensure this value is less than or equal to 9999999999999.99.",
        "Ensure that there are no more than 15 digits in total.",
    ]
    twice_half = line_data(quantity=2, unit_cost=Decimal("5000000000000.00"))
    with pytest.raises(ValidationFailed) as refused:
        services.line_item_add(actor=officer, case=make_case(officer), **twice_half)
    assert refused.value.errors["unit_cost"] == [
        "Quantity × unit cost = 10,000,000,000,000.00, above the largest amount allowed."
    ]
    with pytest.raises(ValidationFailed) as refused:
        services.line_item_add(actor=officer, case=case, **line_data(quantity=1, unit_cost=Decimal("0.01")))
    assert refused.value.errors["unit_cost"] == [
        "This line would take the case total above the largest amount allowed."
    ]


def test_every_refusal_is_a_domain_error_with_a_stable_type():
    for error in (TransitionNotAllowed, SeparationOfDuties, StaleVersion, ValidationFailed, NotAllowed):
        assert issubclass(error, DomainError)
        assert error.type
        assert 400 <= error.status < 500

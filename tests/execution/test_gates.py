"""The case steps after acceptance are guarded by execution data (DESIGN §4.1): each guard refused on
purpose and allowed at its exact boundary, with nothing written by a refusal."""

import datetime as dt
from decimal import Decimal

import pytest

from fms.cases import services as case_services
from fms.cases.choices import CaseAction, CaseStatus
from fms.cases.errors import TransitionNotAllowed
from fms.core.errors import NotAllowed, ValidationFailed
from fms.execution import facts, rules, services
from fms.execution.models import Delivery, EmergencyImplementation, FinancialTransaction
from fms.ledger.models import ApprovalEvent
from tests.execution.steps import deposit, finance_user
from tests.factories import walk_to

pytestmark = pytest.mark.django_db
CENT = Decimal("0.01")


@pytest.fixture
def accepted(officer, reviewer):
    return walk_to(CaseStatus.ACCEPTED, officer=officer, reviewer=reviewer)


def state(case) -> tuple:
    case.refresh_from_db()
    return case.status, case.version, ApprovalEvent.objects.filter(case=case).count()


def implement(officer, case):
    return case_services.case_transition(actor=officer, case=case, action=CaseAction.IMPLEMENT)


def test_implementing_without_a_deposit_is_refused_naming_the_amount(officer, accepted):
    first_row = facts.first_payment_row(accepted)
    before = state(accepted)
    with pytest.raises(TransitionNotAllowed) as refused:
        implement(officer, accepted)
    assert refused.value.type == "transition-not-allowed"
    assert f"${first_row:,.2f}" in refused.value.detail
    assert "deposit" in refused.value.errors
    assert state(accepted) == before


def test_a_deposit_one_cent_short_is_refused_and_the_exact_deposit_implements(officer, accepted):
    first_row = facts.first_payment_row(accepted)
    assert first_row > 0
    deposit(accepted, first_row - CENT, ref="part-1")
    with pytest.raises(TransitionNotAllowed, match=r"\$0\.01 short"):
        implement(officer, accepted)
    assert accepted.status == CaseStatus.ACCEPTED
    deposit(accepted, CENT, ref="part-2")  # two deposits add up to the first row exactly
    case = implement(officer, accepted)
    assert case.status == CaseStatus.IMPLEMENTED
    actions = list(ApprovalEvent.objects.filter(case=case).order_by("-seq").values_list("action", flat=True)[:3])
    assert actions == ["implement", "record_deposit", "record_deposit"]


def test_the_step_options_show_why_implement_waits_and_who_unblocks_it(officer, accepted):
    (option,) = [o for o in case_services.case_step_options(officer, accepted) if o.action == CaseAction.IMPLEMENT]
    assert not option.allowed
    assert "initial deposit" in option.reason
    assert "finance officer" in option.unblock


def test_only_a_finance_officer_records_deposits_and_a_negative_amount_is_refused(officer, accepted):
    with pytest.raises(NotAllowed):
        services.deposit_record(actor=officer, case=accepted, amount=Decimal("5.00"), posted_on=dt.date(2026, 7, 1),
                                source_ref="x")  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        services.collection_record(actor=finance_user(), case=accepted, amount=Decimal("-5.00"),
                                   posted_on=dt.date(2026, 7, 1), source_ref="y")  # fmt: skip
    assert "amount" in refused.value.errors
    assert not FinancialTransaction.objects.filter(case=accepted).exists()


def test_an_emergency_implementation_approved_by_a_reviewer_with_a_reason_implements_without_deposit(
    officer, reviewer, accepted
):
    with pytest.raises(NotAllowed):
        services.emergency_implementation_approve(actor=officer, case=accepted, reason="Urgent")
    with pytest.raises(ValidationFailed) as refused:
        services.emergency_implementation_approve(actor=reviewer, case=accepted, reason="  ")
    assert "reason" in refused.value.errors
    assert not EmergencyImplementation.objects.exists()
    services.emergency_implementation_approve(actor=reviewer, case=accepted, reason="Ballistic missile threat")
    assert implement(officer, accepted).status == CaseStatus.IMPLEMENTED


def test_without_an_accepted_basic_nothing_is_implemented_even_with_an_emergency():
    # The workflow no longer lets a case reach accepted without its BASIC document (issue 12), so the
    # rule is held on its own: an emergency waives the deposit, never the accepted BASIC.
    unmet = rules.implementation_unmet(
        basic_accepted=False, first_row=Decimal("100.00"), deposited=Decimal("100.00"), emergency=True
    )
    assert unmet == "the BASIC document is not accepted"
    assert (
        rules.implementation_unmet(
            basic_accepted=True, first_row=Decimal("100.00"), deposited=Decimal("0.00"), emergency=True
        )
        is None
    )


# ---- Supply complete -----------------------------------------------------------------------------


@pytest.fixture
def implemented(officer, reviewer):
    return walk_to(CaseStatus.IMPLEMENTED, officer=officer, reviewer=reviewer)


def deliver(officer, case, line_number, quantity):
    return services.delivery_record(actor=officer, case=case, line_number=line_number, quantity=quantity,
                                    shipped_on=dt.date(2026, 8, 3), transportation_control_number="FN12340000001XXXX",
                                    document_number="FN12346001A001")  # fmt: skip


def test_complete_supply_waits_for_every_line_and_the_last_unit_completes_its_line(officer, implemented):
    # Given two lines of 2 units each
    deliver(officer, implemented, "001", 2)
    deliver(officer, implemented, "002", 1)
    with pytest.raises(TransitionNotAllowed, match="line 002 not supply/services complete") as refused:
        case_services.case_transition(actor=officer, case=implemented, action=CaseAction.COMPLETE_SUPPLY)
    assert "lines" in refused.value.errors
    # When the last unit of line 002 is delivered
    deliver(officer, implemented, "002", 1)
    # Then the line's SSC is a line event and the case can be supply complete
    completions = ApprovalEvent.objects.filter(case=implemented, action="complete_line").order_by("seq")
    assert [e.line_item.line_number for e in completions] == ["001", "002"]
    case = case_services.case_transition(actor=officer, case=implemented, action=CaseAction.COMPLETE_SUPPLY)
    assert case.status == CaseStatus.SUPPLY_COMPLETE


def test_a_delivery_above_the_effective_quantity_is_refused_and_nothing_is_written(officer, implemented):
    deliver(officer, implemented, "001", 1)
    before = state(implemented)
    with pytest.raises(ValidationFailed) as refused:
        deliver(officer, implemented, "001", 2)
    assert refused.value.errors["quantity"] == [
        "Line 001 has 2 in the effective document and 1 delivered: at most 1 more can be delivered, not 2."
    ]
    assert state(implemented) == before
    assert Delivery.objects.filter(case=implemented).count() == 1


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("line_number", {"line_number": "009"}),
        ("quantity", {"quantity": 0}),
        ("transportation_control_number", {"transportation_control_number": "SHORT"}),
        ("document_number", {"document_number": "X"}),
    ],
)
def test_bad_delivery_input_names_the_field(officer, implemented, field, values):
    data = {"line_number": "001", "quantity": 1, "shipped_on": dt.date(2026, 8, 3),
            "transportation_control_number": "FN12340000001XXXX", "document_number": "FN12346001A001"}  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        services.delivery_record(actor=officer, case=implemented, **{**data, **values})
    assert field in refused.value.errors
    assert not Delivery.objects.filter(case=implemented).exists()


def test_deliveries_are_recorded_only_while_the_case_is_implemented(officer, accepted):
    with pytest.raises(TransitionNotAllowed, match="not implemented"):
        deliver(officer, accepted, "001", 1)


def test_a_services_line_is_complete_when_performed_through_its_months(officer, reviewer):
    from fms.cases.models import LineItem

    case = walk_to(CaseStatus.WRITE, officer=officer, reviewer=reviewer, lines=1)
    line = LineItem.objects.get(case=case)
    case_services.line_item_update(actor=officer, line=line, category="contractor_support", unit_of_issue="MO",
                                   months_of_service=12)  # fmt: skip
    line.refresh_from_db()
    line = case_services.line_item_submit(actor=officer, line=line)
    case_services.line_item_approve(actor=reviewer, line=line)
    from tests.factories import take_step

    for action in ("submit_review", "propose", "offer", "accept", "implement"):
        case.refresh_from_db()
        case = take_step(case, action, officer=officer, reviewer=reviewer)
    with pytest.raises(ValidationFailed, match="services line"):
        deliver(officer, case, "001", 1)
    services.services_performed(actor=officer, case=case, line_number="001", performed_through_month=11)
    with pytest.raises(ValidationFailed, match="already performed through month 11"):
        services.services_performed(actor=officer, case=case, line_number="001", performed_through_month=11)
    with pytest.raises(ValidationFailed, match="12 months of service, not 13"):
        services.services_performed(actor=officer, case=case, line_number="001", performed_through_month=13)
    assert not ApprovalEvent.objects.filter(case=case, action="complete_line").exists()
    services.services_performed(actor=officer, case=case, line_number="001", performed_through_month=12)
    assert ApprovalEvent.objects.filter(case=case, action="complete_line").count() == 1


# ---- Closure, ACCP, cancellation, SDR scoping ------------------------------------------------------


def supply_complete(officer, reviewer):
    return walk_to(CaseStatus.SUPPLY_COMPLETE, officer=officer, reviewer=reviewer)


def money(case, kind, amount, ref):
    FinancialTransaction.objects.create(case=case, kind=kind, amount=Decimal(amount), posted_on=dt.date(2026, 9, 1),
                                        source_ref=ref)  # fmt: skip


def test_billed_equal_to_collected_to_the_cent_closes_and_one_cent_apart_does_not(officer, reviewer):
    case = supply_complete(officer, reviewer)
    collected = facts.money(case).collected
    money(case, "billing", collected - CENT, "b1")
    with pytest.raises(TransitionNotAllowed, match="billed equals collected") as refused:
        services.case_close(actor=officer, case=case)
    assert "billed" in refused.value.errors
    money(case, "billing", CENT, "b2")
    assert services.case_close(actor=officer, case=case).status == CaseStatus.CLOSED


def test_unliquidated_obligations_block_closure_except_for_an_accp_purchaser_where_it_is_recorded(officer, reviewer):
    case = supply_complete(officer, reviewer)
    money(case, "billing", facts.money(case).collected, "b1")
    money(case, "obligation", "100.00", "o1")
    money(case, "expenditure", "60.00", "e1")
    with pytest.raises(TransitionNotAllowed, match=r"\$40\.00 unliquidated obligations remain"):
        services.case_close(actor=officer, case=case)
    case.purchaser.accelerated_closure = True
    case.purchaser.save()
    # The case's own step (page, API transition) records it too: the note comes with the guard.
    closed = case_services.case_transition(
        actor=officer, case=case, action=CaseAction.CLOSE, comment="Final review done"
    )
    assert closed.status == CaseStatus.CLOSED
    event = ApprovalEvent.objects.filter(case=case).order_by("-seq").first()
    assert event.comment == (
        "Final review done; closed under accelerated case closure (ACCP) with $40.00 unliquidated obligations"
    )


def test_an_open_sdr_blocks_closure(officer, reviewer, client_ja):
    from fms.accounts.roles import CLIENT_OFFICER
    from tests.factories import UserFactory

    signatory = UserFactory(username="signatory_ja", roles=[CLIENT_OFFICER], purchaser_id="JA", is_staff=False)
    case = walk_to(CaseStatus.IMPLEMENTED, officer=officer, reviewer=reviewer)
    deliver(officer, case, "001", 2)
    services.sdr_file(actor=signatory, case=case, delivery_number=1, kind="shortage", quantity=1,
                      value=Decimal("200.00"), description="One short")  # fmt: skip
    from tests.execution.steps import deliver_everything

    deliver_everything(officer, case)
    case = case_services.case_transition(actor=officer, case=case, action=CaseAction.COMPLETE_SUPPLY)
    money(case, "billing", facts.money(case).collected, "b1")
    with pytest.raises(TransitionNotAllowed, match=r"1 SDR\(s\) still open"):
        services.case_close(actor=officer, case=case)


def test_a_korean_officer_cannot_file_against_a_japanese_delivery(officer, reviewer):
    from fms.accounts.roles import CLIENT_OFFICER
    from fms.core.errors import NotFound
    from fms.execution.models import SupplyDiscrepancyReport
    from tests.factories import UserFactory

    korean = UserFactory(username="signatory_ks", roles=[CLIENT_OFFICER], purchaser_id="KS", is_staff=False)
    case = walk_to(CaseStatus.IMPLEMENTED, officer=officer, reviewer=reviewer)
    deliver(officer, case, "001", 1)
    with pytest.raises(NotFound):
        services.sdr_file(actor=korean, case=case, delivery_number=1, kind="damage", quantity=1,
                          value=Decimal("500.00"), description="Not ours")  # fmt: skip
    assert not SupplyDiscrepancyReport.objects.exists()


def test_cancellation_with_termination_costs_is_refused_before_implementation_and_bills_nothing(officer, accepted):
    with pytest.raises(TransitionNotAllowed, match="before implementation"):
        services.case_cancel_with_termination(actor=officer, case=accepted, reason="x",
                                               termination_costs=Decimal("5.00"))  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        services.case_cancel_with_termination(actor=officer, case=accepted, reason="x",
                                               termination_costs=Decimal("-5.00"))  # fmt: skip
    assert "termination_costs" in refused.value.errors
    assert not FinancialTransaction.objects.filter(kind="billing").exists()

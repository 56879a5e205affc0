"""What case steps after acceptance need (for tests/factories.take_step and these tests): implement
gets its deposit first, complete_supply its deliveries, close and cancel their billings."""

import datetime as dt
from decimal import Decimal

from fms.accounts.models import User
from fms.accounts.roles import FINANCE_OFFICER
from fms.cases.choices import CaseAction
from fms.cases.models import Case
from fms.execution import facts, services
from fms.execution.choices import TransactionKind
from fms.execution.models import FinancialTransaction
from tests.cases import expected


def finance_user() -> User:
    from tests.factories import UserFactory

    return UserFactory(username="finance", roles=[FINANCE_OFFICER])


def deposit(case: Case, amount: Decimal | None = None, ref: str = "") -> None:
    """The BASIC's first payment row (or `amount`), recorded by finance."""
    amount = facts.first_payment_row(case) if amount is None else amount
    services.deposit_record(actor=finance_user(), case=case, amount=amount, posted_on=dt.date(2026, 7, 1),
                            source_ref=ref or f"dep-{case.case_id}-{amount}")  # fmt: skip


def deliver_everything(officer: User, case: Case) -> None:
    for line in facts.line_progress(case):
        if line.is_services:
            services.services_performed(actor=officer, case=case, line_number=line.line_number,
                                        performed_through_month=line.months_of_service)  # fmt: skip
        elif line.quantity > line.delivered:
            services.delivery_record(actor=officer, case=case, line_number=line.line_number,
                                     quantity=line.quantity - line.delivered, shipped_on=dt.date(2026, 8, 3),
                                     transportation_control_number="FN12340000001XXXX",
                                     document_number="FN12346001A001")  # fmt: skip


def prepare_step(case: Case, action: str, *, officer: User) -> None:
    """What the execution guard of `action` from the case's status needs (for steps taken directly)."""
    if action == CaseAction.IMPLEMENT:
        deposit(case)
    elif action == CaseAction.COMPLETE_SUPPLY:
        deliver_everything(officer, case)
    elif action == CaseAction.CLOSE:
        # The deposit was collected: the final billing matches it, so billed = collected.
        FinancialTransaction.objects.create(
            case=case,
            kind=TransactionKind.BILLING,
            amount=facts.money(case).collected,
            posted_on=dt.date(2026, 9, 1),
            source_ref=f"final-bill-{case.case_id}",
        )
    elif action == CaseAction.CANCEL and case.status in expected.CANCELLED_WITH_TERMINATION_COSTS_FROM:
        FinancialTransaction.objects.create(
            case=case,
            kind=TransactionKind.BILLING,
            amount=Decimal("0.00"),
            posted_on=dt.date(2026, 9, 1),
            source_ref=facts.termination_ref(case),
        )

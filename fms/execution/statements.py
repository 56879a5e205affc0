"""The quarterly statement of a case for its purchaser (DD Form 645-like), DESIGN §4.5.

Every figure is a sum of the case's transactions in one aggregate query; the effective document's
total and its next payment row are two more. Money stays Decimal throughout: figures reconcile to
the cent with the transactions (tests/execution/test_statements.py).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from fms.cases.models import Case
from fms.documents.services import effective_document
from fms.execution.choices import RECEIVED_KINDS, TransactionKind
from fms.execution.models import FinancialTransaction
from fms.execution.rules import ZERO, parse_quarter, quarter_of


@dataclass(frozen=True)
class Statement:
    case_id: str
    quarter: str
    period_start: dt.date
    period_end: dt.date
    document: str | None  # the effective document's label
    total_estimated_cost: Decimal | None
    billed_this_quarter: Decimal
    billed_cumulative: Decimal
    collected_this_quarter: Decimal
    collected_cumulative: Decimal
    obligations_cumulative: Decimal
    expenditures_cumulative: Decimal
    next_payment_due_on: dt.date | None
    next_payment_amount: Decimal | None

    @property
    def balance_due(self) -> Decimal:
        """Billed and not yet collected to the end of the quarter (negative: money held in advance)."""
        return self.billed_cumulative - self.collected_cumulative

    @property
    def ulo(self) -> Decimal:
        return self.obligations_cumulative - self.expenditures_cumulative

    def as_dict(self) -> dict:
        return {
            "case": self.case_id,
            "quarter": self.quarter,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "document": self.document,
            "total_estimated_cost": self.total_estimated_cost,
            "billed_this_quarter": self.billed_this_quarter,
            "billed_cumulative": self.billed_cumulative,
            "collected_this_quarter": self.collected_this_quarter,
            "collected_cumulative": self.collected_cumulative,
            "balance_due": self.balance_due,
            "obligations_cumulative": self.obligations_cumulative,
            "expenditures_cumulative": self.expenditures_cumulative,
            "unliquidated_obligations": self.ulo,
            "next_payment": (
                {"due_on": self.next_payment_due_on, "amount": self.next_payment_amount}
                if self.next_payment_due_on
                else None
            ),
        }


def _sum(condition: Q) -> Coalesce:
    return Coalesce(Sum("amount", filter=condition), ZERO)


def statement_for(case: Case, quarter: str | None = None, *, today: dt.date | None = None) -> Statement:
    """The statement of `quarter` ('2026Q3'; default: the current quarter). ValueError for a bad quarter."""
    start, end = parse_quarter(quarter or quarter_of(today or dt.date.today()))
    in_quarter = Q(posted_on__gte=start)
    billed, received = Q(kind=TransactionKind.BILLING), Q(kind__in=RECEIVED_KINDS)
    figures = FinancialTransaction.objects.filter(case=case, posted_on__lte=end).aggregate(
        billed_this_quarter=_sum(billed & in_quarter),
        billed_cumulative=_sum(billed),
        collected_this_quarter=_sum(received & in_quarter),
        collected_cumulative=_sum(received),
        obligations_cumulative=_sum(Q(kind=TransactionKind.OBLIGATION)),
        expenditures_cumulative=_sum(Q(kind=TransactionKind.EXPENDITURE)),
    )
    document = effective_document(case)
    next_row = None
    if document is not None:
        next_row = document.payment_schedule.filter(due_on__gt=end).order_by("position").first()
    return Statement(
        case_id=case.case_id,
        quarter=quarter_of(start),
        period_start=start,
        period_end=end,
        document=document.label if document else None,
        total_estimated_cost=document.total_estimated_cost if document else None,
        next_payment_due_on=next_row.due_on if next_row else None,
        next_payment_amount=next_row.amount if next_row else None,
        **figures,
    )

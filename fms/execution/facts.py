"""What the execution rules look at, read from the database (not scoped: services and guards use it)."""

import datetime as dt
from decimal import Decimal

from django.db.models import Max, Q, Sum
from django.db.models.functions import Coalesce

from fms.cases.models import Case
from fms.documents.choices import DocumentKind, DocumentStatus, LineChange
from fms.documents.models import LoaDocument, PaymentScheduleRow
from fms.documents.services import effective_document
from fms.execution.choices import OPEN_SDR_STATUSES, RECEIVED_KINDS, TransactionKind
from fms.execution.models import Delivery, FinancialTransaction, ServicePerformance, SupplyDiscrepancyReport
from fms.execution.rules import ZERO, LineProgress, Money


def line_progress(case: Case, document: LoaDocument | None = None) -> list[LineProgress]:
    """The effective document's lines (not removed) with what was delivered or performed of each."""
    document = document or effective_document(case)
    if document is None:
        return []
    delivered = dict(
        Delivery.objects.filter(case=case)
        .values("line_number")
        .annotate(n=Sum("quantity"))
        .values_list("line_number", "n")
    )
    performed = dict(
        ServicePerformance.objects.filter(case=case)
        .values("line_number")
        .annotate(m=Max("performed_through_month"))
        .values_list("line_number", "m")
    )
    rows = document.lines.exclude(change=LineChange.REMOVED).order_by("line_number")
    return [
        LineProgress(
            line_number=number,
            quantity=quantity,
            months_of_service=months,
            delivered=delivered.get(number, 0),
            performed_through=performed.get(number, 0),
        )
        for number, quantity, months in rows.values_list("line_number", "quantity", "months_of_service")
    ]


def _sum(condition: Q) -> Coalesce:
    return Coalesce(Sum("amount", filter=condition), ZERO)


MONEY_SUMS = {
    "obligations": _sum(Q(kind=TransactionKind.OBLIGATION)),
    "expenditures": _sum(Q(kind=TransactionKind.EXPENDITURE)),
    "billed": _sum(Q(kind=TransactionKind.BILLING)),
    "collected": _sum(Q(kind__in=RECEIVED_KINDS)),
}


def money(case: Case, *, through: dt.date | None = None) -> Money:
    """The case's money position (through a date, when given): one query."""
    transactions = FinancialTransaction.objects.filter(case=case)
    if through is not None:
        transactions = transactions.filter(posted_on__lte=through)
    return Money(**transactions.aggregate(**MONEY_SUMS))


def money_by_line(case: Case) -> dict[str, Money]:
    """Per line number ("": the case as a whole): one query."""
    rows = FinancialTransaction.objects.filter(case=case).values("line_number").annotate(**MONEY_SUMS)
    return {row.pop("line_number"): Money(**row) for row in rows}


def deposited(case: Case) -> Decimal:
    return FinancialTransaction.objects.filter(case=case, kind=TransactionKind.DEPOSIT).aggregate(total=_sum(Q()))[
        "total"
    ]


def basic_accepted(case: Case) -> bool:
    return LoaDocument.objects.filter(case=case, kind=DocumentKind.BASIC, status=DocumentStatus.ACCEPTED).exists()


def first_payment_row(case: Case) -> Decimal | None:
    """The initial deposit the BASIC document asks for (its payment schedule's first row)."""
    row = (
        PaymentScheduleRow.objects.filter(document__case=case, document__kind=DocumentKind.BASIC)
        .order_by("position")
        .values_list("amount", flat=True)
        .first()
    )
    return row


def open_sdr_count(case: Case) -> int:
    return SupplyDiscrepancyReport.objects.filter(case=case, status__in=OPEN_SDR_STATUSES).count()


def termination_ref(case: Case) -> str:
    """The source_ref of a case's termination-costs billing: one per case, so a case is terminated once."""
    return f"termination:{case.case_id}"


def termination_recorded(case: Case) -> bool:
    return FinancialTransaction.objects.filter(source_ref=termination_ref(case)).exists()

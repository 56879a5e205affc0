"""The quarterly statement (DD 645-like) reconciles to the cent with the transactions behind it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fms.cases.choices import CaseStatus
from fms.execution import rules
from fms.execution.choices import RECEIVED_KINDS, TransactionKind
from fms.execution.models import FinancialTransaction
from fms.execution.statements import statement_for
from tests.factories import walk_to

pytestmark = pytest.mark.django_db

transactions = st.lists(
    st.tuples(
        st.sampled_from(TransactionKind.values),
        st.decimals(min_value=Decimal("0.00"), max_value=Decimal("99999999.99"), places=2),
        st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31)),
    ),
    max_size=30,
)


@pytest.fixture
def case(officer, reviewer):
    return walk_to(CaseStatus.ACCEPTED, officer=officer, reviewer=reviewer)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=transactions, quarter=st.sampled_from(["2025Q4", "2026Q1", "2026Q3", "2027Q4"]))
def test_statement_figures_reconcile_to_the_cent_with_the_transactions(case, rows, quarter):
    with transaction.atomic():
        FinancialTransaction.objects.bulk_create(
            FinancialTransaction(case=case, kind=kind, amount=amount, posted_on=day, source_ref=f"h{n}")
            for n, (kind, amount, day) in enumerate(rows)
        )
        start, end = rules.parse_quarter(quarter)
        statement = statement_for(case, quarter)

        def total(kinds, since=None):
            return sum(
                (a for k, a, d in rows if k in kinds and d <= end and (since is None or d >= since)), Decimal("0.00")
            )

        billed, received = (TransactionKind.BILLING,), RECEIVED_KINDS
        assert statement.billed_this_quarter == total(billed, start)
        assert statement.billed_cumulative == total(billed)
        assert statement.collected_this_quarter == total(received, start)
        assert statement.collected_cumulative == total(received)
        assert statement.balance_due == total(billed) - total(received)
        assert statement.ulo == total((TransactionKind.OBLIGATION,)) - total((TransactionKind.EXPENDITURE,))
        transaction.set_rollback(True)


def test_the_statement_names_the_next_payment_row_and_the_effective_total(case):
    statement = statement_for(case, "2020Q1")
    basic = case.documents.get(label="BASIC")
    first = basic.payment_schedule.order_by("position").first()
    assert statement.document == "BASIC"
    assert statement.total_estimated_cost == basic.total_estimated_cost
    assert (statement.next_payment_due_on, statement.next_payment_amount) == (first.due_on, first.amount)
    assert statement.as_dict()["balance_due"] == Decimal("0.00")


def test_the_statement_takes_three_queries_whatever_the_number_of_transactions(case):
    FinancialTransaction.objects.bulk_create(
        FinancialTransaction(
            case=case, kind="billing", amount=Decimal("1.00"), posted_on=dt.date(2026, 8, 1), source_ref=f"q{n}"
        )
        for n in range(200)
    )
    with CaptureQueriesContext(connection) as queries:
        statement = statement_for(case, "2026Q3")
    assert statement.billed_this_quarter == Decimal("200.00")
    assert len(queries) == 3


@pytest.mark.parametrize("text", ["2026Q5", "2026-Q3", "", "26Q1", "2026q3"])
def test_a_bad_quarter_is_refused_saying_the_form(text):
    with pytest.raises(ValueError, match="YYYYQn"):
        rules.parse_quarter(text)


def test_quarters_start_and_end_where_the_calendar_says():
    assert rules.parse_quarter("2026Q3") == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert rules.parse_quarter("2026Q4") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert rules.quarter_of(dt.date(2026, 12, 31)) == "2026Q4"

"""Every invariant of the domain model is held by PostgreSQL: refused through the ORM and through raw SQL."""

from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, InternalError, ProgrammingError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from fms.cases.models import Case, CongressionalNotification, LineItem
from fms.ledger.models import ApprovalEvent
from tests.factories import lines_of, make_case

pytestmark = pytest.mark.django_db

DB_REFUSALS = (IntegrityError, InternalError, DataError, ProgrammingError)


def refused(sql: str, params=()) -> None:
    """The statement fails in PostgreSQL. Foreign keys are checked at once, not at commit."""
    with pytest.raises(DB_REFUSALS), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql, params)


def orm_refused(make) -> None:
    with pytest.raises(DB_REFUSALS), transaction.atomic():
        make()


@pytest.fixture
def case(officer):
    return make_case(officer, lines=2)


def new_case(officer, **overrides) -> Case:
    values = {
        "case_id": "JA-P-ZZZ",
        "purchaser_id": "JA",
        "implementing_agency_id": "P",
        "title": "t",
        "created_by": officer,
        **overrides,
    }
    return Case.objects.create(**values)


def new_line(case: Case, officer, **overrides) -> LineItem:
    values = {
        "case": case,
        "line_number": "050",
        "category": "missile",
        "description": "d",
        "quantity": 1,
        "unit_cost": Decimal("1.00"),
        "created_by": officer,
        "updated_by": officer,
        **overrides,
    }
    return LineItem.objects.create(**values)


LINE_SQL = (
    "INSERT INTO cases_lineitem (case_id, line_number, category, description, masl, quantity, unit_of_issue,"
    " unit_cost, is_mde, is_sme, review_status, created_by_id, updated_by_id, created_at, updated_at, version)"
    " VALUES (%s, %s, %s, 'd', %s, %s, %s, %s, false, false, %s, %s, %s, now(), now(), 1)"
)
CASE_SQL = (
    "INSERT INTO cases_case (case_id, purchaser_id, implementing_agency_id, title, description, notes, status,"
    " total_value, mde_value, design_construction_value, created_by_id, created_at, updated_at, version)"
    " VALUES (%s, %s, %s, 't', '', '', %s, 0, 0, 0, %s, now(), now(), 1)"
)


def line_sql(
    case, officer, *, number="050", category="missile", masl="", quantity=1, unit="EA", cost="1.00", status="draft"
):
    return LINE_SQL, [case.pk, number, category, masl, quantity, unit, cost, status, officer.pk, officer.pk]


@pytest.mark.parametrize("case_id", ["JA-P-SA", "ja-p-saa", "JA-PP-SAA", "JAP-P-SAA", "JA-1-SAA", "JA_P_SAA", ""])
def test_case_id_format_is_enforced(officer, case_id):
    orm_refused(lambda: new_case(officer, case_id=case_id))
    refused(CASE_SQL, [case_id, "JA", "P", "development", officer.pk])


def test_case_id_must_start_with_its_purchaser_and_agency(officer):
    orm_refused(lambda: new_case(officer, case_id="KS-P-SAA"))
    orm_refused(lambda: new_case(officer, case_id="JA-B-SAA"))
    refused(CASE_SQL, ["KS-P-SAA", "JA", "P", "development", officer.pk])


def test_case_status_must_be_a_known_status(officer):
    orm_refused(lambda: new_case(officer, status="approved"))
    refused(CASE_SQL, ["JA-P-ZZZ", "JA", "P", "bogus", officer.pk])


def test_case_id_purchaser_and_agency_cannot_change(case):
    refused("UPDATE cases_case SET case_id = 'JA-P-ZZY' WHERE id = %s", [case.pk])
    refused("UPDATE cases_case SET purchaser_id = 'KS', case_id = 'KS-P-ZZY' WHERE id = %s", [case.pk])
    case.case_id = "JA-P-ZZY"
    orm_refused(case.save)


def test_line_number_is_unique_within_a_case(case, officer):
    orm_refused(lambda: new_line(case, officer, line_number="001"))
    refused(*line_sql(case, officer, number="001"))


@pytest.mark.parametrize("number", ["000", "1", "01", "1000", "A01", "-01"])
def test_line_number_format_is_enforced(case, officer, number):
    orm_refused(lambda: new_line(case, officer, line_number=number))
    refused(*line_sql(case, officer, number=number))


@pytest.mark.parametrize("quantity", [0, -1])
def test_quantity_must_be_positive(case, officer, quantity):
    orm_refused(lambda: new_line(case, officer, quantity=quantity))
    refused(*line_sql(case, officer, quantity=quantity))


def test_unit_cost_cannot_be_negative(case, officer):
    orm_refused(lambda: new_line(case, officer, unit_cost=Decimal("-0.01")))
    refused(*line_sql(case, officer, cost="-0.01"))


def test_category_review_status_masl_and_unit_are_checked(case, officer):
    orm_refused(lambda: new_line(case, officer, category="tank"))
    refused(*line_sql(case, officer, category="tank"))
    orm_refused(lambda: new_line(case, officer, review_status="maybe"))
    refused(*line_sql(case, officer, status="maybe"))
    orm_refused(lambda: new_line(case, officer, masl="SHORT"))
    refused(*line_sql(case, officer, masl="ABC12345"))
    orm_refused(lambda: new_line(case, officer, unit_of_issue="ea"))
    refused(*line_sql(case, officer, unit="e"))


def test_total_cost_is_generated_exactly_and_cannot_be_written(case, officer):
    line = new_line(case, officer, quantity=3, unit_cost=Decimal("44433333.33"))
    line.refresh_from_db()
    assert line.total_cost == Decimal("133299999.99")
    refused("UPDATE cases_lineitem SET total_cost = 1 WHERE id = %s", [line.pk])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_lineitem SET quantity = 4 WHERE id = %s", [line.pk])
    line.refresh_from_db()
    assert line.total_cost == Decimal("177733333.32")


def test_case_totals_follow_the_lines_whatever_writes_them(case, officer):
    line = new_line(case, officer, quantity=2, unit_cost=Decimal("0.05"), is_mde=True)
    case.refresh_from_db()
    assert case.total_value == Decimal("4000.10")
    assert case.mde_value == Decimal("0.10")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_lineitem SET category = 'design_construction' WHERE id = %s", [line.pk])
        cursor.execute("UPDATE cases_lineitem SET removed_at = now() WHERE id = %s", [lines_of(case)[0].pk])
    case.refresh_from_db()
    assert (case.total_value, case.mde_value, case.design_construction_value) == (
        Decimal("2000.10"),
        Decimal("0.10"),
        Decimal("0.10"),
    )


def test_money_is_numeric_15_2(case, officer):
    orm_refused(lambda: new_line(case, officer, quantity=1, unit_cost=Decimal("10000000000000.00")))
    refused(*line_sql(case, officer, cost="10000000000000.00"))


def test_transmittal_number_format_and_uniqueness(db):
    def make(number):
        return CongressionalNotification.objects.create(
            purchaser_id="JA", notified_on=timezone.localdate(), total_value=1, transmittal_number=number
        )

    make("18-1")
    make(None)
    make(None)  # unknown numbers do not collide
    orm_refused(lambda: make("18-1"))
    orm_refused(lambda: make("2018-1"))
    orm_refused(lambda: make("18-1234"))
    refused(
        "INSERT INTO cases_congressionalnotification (transmittal_number, purchaser_id, notified_on, total_value,"
        " description, emergency, created_at) VALUES ('18-X', 'JA', now(), 1, '', false, now())"
    )


def test_rows_that_history_depends_on_are_protected(case):
    with pytest.raises(ProtectedError), transaction.atomic():
        case.delete()
    refused("DELETE FROM cases_case WHERE id = %s", [case.pk])
    line = lines_of(case)[0]
    with pytest.raises(ProtectedError), transaction.atomic():
        line.delete()  # its ledger events point at it
    refused("DELETE FROM cases_purchaser WHERE code = 'JA'")
    assert ApprovalEvent.objects.filter(case=case).count() == 3

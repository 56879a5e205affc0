"""Every invariant of the domain model is held by PostgreSQL: refused through the ORM and through raw SQL.

Each refusal names the constraint (or trigger) that must refuse it, and each test first shows that
a valid row goes through the very same helper: a helper with a misspelt column would fail the
positive control instead of passing every refusal for the wrong reason.
"""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from fms.cases.models import Case, LineItem
from fms.ledger.models import ApprovalEvent
from fms.notifications.models import CongressionalNotification
from tests.factories import lines_of, make_case

pytestmark = pytest.mark.django_db


class _Undo(Exception):
    """Raised inside a savepoint to undo an accepted statement."""


def attempt(run) -> DatabaseError | None:
    """Run `run` in a savepoint that is always rolled back; the database's refusal, or None."""
    try:
        with transaction.atomic():
            run()
            raise _Undo
    except _Undo:
        return None
    except DatabaseError as error:
        return error


def execute(sql: str, params=()):
    def run():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # foreign keys checked at once, not at commit
            cursor.execute(sql, params)

    return run


def refused_by(error: DatabaseError | None, constraint: str) -> None:
    """The refusal came from `constraint` (a constraint's name, or the words of a trigger's message)."""
    assert error is not None, f"accepted, but {constraint} should have refused it"
    cause = error.__cause__
    name = getattr(getattr(cause, "diag", None), "constraint_name", None)
    assert name == constraint or constraint in str(error), f"refused by {name or type(cause).__name__}: {error}"


def refused(sql: str, params=(), *, by: str) -> None:
    refused_by(attempt(execute(sql, params)), by)


def accepted(sql: str, params=()) -> None:
    assert attempt(execute(sql, params)) is None


def orm_refused(make, *, by: str) -> None:
    refused_by(attempt(make), by)


def orm_accepted(make) -> None:
    assert attempt(make) is None


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
NOTIFICATION_SQL = (
    "INSERT INTO cases_congressionalnotification (transmittal_number, purchaser_id, notified_on, total_value,"
    " description, emergency, created_at) VALUES (%s, 'JA', now(), 1, '', false, now())"
)


def line_sql(
    case, officer, *, number="050", category="missile", masl="", quantity=1, unit="EA", cost="1.00", status="draft"
):
    return LINE_SQL, [case.pk, number, category, masl, quantity, unit, cost, status, officer.pk, officer.pk]


def case_sql(officer, case_id="JA-P-ZZZ", purchaser="JA", agency="P", status="development"):
    return CASE_SQL, [case_id, purchaser, agency, status, officer.pk]


def test_the_helpers_accept_a_valid_case_and_line(case, officer):
    orm_accepted(lambda: new_case(officer))
    accepted(*case_sql(officer))
    orm_accepted(lambda: new_line(case, officer))
    accepted(*line_sql(case, officer, masl="ABC1234567890123"))
    accepted(NOTIFICATION_SQL, ["18-1"])


# Eight characters at most (varchar(8)); shorter or longer ids of a wrong shape meet the format check.
@pytest.mark.parametrize(
    ("case_id", "constraint"),
    [
        ("JA-P-SA", "case_id_format"),
        ("ja-p-saa", "case_id_format"),
        ("JA-1-SAA", "case_id_format"),
        ("JA_P_SAA", "case_id_format"),
        ("", "case_id_format"),
        ("JA-PP-SAA", "value too long for type character varying(8)"),
        ("JAP-P-SAA", "value too long for type character varying(8)"),
    ],
)
def test_case_id_format_is_enforced(officer, case_id, constraint):
    orm_accepted(lambda: new_case(officer, case_id="JA-P-SAB"))
    orm_refused(lambda: new_case(officer, case_id=case_id), by=constraint)
    accepted(*case_sql(officer, "JA-P-SAB"))
    refused(*case_sql(officer, case_id), by=constraint)


def test_case_id_must_start_with_its_purchaser_and_agency(officer):
    orm_refused(lambda: new_case(officer, case_id="KS-P-SAA"), by="case_id_matches_purchaser_and_agency")
    orm_refused(lambda: new_case(officer, case_id="JA-B-SAA"), by="case_id_matches_purchaser_and_agency")
    accepted(*case_sql(officer, "KS-P-SAA", "KS"))
    refused(*case_sql(officer, "KS-P-SAA"), by="case_id_matches_purchaser_and_agency")


def test_case_id_is_unique(case, officer):
    refused(*case_sql(officer, case.case_id), by="cases_case_case_id_key")


def test_case_status_must_be_a_known_status(officer):
    orm_refused(lambda: new_case(officer, status="approved"), by="case_status_valid")
    accepted(*case_sql(officer, status="cancelled"))
    refused(*case_sql(officer, status="bogus"), by="case_status_valid")


def test_case_id_purchaser_and_agency_cannot_change(case):
    accepted("UPDATE cases_case SET title = 'renamed' WHERE id = %s", [case.pk])
    # pgtrigger's ReadOnly trigger names the column it protects.
    immutable = "pgtrigger_case_identity_immutable"  # pgtrigger's ReadOnly trigger, named in the error's context
    refused("UPDATE cases_case SET case_id = 'JA-P-ZZY' WHERE id = %s", [case.pk], by=immutable)
    refused("UPDATE cases_case SET purchaser_id = 'KS', case_id = 'KS-P-ZZY' WHERE id = %s", [case.pk], by=immutable)
    refused("UPDATE cases_case SET implementing_agency_id = 'B' WHERE id = %s", [case.pk], by=immutable)
    case.case_id = "JA-P-ZZY"
    orm_refused(case.save, by=immutable)


def test_line_number_is_unique_within_a_case(case, officer):
    orm_refused(lambda: new_line(case, officer, line_number="001"), by="lineitem_unique_number_per_case")
    accepted(*line_sql(case, officer, number="003"))
    refused(*line_sql(case, officer, number="001"), by="lineitem_unique_number_per_case")


@pytest.mark.parametrize(
    ("number", "constraint"),
    [
        ("000", "lineitem_number_format"),
        ("1", "lineitem_number_format"),
        ("01", "lineitem_number_format"),
        ("A01", "lineitem_number_format"),
        ("-01", "lineitem_number_format"),
        ("1000", "value too long for type character varying(3)"),
    ],
)
def test_line_number_format_is_enforced(case, officer, number, constraint):
    orm_refused(lambda: new_line(case, officer, line_number=number), by=constraint)
    accepted(*line_sql(case, officer, number="999"))
    refused(*line_sql(case, officer, number=number), by=constraint)


def test_line_numbers_cannot_change(case):
    line = lines_of(case)[0]
    accepted("UPDATE cases_lineitem SET description = 'x' WHERE id = %s", [line.pk])
    refused("UPDATE cases_lineitem SET line_number = '009' WHERE id = %s", [line.pk], by="pgtrigger_lineitem_identity")


def test_quantity_must_be_positive(case, officer):
    orm_refused(lambda: new_line(case, officer, quantity=0), by="lineitem_quantity_positive")
    accepted(*line_sql(case, officer, quantity=1))
    refused(*line_sql(case, officer, quantity=0), by="lineitem_quantity_positive")


def test_unit_cost_cannot_be_negative(case, officer):
    orm_refused(lambda: new_line(case, officer, unit_cost=Decimal("-0.01")), by="lineitem_unit_cost_nonnegative")
    accepted(*line_sql(case, officer, cost="0.00"))
    refused(*line_sql(case, officer, cost="-0.01"), by="lineitem_unit_cost_nonnegative")


@pytest.mark.parametrize(
    ("field", "good", "bad", "constraint"),
    [
        ("category", "training", "tank", "lineitem_category_valid"),
        ("status", "approved", "maybe", "lineitem_review_status_valid"),
        ("masl", "ABC1234567890123", "ABC12345", "lineitem_masl_format"),
        ("masl", "", "ABC123456789012", "lineitem_masl_format"),
        ("unit", "LO", "e", "lineitem_unit_of_issue_format"),
        ("unit", "EA", "E1", "lineitem_unit_of_issue_format"),
        ("unit", "EA", "LOT", "lineitem_unit_of_issue_format"),
        ("masl", "", "ABC12345678901O3", "lineitem_masl_format"),
    ],
)
def test_line_values_are_checked(case, officer, field, good, bad, constraint):
    accepted(*line_sql(case, officer, **{field: good}))
    refused(*line_sql(case, officer, **{field: bad}), by=constraint)


@pytest.mark.parametrize(
    ("field", "bad", "constraint"),
    [
        ("category", "tank", "lineitem_category_valid"),
        ("review_status", "maybe", "lineitem_review_status_valid"),
        ("masl", "SHORT", "lineitem_masl_format"),
        ("unit_of_issue", "ea", "lineitem_unit_of_issue_format"),
    ],
)
def test_line_values_are_checked_through_the_orm(case, officer, field, bad, constraint):
    orm_refused(lambda: new_line(case, officer, **{field: bad}), by=constraint)


def test_total_cost_is_generated_exactly_and_cannot_be_written(case, officer):
    line = new_line(case, officer, quantity=3, unit_cost=Decimal("44433333.33"))
    line.refresh_from_db()
    assert line.total_cost == Decimal("133299999.99")
    accepted("UPDATE cases_lineitem SET quantity = 2 WHERE id = %s", [line.pk])
    refused(
        "UPDATE cases_lineitem SET total_cost = 1 WHERE id = %s",
        [line.pk],
        by='column "total_cost" can only be updated to DEFAULT',
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_lineitem SET quantity = 4 WHERE id = %s", [line.pk])
    line.refresh_from_db()
    assert line.total_cost == Decimal("177733333.32")


def test_case_totals_follow_the_lines_whatever_writes_them(case, officer):
    line = new_line(case, officer, quantity=2, unit_cost=Decimal("0.05"), is_mde=True, is_sme=True)
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


def test_money_is_numeric_15_2(officer):
    case = make_case(officer)  # no lines: the largest amount also fits the case total
    overflow = "numeric field overflow"
    orm_refused(lambda: new_line(case, officer, unit_cost=Decimal("10000000000000.00")), by=overflow)
    accepted(*line_sql(case, officer, cost="9999999999999.99"))
    refused(*line_sql(case, officer, cost="10000000000000.00"), by=overflow)


def test_transmittal_number_format_and_uniqueness(db):
    def make(number):
        return CongressionalNotification.objects.create(
            purchaser_id="JA", notified_on=timezone.localdate(), total_value=1, transmittal_number=number
        )

    make("18-1")
    make(None)
    make(None)  # unknown numbers do not collide
    orm_refused(lambda: make("18-1"), by="cases_congressionalnotification_transmittal_number_key")
    orm_refused(lambda: make("2018-1"), by="notification_transmittal_fits_kind")
    orm_refused(lambda: make("18-1234"), by="value too long for type character varying(6)")
    accepted(NOTIFICATION_SQL, ["18-999"])
    refused(NOTIFICATION_SQL, ["18-X"], by="notification_transmittal_fits_kind")


def test_rows_that_history_depends_on_are_protected(case):
    with pytest.raises(ProtectedError, match="protected foreign keys"), transaction.atomic():
        case.delete()
    refused("DELETE FROM cases_case WHERE id = %s", [case.pk], by="cases_lineitem_case_id_7536e08e_fk_cases_case_id")
    line = lines_of(case)[0]
    with pytest.raises(ProtectedError, match="protected foreign keys"), transaction.atomic():
        line.delete()  # its ledger events point at it
    refused(
        "DELETE FROM cases_purchaser WHERE code = 'JA'", by="cases_case_purchaser_id_40223b82_fk_cases_purchaser_code"
    )
    assert ApprovalEvent.objects.filter(case=case).count() == 3

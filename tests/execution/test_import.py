"""Financial transactions from CSV: all or nothing naming every bad row, idempotent by source_ref."""

import io
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from fms.cases.choices import CaseStatus
from fms.core.errors import NotAllowed
from fms.execution import facts
from fms.execution.importing import ImportRefused, financials_import
from fms.execution.models import FinancialTransaction
from fms.ledger.models import ApprovalEvent
from tests.execution.steps import finance_user
from tests.factories import walk_to

pytestmark = pytest.mark.django_db
HEADER = "source_ref,case_id,line_number,kind,amount,posted_on,description\n"


@pytest.fixture
def case(officer, reviewer):
    return walk_to(CaseStatus.IMPLEMENTED, officer=officer, reviewer=reviewer)


def csv_of(case, *rows: str) -> bytes:
    return (HEADER + "".join(row.replace("CASE", case.case_id) + "\n" for row in rows)).encode()


def run(data: bytes, actor=None):
    return financials_import(actor=actor or finance_user(), binary=io.BytesIO(data), source_name="dfas.csv")


GOOD = (
    "R1,CASE,001,obligation,1500.00,2026-07-10,Contract award",
    "R2,CASE,001,expenditure,1000.00,2026-08-01,",
    "R3,CASE,,billing,1200.50,2026-08-15,Quarterly bill",
    "R4,CASE,,collection,1200.50,2026-09-01,",
)


def test_a_file_is_imported_once_and_the_same_file_again_changes_nothing(case):
    events = ApprovalEvent.objects.filter(case=case).count()
    first = run(csv_of(case, *GOOD))
    assert (first.rows, first.created, first.unchanged, first.cases) == (4, 4, 0, [case.case_id])
    money = facts.money(case)
    assert (money.obligations, money.expenditures, money.billed) == (
        Decimal("1500.00"),
        Decimal("1000.00"),
        Decimal("1200.50"),
    )
    assert money.ulo == Decimal("500.00")
    assert ApprovalEvent.objects.filter(case=case).count() == events + 1  # one event per case per import
    again = run(csv_of(case, *GOOD))
    assert (again.created, again.unchanged) == (0, 4)
    assert FinancialTransaction.objects.filter(case=case).count() == 5  # with the deposit
    assert ApprovalEvent.objects.filter(case=case).count() == events + 1


def test_a_file_with_bad_rows_writes_nothing_and_names_every_bad_row(case):
    data = csv_of(
        case,
        GOOD[0],
        "R5,CASE,001,collection,-20.00,2026-07-10,",  # line 3: a negative collection
        "R6,XX-P-ZZZ,,billing,10.00,2026-07-10,",  # line 4: no such case
        "R7,CASE,001,refund,10.00,2026-07-32,",  # line 5: bad kind and bad date
        "R8,CASE,,billing,10,2026-07-10,",  # line 6: good
        "R8,CASE,,billing,11.00,2026-07-10,",  # line 7: same ref, other content
        "R9,CASE,777,billing,1.00,2026-07-10,",  # line 8: no such line
        "R10,CASE,,billing,12.345,2026-07-10,",  # line 9: more than cents
    )
    with pytest.raises(ImportRefused) as refused:
        run(data)
    errors = refused.value.errors
    assert sorted(errors, key=lambda k: int(k[5:])) == [f"line {n}" for n in (3, 4, 5, 7, 8, 9)]
    assert "negative" in errors["line 3"][0]
    assert errors["line 4"] == ["case XX-P-ZZZ does not exist"]
    assert len(errors["line 5"]) == 2
    assert errors["line 7"] == ["source_ref R8 appears again with different content (first on line 6)"]
    assert refused.value.status == 400
    assert refused.value.type == "import-refused"
    assert FinancialTransaction.objects.filter(case=case).count() == 1  # the deposit only


def test_a_source_ref_already_recorded_with_other_content_is_refused(case):
    run(csv_of(case, GOOD[0]))
    with pytest.raises(ImportRefused) as refused:
        run(csv_of(case, GOOD[1], "R1,CASE,001,obligation,1500.01,2026-07-10,Contract award"))
    assert refused.value.errors == {"line 3": ["source_ref R1 is already recorded with different content"]}
    assert not FinancialTransaction.objects.filter(source_ref="R2").exists()


def test_only_a_finance_officer_imports(case, officer):
    with pytest.raises(NotAllowed):
        run(csv_of(case, *GOOD), actor=officer)


def test_a_header_without_the_required_columns_is_refused(case):
    with pytest.raises(Exception, match="header row lacks: kind"):
        run(b"source_ref,case_id,amount,posted_on\nR1,X,1.00,2026-01-01\n")


def test_the_command_imports_with_a_progress_bar_and_lists_bad_rows(case, tmp_path):
    finance_user()
    path = tmp_path / "dfas.csv"
    path.write_bytes(csv_of(case, *GOOD))
    out, err = StringIO(), StringIO()
    call_command("import_financials", str(path), stdout=out, stderr=err)
    assert "4 imported, 0 already recorded" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_of(case, "R9,CASE,,billing,abc,2026-07-10,"))
    err = StringIO()
    with pytest.raises(CommandError, match="1 bad row; nothing imported"):
        call_command("import_financials", str(bad), "--no-progress", stdout=StringIO(), stderr=err)
    assert "line 2: amount 'abc'" in err.getvalue()

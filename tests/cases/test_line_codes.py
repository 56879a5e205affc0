"""The LOA line fields: code tables, two-letter units, MDE implies SME, MASL normalisation, delivery period."""

import importlib
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from fms.cases import digests, services
from fms.cases.choices import LineStatus
from fms.cases.models import LineItem
from fms.core.errors import ValidationFailed
from fms.ledger.canonical import canonical_json, sha256_hex
from fms.ledger.models import ApprovalEvent
from tests.factories import line_data, make_case

pytestmark = pytest.mark.django_db

LOA_FIELDS = {
    "source_code": "P",
    "type_of_assistance": "5",
    "offer_release_code": "Z",
    "delivery_term_code": "8",
    "delivery_from_months": 24,
    "delivery_to_months": 36,
}


def raw_insert_refused(line: LineItem, constraint: str, **columns) -> None:
    """Write the columns with SQL, past every service check: the database itself must refuse."""
    assignments = ", ".join(f"{name} = %s" for name in columns)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE cases_lineitem SET {assignments} WHERE id = %s", [*columns.values(), line.pk])


def test_a_line_carries_its_loa_codes_and_delivery_period(officer):
    case = make_case(officer)
    line = services.line_item_add(actor=officer, case=case, **line_data(**LOA_FIELDS))
    line.refresh_from_db()
    assert {name: getattr(line, name) for name in LOA_FIELDS} == LOA_FIELDS


@pytest.mark.parametrize(
    ("columns", "constraint"),
    [
        ({"is_mde": True, "is_sme": False}, "lineitem_mde_is_sme"),
        ({"unit_of_issue": "LOT"}, "lineitem_unit_of_issue_format"),
        ({"source_code": "Q"}, "lineitem_source_code_valid"),
        ({"type_of_assistance": "9"}, "lineitem_type_of_assistance_valid"),
        ({"offer_release_code": "B"}, "lineitem_offer_release_code_valid"),
        ({"delivery_term_code": "1"}, "lineitem_delivery_term_code_valid"),
        ({"months_of_service": 0}, "lineitem_months_of_service_positive"),
        ({"delivery_from_months": 5, "delivery_to_months": 4}, "lineitem_delivery_period_forward"),
        ({"delivery_from_months": 5}, "lineitem_delivery_period_forward"),
        ({"masl": "ABC12345678O0123"}, "lineitem_masl_format"),
    ],
)
def test_the_database_refuses_what_the_rules_forbid(officer, columns, constraint):
    line = services.line_item_add(actor=officer, case=make_case(officer), **line_data())
    raw_insert_refused(line, constraint, **columns)


@pytest.mark.parametrize(
    ("content", "field", "message"),
    [
        ({"is_mde": True}, "is_sme", "Major Defense Equipment is always Significant Military Equipment"),
        ({"unit_of_issue": "LOT"}, "unit_of_issue", "Two capital letters"),
        ({"masl": "ABC 1234-5678-O012-3"}, "masl", "never contains the letters O or I"),
        ({"masl": "AB-12"}, "masl", "3-character generic code and a 13-character number"),
        ({"delivery_from_months": 3}, "delivery_to_months", "both ends"),
        ({"delivery_from_months": 3, "delivery_to_months": 2}, "delivery_to_months", "end on or after"),
        ({"source_code": "Q"}, "source_code", "not a valid choice"),
    ],
)
def test_the_service_refuses_with_the_field_named_and_nothing_written(officer, content, field, message):
    case = make_case(officer)
    events = ApprovalEvent.objects.count()
    with pytest.raises(ValidationFailed, match=message) as refused:
        services.line_item_add(actor=officer, case=case, **line_data(**content))
    assert field in refused.value.errors
    assert (LineItem.objects.filter(case=case).count(), ApprovalEvent.objects.count()) == (0, events)


def test_masl_spaces_dashes_and_case_are_normalised(officer):
    line = services.line_item_add(actor=officer, case=make_case(officer), **line_data(masl="a2b 1234-5678 9ABC-D"))
    line.refresh_from_db()
    assert line.masl == "A2B123456789ABCD"


def test_changing_a_code_of_an_approved_line_sends_it_back_to_review(officer, reviewer):
    line = services.line_item_add(actor=officer, case=make_case(officer), **line_data(source_code="S"))
    services.line_item_submit(actor=officer, line=line)
    services.line_item_approve(actor=reviewer, line=line)
    approved_digest = ApprovalEvent.objects.filter(line_item=line).latest("seq").content_digest
    changed = services.line_item_update(actor=officer, line=line, source_code="P")
    assert changed.review_status == LineStatus.DRAFT
    edit = ApprovalEvent.objects.filter(line_item=line).latest("seq")
    assert (edit.action, edit.from_status) == ("edit", "approved")
    assert edit.content_digest != approved_digest


def test_digests_recorded_before_the_loa_fields_still_verify():
    old_values = {
        "line_number": "001",
        "category": "missile",
        "description": "SM-3",
        "masl": "",
        "quantity": 3,
        "unit_of_issue": "EA",
        "unit_cost": Decimal("30000000.00"),
        "is_mde": True,
        "is_sme": True,
    }
    unset = dict.fromkeys(("source_code", "type_of_assistance", "offer_release_code", "delivery_term_code"), "")
    unset |= dict.fromkeys(("months_of_service", "delivery_from_months", "delivery_to_months"), None)
    # The digest as the ledger computed it before the fields existed (the formula of ledger.py then).
    before = sha256_hex(canonical_json({**old_values, "total_cost": Decimal("90000000.00")}))
    assert digests.line_digest({**old_values, **unset}) == before
    assert digests.line_digest({**old_values, **unset, "source_code": "P"}) != before


def test_the_data_migration_turns_lot_into_lo_and_mde_into_sme(officer):
    migration = importlib.import_module("fms.cases.migrations.0005_loa_line_data")
    line = services.line_item_add(actor=officer, case=make_case(officer), **line_data())
    with transaction.atomic(), connection.cursor() as cursor:
        # The rows as they could be before 0006: drop its checks inside this transaction only
        # (after firing the deferred foreign-key checks, which ALTER TABLE would otherwise trip on).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name in ("lineitem_unit_of_issue_format", "lineitem_mde_is_sme", "lineitem_masl_format"):
            cursor.execute(f"ALTER TABLE cases_lineitem DROP CONSTRAINT {name}")
        cursor.execute(
            "UPDATE cases_lineitem SET unit_of_issue = 'LOT', is_mde = true, is_sme = false,"
            " masl = 'ABCO12I456789012' WHERE id = %s",
            [line.pk],
        )
        for sql in migration.FORWARD:
            cursor.execute(sql)
        cursor.execute("SELECT unit_of_issue, is_mde, is_sme, masl FROM cases_lineitem WHERE id = %s", [line.pk])
        assert cursor.fetchone() == ("LO", True, True, "ABC0121456789012")
        transaction.set_rollback(True)


def test_the_api_takes_and_shows_the_loa_fields(api, officer):
    case = make_case(officer)
    client = api("officer")
    created = client.post(
        f"/api/v1/cases/{case.case_id}/lines/",
        {**line_data(unit_cost="10.00"), **LOA_FIELDS, "masl": "abc-1234 5678 9012 3"},
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert {name: body[name] for name in LOA_FIELDS} == LOA_FIELDS
    assert body["masl"] == "ABC1234567890123"
    refused = client.post(
        f"/api/v1/cases/{case.case_id}/lines/", {**line_data(unit_cost="1.00"), "masl": "ABC1234567890I23"}
    )
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    assert "never contains the letters O or I" in refused.json()["errors"]["masl"][0]

"""The execution routes: the SDR flow across roles with purchaser scoping, deliveries, money, closure."""

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from fms.accounts.models import User
from fms.accounts.roles import CLIENT, CLIENT_OFFICER, FINANCE_OFFICER
from fms.cases.choices import CaseStatus
from fms.execution.models import Delivery, FinancialTransaction, SupplyDiscrepancyReport
from fms.ledger.models import ApprovalEvent
from tests.conftest import bearer
from tests.factories import UserFactory, walk_to
from tests.query_counts import read_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(officer, reviewer, client_ja, client_ks):
    UserFactory(username="signatory_ja", roles=[CLIENT, CLIENT_OFFICER], purchaser_id="JA", is_staff=False)
    UserFactory(username="signatory_ks", roles=[CLIENT, CLIENT_OFFICER], purchaser_id="KS", is_staff=False)
    UserFactory(username="finance", roles=[FINANCE_OFFICER])


@pytest.fixture
def case(people, officer, reviewer):
    return walk_to(CaseStatus.IMPLEMENTED, officer=officer, reviewer=reviewer)


def session(username: str) -> APIClient:
    """A purchaser's officer writes with a session: purchaser tokens are read-only."""
    client = APIClient()
    client.force_login(User.objects.get(username=username))
    return client


def url(case, tail: str) -> str:
    return f"/api/v1/cases/{case.case_id}/{tail}"


DELIVERY = {"line_number": "001", "quantity": 2, "shipped_on": "2026-08-03",
            "transportation_control_number": "FN12340000001XXXX", "document_number": "FN12346001A001"}  # fmt: skip
SDR = {"delivery": 1, "kind": "damage", "quantity": 1, "value": "1000.00", "description": "Canister dented"}


def test_the_sdr_flow_across_roles_each_step_in_the_ledger_and_seen_by_the_purchaser(case):
    officer, signatory, client = bearer("officer"), session("signatory_ja"), bearer("client_ja")
    created = officer.post(url(case, "deliveries/"), DELIVERY, format="json")
    assert created.status_code == 201, created.json()
    assert client.get(url(case, "deliveries/")).json()["results"][0]["quantity"] == 2

    filed = signatory.post(url(case, "sdrs/"), SDR, format="json")
    assert filed.status_code == 201, filed.json()
    assert filed["Location"] == f"/api/v1/cases/{case.case_id}/sdrs/1/"
    assert (filed.json()["status"], filed.json()["line_number"]) == ("submitted", "001")

    review = officer.post(url(case, "sdrs/1/review/"), {}, format="json", HTTP_IF_MATCH=filed["ETag"])
    assert review.status_code == 200, review.json()
    resolve = officer.post(url(case, "sdrs/1/resolve/"), {"resolution": "replacement", "note": "New canister shipped"},
                           format="json", HTTP_IF_MATCH=review["ETag"])  # fmt: skip
    assert resolve.status_code == 200, resolve.json()

    seen = client.get(url(case, "sdrs/1/")).json()
    assert (seen["status"], seen["resolution"], seen["resolution_note"]) == (
        "resolved",
        "replacement",
        "New canister shipped",
    )
    actions = list(ApprovalEvent.objects.filter(case=case).order_by("seq").values_list("action", flat=True))
    assert actions[-3:] == ["file_sdr", "review_sdr", "resolve_sdr"]


def test_korea_cannot_file_against_a_japanese_delivery_and_nothing_is_written(case):
    bearer("officer").post(url(case, "deliveries/"), DELIVERY, format="json")
    refused = session("signatory_ks").post(url(case, "sdrs/"), SDR, format="json")
    assert refused.status_code == 404
    assert refused["Content-Type"] == "application/problem+json"
    assert not SupplyDiscrepancyReport.objects.exists()


@pytest.mark.parametrize(
    ("who", "status", "type_"),
    [("client_ja", 403, "permission-denied"), ("officer", 403, "permission-denied")],
)
def test_only_a_client_officer_files_sdrs(case, who, status, type_):
    bearer("officer").post(url(case, "deliveries/"), DELIVERY, format="json")
    refused = bearer(who).post(url(case, "sdrs/"), SDR, format="json")
    assert (refused.status_code, refused.json()["type"].split("#")[1]) == (status, type_)
    assert not SupplyDiscrepancyReport.objects.exists()


@pytest.mark.parametrize(
    ("kind", "value", "accepted"),
    [("damage", "199.99", False), ("damage", "200.00", True), ("wrong_item", "5.00", True), ("quality", "0.00", True)],
)
def test_the_200_dollar_minimum_except_wrong_item_and_quality(case, kind, value, accepted):
    bearer("officer").post(url(case, "deliveries/"), DELIVERY, format="json")
    response = session("signatory_ja").post(url(case, "sdrs/"), {**SDR, "kind": kind, "value": value}, format="json")
    if accepted:
        assert response.status_code == 201, response.json()
    else:
        assert response.status_code == 400
        assert "04-47" in response.json()["errors"]["value"][0]
        assert not SupplyDiscrepancyReport.objects.exists()


def test_a_resolution_needs_review_first_a_note_and_the_current_etag(case):
    bearer("officer").post(url(case, "deliveries/"), DELIVERY, format="json")
    filed = session("signatory_ja").post(url(case, "sdrs/"), SDR, format="json")
    officer = bearer("officer")
    early = officer.post(url(case, "sdrs/1/resolve/"), {"resolution": "credit", "note": "x"}, format="json",
                         HTTP_IF_MATCH=filed["ETag"])  # fmt: skip
    assert (early.status_code, early.json()["type"].split("#")[1]) == (409, "transition-not-allowed")
    assert officer.post(url(case, "sdrs/1/review/"), {}, format="json").status_code == 428
    officer.post(url(case, "sdrs/1/review/"), {}, format="json", HTTP_IF_MATCH=filed["ETag"])
    stale = officer.post(url(case, "sdrs/1/resolve/"), {"resolution": "credit", "note": "x"}, format="json",
                         HTTP_IF_MATCH=filed["ETag"])  # fmt: skip
    assert stale.status_code == 412
    no_note = officer.post(url(case, "sdrs/1/resolve/"), {"resolution": "credit"}, format="json", HTTP_IF_MATCH='"2"')
    assert "note" in no_note.json()["errors"]
    assert SupplyDiscrepancyReport.objects.get().status == "under_review"


def test_an_over_delivery_is_a_400_naming_the_quantity(case):
    response = bearer("officer").post(url(case, "deliveries/"), {**DELIVERY, "quantity": 3}, format="json")
    assert response.status_code == 400
    assert "at most 2 more" in response.json()["errors"]["quantity"][0]
    assert not Delivery.objects.exists()


def test_money_sent_as_a_number_or_negative_is_refused(case):
    finance = bearer("finance")
    body = {"kind": "collection", "posted_on": "2026-08-01", "source_ref": "C1"}
    number = finance.post(url(case, "financials/"), {**body, "amount": 10.5}, format="json")
    negative = finance.post(url(case, "financials/"), {**body, "amount": "-1.00"}, format="json")
    assert (number.status_code, negative.status_code) == (400, 400)
    assert "amount" in number.json()["errors"]
    assert "amount" in negative.json()["errors"]
    assert not FinancialTransaction.objects.filter(source_ref="C1").exists()


def test_financials_statement_and_import_through_the_api(case):
    finance = bearer("finance")
    csv_body = (
        "source_ref,case_id,line_number,kind,amount,posted_on,description\n"
        f"B1,{case.case_id},001,billing,1000.00,2026-08-15,Bill\n"
        f"O1,{case.case_id},001,obligation,1500.00,2026-07-15,\n"
    )
    imported = finance.post("/api/v1/financials/import/", csv_body, content_type="text/csv")
    assert imported.json() == {"rows": 2, "created": 2, "unchanged": 0, "cases": [case.case_id]}
    assert bearer("officer").post("/api/v1/financials/import/", csv_body, content_type="text/csv").status_code == 403
    summary = bearer("client_ja").get(url(case, "financials/")).json()
    assert summary["summary"]["billed"] == "1000.00"
    assert summary["summary"]["unliquidated_obligations"] == "1500.00"
    statement = bearer("client_ja").get(url(case, "statement/?quarter=2026Q3")).json()
    assert (statement["billed_this_quarter"], statement["balance_due"]) == (
        "1000.00",
        str(Decimal("1000.00") - FinancialTransaction.objects.get(kind="deposit").amount),
    )
    bad = bearer("client_ja").get(url(case, "statement/?quarter=2026Q9"))
    assert (bad.status_code, list(bad.json()["errors"])) == (400, ["quarter"])
    assert bearer("client_ks").get(url(case, "statement/?quarter=2026Q3")).status_code == 404


def test_closing_with_money_open_is_refused_naming_the_figures(case, officer):
    from tests.execution.steps import deliver_everything

    deliver_everything(officer, case)
    from fms.cases import services as case_services

    case_services.case_transition(actor=officer, case=case, action="complete_supply")
    closure = bearer("officer").get(url(case, "closure/")).json()
    assert closure["ready"] is False
    assert [item["key"] for item in closure["checklist"] if not item["met"]] == ["billed"]
    refused = bearer("officer").post(url(case, "closure/"), {}, format="json")
    assert refused.status_code == 409
    assert "billed $0.00, collected" in refused.json()["detail"]
    FinancialTransaction.objects.create(case=case, kind="billing", posted_on=dt.date(2026, 9, 1), source_ref="FB",
                                        amount=FinancialTransaction.objects.get(kind="deposit").amount)  # fmt: skip
    closed = bearer("officer").post(url(case, "closure/"), {}, format="json")
    assert closed.json()["status"] == "closed"


def test_cancelling_an_implemented_case_bills_its_termination_costs(case):
    plain = bearer("officer").post(url(case, "transition/"), {"action": "cancel", "comment": "x"}, format="json",
                                   HTTP_IF_MATCH=f'"{case.version}"')  # fmt: skip
    assert plain.status_code == 409
    assert "termination_costs" in plain.json()["errors"]
    response = bearer("officer").post(url(case, "cancellation/"), {"reason": "Purchaser ended the program",
                                      "termination_costs": "12500.00"}, format="json")  # fmt: skip
    assert response.status_code == 200, response.json()
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED
    billing = FinancialTransaction.objects.get(source_ref=f"termination:{case.case_id}")
    assert (billing.kind, billing.amount) == ("billing", Decimal("12500.00"))
    event = ApprovalEvent.objects.filter(case=case).order_by("-seq").first()
    assert event.action == "cancel"
    assert "termination costs $12,500.00" in event.comment


def test_transactions_come_a_keyset_page_at_a_time_with_the_summary_of_all(case):
    FinancialTransaction.objects.bulk_create(
        FinancialTransaction(
            case=case,
            kind="billing",
            amount=Decimal("1.00"),
            posted_on=dt.date(2026, 8, n % 28 + 1),
            source_ref=f"P{n}",
        )
        for n in range(70)
    )
    client = bearer("client_ja")
    first = client.get(url(case, "financials/?page_size=50")).json()
    assert first["summary"]["billed"] == "70.00"
    assert len(first["transactions"]["results"]) == 50
    second = client.get(first["transactions"]["next_url"]).json()
    assert len(second["transactions"]["results"]) == 21  # 20 billings and the deposit
    assert second["transactions"]["next"] is None
    refs = [t["source_ref"] for t in first["transactions"]["results"] + second["transactions"]["results"]]
    assert len(set(refs)) == 71


EXECUTION_READS = [
    "/api/v1/cases/JA-P-SAA/deliveries/",
    "/api/v1/cases/JA-P-SAA/sdrs/",
    "/api/v1/cases/JA-P-SAA/sdrs/1/",
    "/api/v1/cases/JA-P-SAA/financials/",
    "/api/v1/cases/JA-P-SAA/statement/",
    "/api/v1/cases/JA-P-SAA/closure/",
]


@pytest.mark.parametrize("reader", ["client_ja", "auditor"])
def test_every_execution_read_costs_the_statements_written_here(api, reader):
    counts = read_counts(api(reader), EXECUTION_READS)
    assert counts == {
        "/api/v1/cases/JA-P-SAA/deliveries/": (200, 3),
        "/api/v1/cases/JA-P-SAA/sdrs/": (200, 3),
        "/api/v1/cases/JA-P-SAA/sdrs/1/": (200, 3),
        "/api/v1/cases/JA-P-SAA/financials/": (200, 6),
        "/api/v1/cases/JA-P-SAA/statement/": (200, 5),
        "/api/v1/cases/JA-P-SAA/closure/": (200, 8),
    }

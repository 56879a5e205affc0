"""The JA-P-SAA story of DESIGN §1 through the API: BASIC (3 missiles) offered and accepted online,
implemented, A01 (4 missiles) offered for exactly $133,300,000.00 and accepted by signatory_ja;
and the demo story loader that tells the same story, idempotently."""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import override_settings
from rest_framework.test import APIClient

from fms.accounts.models import User
from fms.accounts.roles import CLIENT, CLIENT_OFFICER
from fms.cases.models import Case
from fms.documents.models import LoaDocument
from fms.ledger.models import ApprovalEvent
from fms.ledger.verification import verify_ledger
from tests.conftest import bearer

pytestmark = pytest.mark.django_db
CASE = "/api/v1/cases/JA-P-SAA/"
DOCS = f"{CASE}documents/"


@pytest.fixture
def signatory(demo_cases):
    user = User.objects.create(username="signatory_ja", purchaser_id="JA", is_staff=False)
    user.groups.add(*Group.objects.filter(name__in=[CLIENT, CLIENT_OFFICER]))
    client = APIClient()
    client.force_login(user)
    return client


def _lines(client, line_changes: dict[str, dict]):
    for number, changes in line_changes.items():
        etag = client.get(f"{CASE}lines/{number}/")["ETag"]
        response = client.patch(f"{CASE}lines/{number}/", changes, HTTP_IF_MATCH=etag, format="json")
        assert response.status_code == 200, response.json()


def _review_all(officer, reviewer):
    for line in officer.get(f"{CASE}lines/").json()["results"]:
        if line["review_status"] == "approved":
            continue
        number = line["line_number"]
        etag = officer.get(f"{CASE}lines/{number}/")["ETag"]
        submitted = officer.post(f"{CASE}lines/{number}/submit/", {}, HTTP_IF_MATCH=etag)
        assert submitted.status_code == 200, submitted.json()
        approved = reviewer.post(f"{CASE}lines/{number}/approve/", {"comment": "OK"}, HTTP_IF_MATCH=submitted["ETag"])
        assert approved.status_code == 200, approved.json()


def _step(client, action: str):
    etag = client.get(CASE)["ETag"]
    response = client.post(f"{CASE}transition/", {"action": action}, HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()


def _accept(signatory, label: str) -> dict:
    document = signatory.get(f"{DOCS}{label}/").json()
    accepted = signatory.post(
        f"{DOCS}{label}/accept/",
        {"content_hash": document["content_hash"], "signatory_name": "Taro Signatory", "signatory_title": "Director"},
        format="json",
    )
    assert accepted.status_code == 200, accepted.json()
    return accepted.json()


def test_the_japan_story_through_the_api(api_cases, signatory):
    officer, reviewer = api_cases("officer"), api_cases("reviewer")
    etag = officer.get(CASE)["ETag"]
    assert officer.patch(CASE, {"lor_received_on": "2017-11-01"}, HTTP_IF_MATCH=etag).status_code == 200
    codes = {"source_code": "P", "type_of_assistance": "5", "offer_release_code": "Z", "delivery_term_code": "8"}
    _lines(officer, {
        "001": {**codes, "unit_cost": "24000000.00", "delivery_from_months": 24, "delivery_to_months": 36},
        "002": {**codes, "delivery_from_months": 18, "delivery_to_months": 24},
        "003": {**codes, "unit_cost": "25000000.00", "offer_release_code": "A", "delivery_term_code": "4",
                "months_of_service": 36, "delivery_from_months": 0, "delivery_to_months": 35},
    })  # fmt: skip
    _review_all(officer, reviewer)
    _step(officer, "start_write")
    _step(officer, "submit_review")
    _step(reviewer, "propose")

    basic = officer.post(f"{DOCS}BASIC/offer/", {"transportation": "1300000.00"})
    assert basic.status_code == 200, basic.json()
    assert [line["quantity"] for line in basic.json()["lines"]] == [3, 4, 1]
    accepted = _accept(signatory, "BASIC")
    assert accepted["acceptance"]["method"] == "online"
    first_row = basic.json()["payment_schedule"][0]["amount"]
    deposit = bearer("finance").post(f"{CASE}financials/", {"kind": "deposit", "amount": first_row,
                                     "posted_on": "2018-07-02", "source_ref": "JA-DEP-1"}, format="json")  # fmt: skip
    assert deposit.status_code == 201, deposit.json()
    _step(officer, "implement")

    opened = officer.post(DOCS, {"kind": "amendment", "reason": "Four missiles, as DSCA notified"})
    assert opened.status_code == 201, opened.json()
    _lines(officer, {"001": {"quantity": 4}})
    _review_all(officer, reviewer)
    a01 = officer.post(f"{DOCS}A01/offer/", {"transportation": "1695400.00"}).json()
    assert a01["cost_summary"] == {
        "net_estimated_cost": "126300000.00",
        "packing_crating_handling": "0.00",
        "transportation": "1695400.00",
        "administrative_surcharge": "4041600.00",  # 3.2%
        "contract_administration": "1263000.00",  # 1.0% on procurement
        "other": "0.00",
        "total_estimated_cost": "133300000.00",
    }
    assert sum(Decimal(row["amount"]) for row in a01["payment_schedule"]) == Decimal("133300000.00")
    _accept(signatory, "A01")

    changes = officer.get(f"{DOCS}A01/diff/?against=BASIC").json()
    assert [(line["line_number"], line["change"]) for line in changes["lines"]] == [("001", "changed")]
    assert changes["lines"][0]["fields"]["quantity"] == {"before": 3, "after": 4}
    assert changes["cost_summary"]["net_estimated_cost"]["delta"] == "24000000.00"
    assert changes["cost_summary"]["administrative_surcharge"]["delta"] == "768000.00"
    assert changes["cost_summary"]["contract_administration"]["delta"] == "240000.00"

    statuses = [(d["label"], d["status"]) for d in bearer("client_ja").get(DOCS).json()["results"]]
    assert statuses == [("BASIC", "accepted"), ("A01", "accepted")]
    japan = Case.objects.get(case_id="JA-P-SAA")
    assert japan.status == "implemented"
    document_events = ApprovalEvent.objects.filter(case=japan, document__in=("BASIC", "A01"))
    assert list(document_events.values_list("action", flat=True)) == ["offer", "accept", "open", "offer", "accept"]
    assert verify_ledger([japan.pk]).ok


def _load_demo() -> str:
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=out)
    return out.getvalue()


def test_load_demo_tells_the_story_and_is_idempotent():
    output = _load_demo()
    assert "JA-P-SAA BASIC and A01" in output
    assert "signatory_ja" in output
    assert "signatory_ja-demo-pass" in output
    a01 = LoaDocument.objects.get(case__case_id="JA-P-SAA", label="A01")
    assert (a01.status, a01.total_estimated_cost, a01.accepted_by.username) == (
        "accepted",
        Decimal("133300000.00"),
        "signatory_ja",
    )
    assert a01.lines.get(line_number="001").quantity == 4
    assert LoaDocument.objects.get(case__case_id="JA-P-SAA", label="BASIC").lines.get(line_number="001").quantity == 3
    assert LoaDocument.objects.get(case__case_id="JA-B-SAB", label="M01").status == "issued"
    assert Case.objects.get(case_id="JA-P-SAA").status == "implemented"
    counts = (LoaDocument.objects.count(), ApprovalEvent.objects.count())
    assert "already loaded; nothing changed" in _load_demo()
    assert (LoaDocument.objects.count(), ApprovalEvent.objects.count()) == counts
    assert verify_ledger().ok

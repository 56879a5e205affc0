"""The document routes: offer, read, accept (online and countersigned), amend, diff; refusals as problems."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from fms.accounts.roles import CLIENT, CLIENT_OFFICER
from fms.cases import services as case_services
from fms.cases.choices import CaseAction, CaseStatus
from fms.cases.models import Case
from fms.documents import services
from fms.documents.models import LoaDocument
from tests.conftest import bearer
from tests.execution.steps import deposit
from tests.factories import UserFactory, lines_of, walk_to
from tests.query_counts import read_counts

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture
def signatory(db):
    return UserFactory(username="signatory_ja", roles=[CLIENT, CLIENT_OFFICER], purchaser_id="JA", is_staff=False)


@pytest.fixture
def signatory_session(signatory):
    """signatory_ja signed in with a session (purchaser tokens are read-only)."""
    client = APIClient()
    client.force_login(signatory)
    return client


@pytest.fixture
def proposed(officer, reviewer):
    return walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer)


def url(case, tail: str = "") -> str:
    return f"/api/v1/cases/{case.case_id}/documents/{tail}"


def offered(officer, case) -> dict:
    response = bearer("officer").post(url(case, "BASIC/offer/"), {"transportation": "100.00"})
    assert response.status_code == 200, response.json()
    return response.json()


def test_offer_and_read_the_frozen_document(officer, auditor, proposed):
    body = offered(officer, proposed)
    assert (body["label"], body["kind"], body["status"]) == ("BASIC", "basic", "offered")
    assert len(body["content_hash"]) == 64
    assert [line["line_number"] for line in body["lines"]] == ["001", "002"]
    assert body["lines"][0]["unit_cost"] == "1000.00"
    assert body["cost_summary"] == {
        "net_estimated_cost": "4000.00",
        "packing_crating_handling": "0.00",
        "transportation": "100.00",
        "administrative_surcharge": "128.00",
        "contract_administration": "0.00",
        "other": "0.00",
        "total_estimated_cost": "4228.00",
    }
    assert body["payment_schedule"][0]["amount"] == "4228.00"
    assert [note["key"] for note in body["loa_notes"]][:2] == ["estimated_prices", "administrative_surcharge"]
    listed = bearer("auditor").get(url(proposed)).json()["results"]
    assert [(d["label"], d["status"]) for d in listed] == [("BASIC", "offered")]


def test_get_document_costs_a_fixed_number_of_queries(officer, auditor, proposed):
    offered(officer, proposed)
    client = bearer("auditor")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(proposed, "BASIC/")).status_code == 200
    # the token (with the user's permissions and roles and the rate count), the document built as JSON
    assert len(queries) == 2, [q["sql"][:90] for q in queries.captured_queries]


def test_the_purchasers_officer_accepts_online_with_the_hash_it_read(officer, proposed, signatory_session):
    body = offered(officer, proposed)
    read = signatory_session.get(url(proposed, "BASIC/")).json()
    assert read["content_hash"] == body["content_hash"]
    accepted = signatory_session.post(
        url(proposed, "BASIC/accept/"),
        {"content_hash": read["content_hash"], "signatory_name": "Taro Yamada", "signatory_title": "Director"},
        format="json",
    )
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["acceptance"]["method"] == "online"
    proposed.refresh_from_db()
    assert proposed.status == CaseStatus.ACCEPTED


@pytest.mark.parametrize(
    ("change", "status", "problem"),
    [
        ({"content_hash": "0" * 64}, 409, "content-hash-mismatch"),
        ({"content_hash": "not-a-hash"}, 400, "validation-error"),
        ({"signatory_title": ""}, 400, "validation-error"),
    ],
)
def test_acceptance_refusals_are_problems(officer, proposed, signatory_session, change, status, problem):
    body = offered(officer, proposed)
    data = {"content_hash": body["content_hash"], "signatory_name": "Taro Yamada", "signatory_title": "Director"}
    response = signatory_session.post(url(proposed, "BASIC/accept/"), {**data, **change}, format="json")
    assert (response.status_code, response["Content-Type"]) == (status, PROBLEM)
    assert response.json()["type"].endswith(f"#{problem}")
    assert LoaDocument.objects.get(case=proposed, label="BASIC").status == "offered"


def test_a_client_without_client_officer_is_refused_and_another_purchaser_sees_nothing(officer, proposed):
    body = offered(officer, proposed)
    data = {"content_hash": body["content_hash"], "signatory_name": "N", "signatory_title": "T"}
    client = APIClient()
    client.force_login(UserFactory(username="client_ja", roles=[CLIENT], purchaser_id="JA", is_staff=False))
    refused = client.post(url(proposed, "BASIC/accept/"), data, format="json")
    assert (refused.status_code, refused.json()["type"]) == (403, "/api/problems/#permission-denied")
    korea = APIClient()
    korea.force_login(UserFactory(username="signatory_ks", roles=[CLIENT, CLIENT_OFFICER], purchaser_id="KS"))
    assert korea.post(url(proposed, "BASIC/accept/"), data, format="json").status_code == 404
    assert korea.get(url(proposed, "BASIC/")).status_code == 404


def test_staff_enter_a_countersigned_copy(officer, proposed):
    body = offered(officer, proposed)
    response = bearer("officer").post(
        url(proposed, "BASIC/accept/"),
        {
            "content_hash": body["content_hash"],
            "signatory_name": "Taro Yamada",
            "signatory_title": "Director",
            "signed_copy_sha256": "c0" * 32,
        },
    )
    assert response.status_code == 200, response.json()
    assert response.json()["acceptance"]["signed_copy_sha256"] == "c0" * 32


def test_the_frozen_header_is_a_409_problem(officer, proposed):
    offered(officer, proposed)
    client = bearer("officer")
    etag = client.get(f"/api/v1/cases/{proposed.case_id}/")["ETag"]
    response = client.patch(f"/api/v1/cases/{proposed.case_id}/", {"title": "New"}, HTTP_IF_MATCH=etag)
    assert (response.status_code, response.json()["type"]) == (409, "/api/problems/#header-frozen")
    assert "needs an amendment or a modification" in response.json()["detail"]


def test_an_amendment_through_the_api_with_its_diff(officer, reviewer, proposed, signatory_session):
    body = offered(officer, proposed)
    signatory_session.post(
        url(proposed, "BASIC/accept/"),
        {"content_hash": body["content_hash"], "signatory_name": "T. Yamada", "signatory_title": "Director"},
        format="json",
    )
    deposit(proposed)  # implementation needs the initial deposit (fms.execution)
    case_services.case_transition(actor=officer, case=proposed, action=CaseAction.IMPLEMENT)
    client = bearer("officer")
    opened = client.post(url(proposed), {"kind": "amendment", "reason": "One more of line 001"})
    assert (opened.status_code, opened["Location"]) == (201, url(proposed, "A01/"))
    twice = client.post(url(proposed), {"kind": "modification", "reason": "Prices"})
    assert (twice.status_code, twice.json()["type"]) == (409, "/api/problems/#draft-already-open")
    line = case_services.line_item_update(actor=officer, line=lines_of(proposed)[0], quantity=3)
    case_services.line_item_submit(actor=officer, line=line)
    case_services.line_item_approve(actor=reviewer, line=line)
    a01 = client.post(url(proposed, "A01/offer/"), {"transportation": "100.00"}).json()
    assert a01["supersedes"] == "BASIC"
    changes = client.get(url(proposed, "A01/diff/?against=BASIC")).json()
    assert changes["lines"] == [
        {"line_number": "001", "change": "changed", "fields": {
            "quantity": {"before": 2, "after": 3}, "total_cost": {"before": "2000.00", "after": "3000.00"}}},
    ]  # fmt: skip
    assert changes["cost_summary"]["net_estimated_cost"] == {
        "before": "4000.00",
        "after": "5000.00",
        "delta": "1000.00",
    }
    assert changes["cost_summary"]["administrative_surcharge"]["delta"] == "32.00"
    missing = client.get(url(proposed, "A01/diff/"))
    assert (missing.status_code, "against" in missing.json()["errors"]) == (400, True)


def test_a_modification_adding_a_line_is_a_409_naming_it(officer, reviewer, proposed):
    offered(officer, proposed)
    basic = LoaDocument.objects.get(case=proposed, label="BASIC")
    copy = {
        "content_hash": basic.content_hash,
        "signatory_name": "N",
        "signatory_title": "T",
        "signed_copy_sha256": "a" * 64,
    }
    assert bearer("officer").post(url(proposed, "BASIC/accept/"), copy).status_code == 200
    client = bearer("officer")
    assert client.post(url(proposed), {"kind": "modification", "reason": "Spares"}).status_code == 201
    line = case_services.line_item_add(actor=officer, case=proposed, category="other", description="x", quantity=1,
                                       unit_cost=Decimal("5.00"))  # fmt: skip
    case_services.line_item_submit(actor=officer, line=line)
    case_services.line_item_approve(actor=reviewer, line=line)
    response = client.post(url(proposed, "M01/issue/"), {"transportation": "0.00"})
    assert (response.status_code, response.json()["type"]) == (409, "/api/problems/#modification-changes-scope")
    assert "line 003 is new" in response.json()["detail"]


def test_staff_replace_a_drafts_payment_schedule(officer, proposed):
    client = bearer("officer")
    due = (services.washington_today() + dt.timedelta(days=100)).isoformat()
    rows = [{"amount": "1000.00"}, {"due_on": due, "amount": "3128.00"}]
    body = {"transportation": "0.00", "payment_schedule": rows}
    response = client.put(url(proposed, "BASIC/payment-schedule/"), body, format="json")
    assert response.status_code == 200, response.json()
    draft = response.json()
    assert (draft["status"], draft["content_hash"], draft["cost_summary"]["total_estimated_cost"]) == (
        "draft", "", "4128.00")  # fmt: skip
    assert draft["payment_schedule"] == [
        {"position": 1, "due_on": None, "amount": "1000.00", "cumulative": "1000.00"},
        {"position": 2, "due_on": due, "amount": "3128.00", "cumulative": "4128.00"},
    ]
    assert client.get(url(proposed, "BASIC/")).json()["payment_schedule"] == draft["payment_schedule"]
    frozen = client.post(url(proposed, "BASIC/offer/"), {}, format="json").json()
    assert [(row["amount"], row["due_on"]) for row in frozen["payment_schedule"]] == [
        ("1000.00", services.washington_today().isoformat()), ("3128.00", due)]  # fmt: skip


def test_a_draft_schedule_off_the_total_is_a_400_naming_the_difference(officer, proposed):
    body = {"transportation": "0.00", "payment_schedule": [{"amount": "4000.00"}]}
    response = bearer("officer").put(url(proposed, "BASIC/payment-schedule/"), body, format="json")
    assert (response.status_code, response["Content-Type"]) == (400, PROBLEM)
    assert response.json()["type"] == "/api/problems/#validation-error"
    assert "(difference 128.00)" in response.json()["errors"]["payment_schedule"][0]
    assert not LoaDocument.objects.filter(case=proposed).exists()


def test_a_frozen_documents_schedule_is_a_409(officer, proposed):
    offered(officer, proposed)
    body = {"payment_schedule": [{"amount": "4228.00"}]}
    response = bearer("officer").put(url(proposed, "BASIC/payment-schedule/"), body, format="json")
    assert (response.status_code, response.json()["type"]) == (409, "/api/problems/#transition-not-allowed")
    assert [row["amount"] for row in bearer("officer").get(url(proposed, "BASIC/")).json()["payment_schedule"]] == [
        "4228.00"]  # fmt: skip


def test_money_as_a_json_number_is_refused(officer, proposed):
    response = bearer("officer").post(url(proposed, "BASIC/offer/"), {"transportation": 100.5}, format="json")
    assert response.status_code == 400
    assert "transportation" in response.json()["errors"]


def test_purchasers_never_see_a_draft(officer, auditor, proposed):
    offered(officer, proposed)
    basic = LoaDocument.objects.get(case=proposed, label="BASIC")
    copy = {
        "content_hash": basic.content_hash,
        "signatory_name": "N",
        "signatory_title": "T",
        "signed_copy_sha256": "a" * 64,
    }
    bearer("officer").post(url(proposed, "BASIC/accept/"), copy)
    bearer("officer").post(url(proposed), {"kind": "amendment", "reason": "More"})
    UserFactory(username="client_ja", roles=[CLIENT], purchaser_id="JA", is_staff=False)
    client = bearer("client_ja")
    assert [d["label"] for d in client.get(url(proposed)).json()["results"]] == ["BASIC"]
    assert client.get(url(proposed, "A01/")).status_code == 404
    assert [d["label"] for d in bearer("auditor").get(url(proposed)).json()["results"]] == ["BASIC", "A01"]


# ---- The case's own routes: offer and accept only through the document --------------------------


def _case_step(client, case, action: str):
    etag = client.get(f"/api/v1/cases/{case.case_id}/")["ETag"]
    return client.post(f"/api/v1/cases/{case.case_id}/transition/", {"action": action}, HTTP_IF_MATCH=etag)


def _case_row(case) -> tuple:
    case.refresh_from_db()
    return case.status, case.version, case.offer_expires_on, case.documents.count()


def test_the_case_transition_refuses_offer_and_accept_naming_the_document_route(officer, proposed, signatory):
    client = bearer("officer")
    before = _case_row(proposed)
    response = _case_step(client, proposed, "offer")
    assert (response.status_code, response["Content-Type"]) == (409, PROBLEM)
    problem = response.json()
    assert problem["type"].endswith("document-step-required")
    assert f"POST /api/v1/cases/{proposed.case_id}/documents/BASIC/offer/" in problem["detail"]
    assert problem["errors"] == {"action": [f"Use POST /api/v1/cases/{proposed.case_id}/documents/BASIC/offer/."]}
    assert _case_row(proposed) == before  # no document, no step, no event

    offered(officer, proposed)
    before = _case_row(proposed)
    response = _case_step(client, proposed, "accept")
    assert response.status_code == 409
    assert response.json()["type"].endswith("document-step-required")
    assert "/documents/BASIC/accept/" in response.json()["detail"]
    assert _case_row(proposed) == before


def test_the_case_names_its_effective_document_and_estimated_total(officer, auditor, proposed):
    client = bearer("auditor")
    case_url = f"/api/v1/cases/{proposed.case_id}/"
    fresh = client.get(case_url).json()
    assert (fresh["effective_document"], fresh["estimated_total"]) == (None, None)  # nothing frozen yet
    offered(officer, proposed)
    after_offer = client.get(case_url).json()
    assert (after_offer["effective_document"], after_offer["estimated_total"]) == (None, "4228.00")
    basic = proposed.documents.get(label="BASIC")
    bearer("officer").post(
        url(proposed, "BASIC/accept/"),
        {
            "content_hash": basic.content_hash,
            "signatory_name": "Taro Yamada",
            "signatory_title": "Director",
            "signed_copy_sha256": "ab" * 32,
        },
        format="json",
    )
    listed = {c["case_id"]: c for c in client.get("/api/v1/cases/").json()["results"]}
    assert (listed[proposed.case_id]["effective_document"], listed[proposed.case_id]["estimated_total"]) == (
        "BASIC",
        "4228.00",
    )


def test_a_lapsed_offer_is_recorded_expired_on_read_and_a_reviewer_reinstates_it(
    officer, reviewer, auditor, proposed, signatory_session
):
    today = services.washington_today()
    Case.objects.filter(pk=proposed.pk).update(milap_on=today - dt.timedelta(days=100))  # OED: 15 days ago
    with mock.patch("django.utils.timezone.now", return_value=dt.datetime.now(dt.UTC) - dt.timedelta(days=90)):
        body = offered(officer, proposed)
    read = bearer("auditor").get(url(proposed, "BASIC/")).json()
    assert (read["status"], read["reinstated_until"]) == ("expired", None)
    new_oed = (today + dt.timedelta(days=20)).isoformat()
    data = {"offer_expires_on": new_oed, "reason": "The purchaser's parliament approved the funds late"}
    refused = bearer("officer").post(url(proposed, "BASIC/reinstate/"), data, format="json")
    assert (refused.status_code, refused.json()["type"]) == (403, "/api/problems/#permission-denied")
    done = bearer("reviewer").post(url(proposed, "BASIC/reinstate/"), data, format="json")
    assert done.status_code == 200, done.json()
    reinstated = done.json()
    assert (reinstated["status"], reinstated["reinstated_until"]) == ("offered", new_oed)
    assert (reinstated["offer_expires_on"], reinstated["content_hash"]) == (
        body["offer_expires_on"],
        body["content_hash"],
    )
    events = bearer("auditor").get(f"/api/v1/cases/{proposed.case_id}/events/").json()["results"]
    assert [(e["action"], e["document"]) for e in events if e["line_number"] is None][-3:] == [
        ("offer", "BASIC"), ("expire", "BASIC"), ("reinstate", "BASIC")]  # fmt: skip
    accepted = signatory_session.post(
        url(proposed, "BASIC/accept/"),
        {"content_hash": body["content_hash"], "signatory_name": "Taro Yamada", "signatory_title": "Director"},
        format="json",
    )
    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted")


DOCUMENT_READS = [
    "/api/v1/cases/JA-P-SAA/documents/",
    "/api/v1/cases/JA-P-SAA/documents/BASIC/",
    "/api/v1/cases/JA-P-SAA/documents/A01/",
    "/api/v1/cases/JA-P-SAA/documents/A01/diff/?against=BASIC",
]


@pytest.mark.parametrize("reader", ["client_ja", "auditor"])
def test_every_document_read_costs_the_statements_written_here(api, reader):
    counts = read_counts(api(reader), DOCUMENT_READS)
    # The token (with the rate count), then the case's documents (the case, the due expiries, the list), a frozen
    # document as PostgreSQL builds it (its case's scope, lines, notes and schedule in one statement), or a diff
    # (the case, both documents, each with its content, and their cost summaries).
    assert counts == {
        "/api/v1/cases/JA-P-SAA/documents/": (200, 4),
        "/api/v1/cases/JA-P-SAA/documents/BASIC/": (200, 2),
        "/api/v1/cases/JA-P-SAA/documents/A01/": (200, 2),
        "/api/v1/cases/JA-P-SAA/documents/A01/diff/?against=BASIC": (200, 6),
    }

"""ETags, If-Match, Idempotency-Key and problem+json errors on the wire."""

import pytest

from fms.cases.models import Case, LineItem
from fms.core.models import IdempotencyRecord
from fms.ledger.models import ApprovalEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_cases(demo_cases_for_the_module):
    """Every test here uses the cases-only demo: loaded once for the module (tests/conftest.py)."""


@pytest.fixture
def api(api_cases):
    """These tests change JA-P-SAA's header and lines: on the cases-only demo it is still in development."""
    return api_cases


# ---- ETag / If-None-Match / If-Match -------------------------------------------------------------


def test_detail_reads_carry_a_strong_etag_and_answer_304(api):
    client = api("auditor")
    first = client.get("/api/v1/cases/JA-P-SAA/")
    etag = first["ETag"]
    assert etag == f'"{Case.objects.get(case_id="JA-P-SAA").version}"'
    again = client.get("/api/v1/cases/JA-P-SAA/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert client.get("/api/v1/cases/JA-P-SAA/", HTTP_IF_NONE_MATCH='"999"').status_code == 200
    line = client.get("/api/v1/cases/JA-P-SAA/lines/001/")
    assert client.get("/api/v1/cases/JA-P-SAA/lines/001/", HTTP_IF_NONE_MATCH=line["ETag"]).status_code == 304


def test_a_line_change_changes_the_cases_etag(api):
    officer = api("officer")
    before = officer.get("/api/v1/cases/JA-P-SAA/")["ETag"]
    line = officer.get("/api/v1/cases/JA-P-SAA/lines/002/")
    officer.patch("/api/v1/cases/JA-P-SAA/lines/002/", {"description": "Canister"}, HTTP_IF_MATCH=line["ETag"])
    assert officer.get("/api/v1/cases/JA-P-SAA/")["ETag"] != before


WRITES = [
    ("patch", "/api/v1/cases/JA-P-SAA/", {"notes": "x"}),
    ("post", "/api/v1/cases/JA-P-SAA/transition/", {"action": "cancel"}),
    ("patch", "/api/v1/cases/JA-P-SAA/lines/001/", {"description": "x"}),
    ("delete", "/api/v1/cases/JA-P-SAA/lines/001/", None),
    ("post", "/api/v1/cases/JA-P-SAA/lines/001/submit/", {}),
]


def snapshot():
    return (
        list(Case.objects.order_by("pk").values_list("version", "status", "notes")),
        list(LineItem.objects.order_by("pk").values_list("version", "review_status", "description", "removed_at")),
        ApprovalEvent.objects.count(),
    )


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
def test_writes_without_if_match_are_428_and_change_nothing(api, method, url, body):
    before = snapshot()
    response = getattr(api("officer"), method)(url, body)
    assert response.status_code == 428
    assert response.json()["type"].endswith("precondition-required")
    assert snapshot() == before


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
@pytest.mark.parametrize("if_match", ['"0"', '"999"'])
def test_writes_with_a_stale_if_match_are_412_and_change_nothing(api, method, url, body, if_match):
    before = snapshot()
    response = getattr(api("officer"), method)(url, body, HTTP_IF_MATCH=if_match)
    assert response.status_code == 412
    assert response.json()["type"] == "/api/problems/#stale-version"
    assert snapshot() == before


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
@pytest.mark.parametrize("if_match", ["*", 'W/"1"', "garbage", '"²"', '"١"', '"1", "2"', '"1'])
def test_writes_with_a_malformed_if_match_are_400_naming_the_header(api, method, url, body, if_match):
    """A malformed header is the client's mistake, not a stale record (issue 11 part 9)."""
    before = snapshot()
    response = getattr(api("officer"), method)(url, body, HTTP_IF_MATCH=if_match)
    assert response.status_code == 400
    assert response.json()["type"] == "/api/problems/#validation-error"
    assert "If-Match" in response.json()["errors"]
    assert snapshot() == before


# ---- Idempotency-Key ---------------------------------------------------------------------------------


def test_a_retried_post_replays_the_first_response(api):
    officer = api("officer")
    body = {"case_id": "KS-B-IDM", "title": "Retry me"}
    first = officer.post("/api/v1/cases/", body, HTTP_IDEMPOTENCY_KEY="key-1")
    retry = officer.post("/api/v1/cases/", body, HTTP_IDEMPOTENCY_KEY="key-1")
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.content == first.content
    assert retry["Location"] == first["Location"]
    assert retry["Idempotent-Replayed"] == "true"
    assert Case.objects.filter(case_id="KS-B-IDM").count() == 1
    assert ApprovalEvent.objects.filter(case__case_id="KS-B-IDM").count() == 1


def test_the_same_key_with_another_body_is_422(api):
    officer = api("officer")
    officer.post("/api/v1/cases/", {"case_id": "KS-B-IDM", "title": "One"}, HTTP_IDEMPOTENCY_KEY="key-2")
    reused = officer.post("/api/v1/cases/", {"case_id": "KS-B-IDN", "title": "Two"}, HTTP_IDEMPOTENCY_KEY="key-2")
    assert reused.status_code == 422
    assert reused["Content-Type"] == "application/problem+json"
    assert not Case.objects.filter(case_id="KS-B-IDN").exists()


def test_a_retry_while_the_first_is_running_is_409(api):
    officer = api("officer")
    body = b'{"case_id": "KS-B-IDR", "title": "Slow"}'
    # The first request has claimed the key and is still running.
    from fms.accounts.services import token_digest
    from fms.core.idempotency import IdempotencyMiddleware

    IdempotencyRecord.objects.create(
        owner="token:" + token_digest(officer.secret),
        key="key-3",
        fingerprint=IdempotencyMiddleware.fingerprint("POST", "/api/v1/cases/", body),
        expires_at="2999-01-01T00:00:00Z",
    )
    response = officer.generic("POST", "/api/v1/cases/", body, "application/json", HTTP_IDEMPOTENCY_KEY="key-3")
    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    assert not Case.objects.filter(case_id="KS-B-IDR").exists()


def test_keys_belong_to_their_sender(api):
    body = {"case_id": "KS-B-IDS", "title": "Mine"}
    assert api("officer").post("/api/v1/cases/", body, HTTP_IDEMPOTENCY_KEY="shared").status_code == 201
    second = api("officer2").post("/api/v1/cases/", body, HTTP_IDEMPOTENCY_KEY="shared")
    assert second.status_code == 400  # not a replay: officer2's own request, refused as a duplicate id
    assert "case_id" in second.json()["errors"]


def test_a_refusal_is_remembered_like_any_final_answer(api):
    officer = api("officer")
    first = officer.post("/api/v1/cases/", {"case_id": "bad"}, HTTP_IDEMPOTENCY_KEY="key-4")
    assert first.status_code == 400
    assert IdempotencyRecord.objects.get(key="key-4").status_code == 400


# ---- Errors ---------------------------------------------------------------------------------------


def test_money_as_a_json_number_is_refused_with_advice(api, officer):
    response = api("officer").post(
        "/api/v1/cases/JA-P-SAA/lines/",
        {"category": "other", "description": "x", "quantity": 1, "unit_cost": 1234.5},
    )
    assert response.status_code == 400
    problem = response.json()
    assert problem["type"].endswith("validation-error")
    assert "Send money as a string" in problem["errors"]["unit_cost"][0]
    assert problem["request_id"] == response["X-Request-ID"]


@pytest.mark.parametrize("cost", ["12.345", "-1.00", "1e3", "", "10000000000000.00", True])
def test_bad_money_strings_are_refused(api, cost):
    body = {"category": "other", "description": "x", "quantity": 1, "unit_cost": cost}
    response = api("officer").post("/api/v1/cases/JA-P-SAA/lines/", body)
    assert response.status_code == 400
    assert "unit_cost" in response.json()["errors"]


def test_unknown_and_read_only_fields_are_refused_not_ignored(api):
    officer = api("officer")
    case = officer.get("/api/v1/cases/JA-P-SAA/")
    response = officer.patch(
        "/api/v1/cases/JA-P-SAA/", {"status": "closed", "colour": "red"}, HTTP_IF_MATCH=case["ETag"]
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "colour"}
    assert Case.objects.get(case_id="JA-P-SAA").status == "development"


@pytest.mark.parametrize("body", [b"{", b"[1, 2]", b'"text"', b"\xff"])
def test_malformed_bodies_are_400(api, body):
    response = api("officer").generic("POST", "/api/v1/cases/", body, "application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_unknown_api_routes_are_problems_and_every_response_has_a_request_id(api, client):
    response = api("officer").get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert client.get("/healthz")["X-Request-ID"]
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc-12345678")["X-Request-ID"] == "abc-12345678"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id!")["X-Request-ID"] != "bad id!"


def test_wrong_methods_are_405_problems(api):
    response = api("officer").put("/api/v1/cases/JA-P-SAA/", {})
    assert response.status_code == 405
    assert response.json()["type"].endswith("method-not-allowed")


@pytest.mark.parametrize("how", ["revoked", "unknown"])
def test_a_replay_happens_only_after_authentication(api, how):
    """Issue 10 part 6: a revoked token used to get the recorded 201 (and the record) back."""
    from fms.accounts.services import token_for_secret, token_revoke

    officer = api("officer")
    body = {"case_id": "KS-B-IDA", "title": "Before revocation"}
    assert officer.post("/api/v1/cases/", body, HTTP_IDEMPOTENCY_KEY="key-auth").status_code == 201
    token = token_for_secret(officer.secret)
    if how == "revoked":
        token_revoke(actor=None, token=token)
    else:
        officer.credentials(HTTP_AUTHORIZATION="Bearer fms_" + "x" * 40)
    records, cases, events = IdempotencyRecord.objects.count(), Case.objects.count(), ApprovalEvent.objects.count()

    retry = officer.post("/api/v1/cases/", body, HTTP_IDEMPOTENCY_KEY="key-auth")

    assert retry.status_code == 401
    assert retry.json()["type"] == "/api/problems/#not-authenticated"
    assert "Idempotent-Replayed" not in retry
    assert b"Before revocation" not in retry.content
    assert (IdempotencyRecord.objects.count(), Case.objects.count(), ApprovalEvent.objects.count()) == (
        records,
        cases,
        events,
    )

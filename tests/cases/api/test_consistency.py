"""API consistency (issue 11 part 9, DESIGN §5): one rule, one test, each on every operation the
rule covers, found from the schema so that a new operation is covered without editing this file."""

import pytest
import yaml
from django.urls import reverse

from fms.cases.models import LineItem
from fms.ledger.models import ApprovalEvent
from fms.notifications.models import CongressionalNotification
from fms.reference.models import ImplementingAgency, Purchaser

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_for_the_module):
    """The tests here read the demo: loaded once for the module (tests/conftest.py)."""


PAGE_KEYS = {"results", "next", "next_url", "previous", "previous_url"}
MONEY_FIELDS = {"unit_cost", "total_cost", "total_value", "mde_value", "design_construction_value", "estimated_total"}
VALIDATION = "/api/problems/#validation-error"
# Lists documented as one page always (same envelope, next null): a case has a handful of documents.
UNPAGED = {"/api/v1/cases/{case_id}/documents/"}


@pytest.fixture
def schema(client):
    return yaml.safe_load(client.get(reverse("schema")).content)


def lists(schema) -> list[str]:
    """Paths of the JSON list operations: a GET whose 200 is a page (it has `results`)."""
    found = []
    for path, item in schema["paths"].items():
        ok = item.get("get", {}).get("responses", {}).get("200", {}).get("content", {}).get("application/json")
        if ok:
            ref = ok["schema"].get("$ref", "")
            component = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
            if "results" in component.get("properties", {}):
                found.append(path)
    return found


def concrete(path: str) -> str:
    return path.format(case_id="JA-P-SAA", line_number="001", id=1)


def test_every_list_is_declared_with_the_one_page_shape(schema):
    found = lists(schema)
    # cases, lines, case events, the feed, notifications, purchasers, agencies, documents, signed tree heads,
    # the read audit, a purchaser's users, a case's deliveries and SDRs
    assert len(found) == 13
    for path, item in schema["paths"].items():  # and no list answers a bare array
        for content in item.get("get", {}).get("responses", {}).get("200", {}).get("content", {}).values():
            assert content["schema"].get("type") != "array", path
    for path in found:
        ref = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        assert set(component["properties"]) == PAGE_KEYS, path
        assert component["properties"]["next"]["type"] == "string", path  # a token, not a URL


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cases/",
        "/api/v1/cases/JA-P-SAA/lines/",
        "/api/v1/cases/JA-P-SAA/events/",
        "/api/v1/events/",
        "/api/v1/notifications/",
        "/api/v1/purchasers/",
        "/api/v1/implementing-agencies/",
        "/api/v1/cases/JA-P-SAA/documents/",
    ],
)
def test_every_list_answers_the_one_page_shape(api, path):
    body = api("auditor").get(path, {"page_size": 1}).json()
    assert set(body) == PAGE_KEYS
    # The feed holds back events of transactions still open: this test's own, so it may be empty here.
    if path.endswith("/documents/"):
        assert (body["next"], body["previous"]) == (None, None)
    else:
        assert len(body["results"]) == (0 if path == "/api/v1/events/" else 1)


WALKS = [
    "/api/v1/cases/",
    "/api/v1/cases/JA-P-SAA/lines/",
    "/api/v1/cases/JA-P-SAA/events/",
    "/api/v1/notifications/",
    "/api/v1/purchasers/",
    "/api/v1/implementing-agencies/",
]


@pytest.mark.parametrize("path", WALKS)
def test_passing_next_as_the_cursor_walks_every_row_once(api, path):
    for day in (2, 3):  # the demo has one notification
        CongressionalNotification.objects.create(purchaser_id="KS", notified_on=f"2026-01-0{day}", total_value=1)
    client = api("auditor")
    everything = client.get(path, {"page_size": 500}).json()["results"]
    seen, params = [], {"page_size": 2}
    for _page in range(len(everything)):
        body = client.get(path, params).json()
        seen += body["results"]
        if body["next"] is None:
            assert body["next_url"] is None
            break
        assert "cursor=" in body["next_url"]
        params = {"page_size": 2, "cursor": body["next"]}
    assert seen == everything
    assert len(everything) > 2


def test_reference_lists_are_paged_like_every_list(api):
    body = api("auditor").get("/api/v1/purchasers/", {"page_size": 5}).json()
    first_five = Purchaser.objects.order_by("code")[:5].values_list("code", flat=True)
    assert [p["code"] for p in body["results"]] == list(first_five)
    assert body["next"] is not None
    agencies = api("auditor").get("/api/v1/implementing-agencies/").json()
    assert [a["code"] for a in agencies["results"]] == list(ImplementingAgency.objects.values_list("code", flat=True))
    assert agencies["next"] is None


@pytest.mark.parametrize("size", ["0", "501", "-1", "5000"])
def test_page_size_outside_1_to_500_is_400_on_every_list(api, schema, size):
    for path in set(lists(schema)) - UNPAGED:
        response = api("auditor").get(concrete(path), {"page_size": size})
        assert response.status_code == 400, path
        assert response.json()["type"] == VALIDATION
        assert "page_size" in response.json()["errors"]
        page_size = next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "page_size")
        assert (page_size["schema"]["minimum"], page_size["schema"]["maximum"]) == (1, 500), path


def test_if_none_match_is_declared_where_it_is_honoured(api, schema):
    client = api("auditor")
    for path in ("/api/v1/cases/{case_id}/", "/api/v1/cases/{case_id}/lines/{line_number}/"):
        operation = schema["paths"][path]["get"]
        assert "If-None-Match" in [p["name"] for p in operation["parameters"] if p["in"] == "header"], path
        assert "304" in operation["responses"], path
        first = client.get(concrete(path))
        assert client.get(concrete(path), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_malformed_if_match_is_400_and_declared(api, schema):
    line = LineItem.objects.get(case__case_id="JA-P-SAA", line_number="001")
    response = api("officer").patch("/api/v1/cases/JA-P-SAA/lines/001/", {"description": "x"}, HTTP_IF_MATCH="1")
    assert response.status_code == 400
    assert response.json()["errors"]["If-Match"]
    assert LineItem.objects.get(pk=line.pk).version == line.version
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if any(p["name"] == "If-Match" for p in operation.get("parameters", [])):
                assert "400" in operation["responses"], (method, path)


def test_csv_is_its_own_text_csv_operation_and_lists_are_json_only(api, schema):
    for path in ("/api/v1/cases.csv", "/api/v1/cases/{case_id}/lines.csv"):
        assert list(schema["paths"][path]["get"]["responses"]["200"]["content"]) == ["text/csv"], path
        response = api("auditor").get(concrete(path))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert b"".join(response.streaming_content).startswith(b'"')
    for path in lists(schema):
        assert list(schema["paths"][path]["get"]["responses"]["200"]["content"]) == ["application/json"], path


def test_every_money_field_has_a_decimal_pattern(schema):
    seen = 0
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            if field in MONEY_FIELDS:
                seen += 1
                assert spec.get("format") == "decimal", (name, field)
                assert spec["pattern"].startswith("^[0-9]{1,13}"), (name, field)
    assert seen >= 10


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_api_path_is_a_problem_404_in_debug_too(api, settings, debug):
    settings.DEBUG = debug
    for path in ("/api/v1/nowhere/", "/api/v2/cases/", "/api/"):
        response = api("auditor").get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/problem+json", path
        assert response.json()["type"] == "/api/problems/#not-found"


def test_an_after_cursor_that_points_nowhere_is_400(api):
    last = ApprovalEvent.objects.order_by("-id").first()
    for after in (f"{last.txid}.{last.id + 1000}", f"{last.txid + 1}.{last.id}", "1.1"):
        response = api("auditor").get("/api/v1/events/", {"after": after})
        assert response.status_code == 400, after
        assert "after" in response.json()["errors"]
    assert api("auditor").get("/api/v1/events/", {"after": "0.0"}).status_code == 200


def test_the_token_scheme_is_401_saying_to_use_bearer(api):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api('auditor').secret}")
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json()["type"] == "/api/problems/#not-authenticated"
    assert "Authorization: Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")

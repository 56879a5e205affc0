"""What a purchaser's users see (DESIGN §8), in every API route of the schema and every page.

The records hold internal notes, a reviewer's comment, a step comment, staff names and a draft
price in an open amendment; none of it may reach `client`, `client_officer` or `client_admin`.
"""

import base64
import csv
import io
import re

import orjson
import pytest
import yaml
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from fms.accounts.services import token_issue
from fms.cases import selectors
from fms.cases.api.documents import PURCHASER_CASE_FIELDS
from fms.ledger.models import ApprovalEvent
from tests.accounts import purchaser_world
from tests.accounts.purchaser_world import DRAFT_PRICE, INTERNAL_KEYS, INTERNAL_NOTE, REVIEW_COMMENT, STEP_COMMENT
from tests.conftest import loaded_for_the_module

pytestmark = pytest.mark.django_db
CLIENT_ROLES = ["client", "client_officer", "client_admin"]
SECRETS = [INTERNAL_NOTE, REVIEW_COMMENT, STEP_COMMENT, DRAFT_PRICE, "Withdrawn LOR"]


@pytest.fixture(scope="module")
def world_for_the_module(django_db_setup, django_db_blocker):
    """Built once; each test runs in a savepoint of it (tests/conftest.py)."""
    yield from loaded_for_the_module(django_db_blocker, purchaser_world.build)


@pytest.fixture
def world(world_for_the_module, db):
    return world_for_the_module


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def keys_of(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in keys_of(item)}
    if isinstance(value, list):
        return {key for item in value for key in keys_of(item)}
    return set()


def assert_nothing_internal(world, response, where: str) -> None:
    assert response.status_code < 500, where
    text = b"".join(response.streaming_content) if response.streaming else response.content
    body = text.decode()
    for secret in [*SECRETS, *world.staff_words(), world.korean.case_id, world.developing.case_id]:
        assert secret not in body, (where, secret)
    # (A refusal's `errors` map names the request's fields; what an answer holds is what matters.)
    if response.status_code < 300 and response["Content-Type"].startswith("application/json") and body:
        assert keys_of(orjson.loads(text)) & INTERNAL_KEYS == set(), where


def schema_routes(client) -> list[tuple[str, str]]:
    schema = yaml.safe_load(client.get(reverse("schema")).content)
    return sorted((method, path) for path, item in schema["paths"].items() for method in item if method != "parameters")


def concrete(world, user, path: str) -> str:
    token = user.api_tokens.first()
    url = path.format(
        case_id=world.offered.case_id,
        line_number="001",
        label="BASIC",
        id="1",
        number="1",
        username=user.username,
        prefix=token.prefix if token else "nope",
    )
    queries = {
        "/diff/": "?against=BASIC",
        "/proof/inclusion/": "?event=1&size=1",
        "/proof/consistency/": "?from=0&to=1",
    }
    return url + next((query for tail, query in queries.items() if url.endswith(tail)), "")


@pytest.mark.parametrize("role", CLIENT_ROLES)
def test_nothing_internal_in_any_route_of_the_schema(world, role):
    user = world.users[role]
    token_issue(actor=None, user=user, days=1)
    client = signed_in(user)
    routes = schema_routes(client)
    assert len(routes) > 30
    for method, path in routes:
        url = concrete(world, user, path)
        response = getattr(client, method)(url, {}, format="json") if method != "get" else client.get(url)
        assert_nothing_internal(world, response, f"{method} {url}")
        if method == "get" and "?format" not in url:
            csv = client.get(url, {"format": "csv"})
            assert_nothing_internal(world, csv, f"{url} as CSV")


def page_routes(resolver=None, prefix: str = "") -> list[str]:
    """Every page route outside /api/, /admin/ and the sign-in, as a route string."""
    routes = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(("api/", "admin/", "login/", "logout/", "healthz", "readyz", "favicon")):
            continue
        if isinstance(entry, URLResolver):
            routes += page_routes(entry, route)
        elif isinstance(entry, URLPattern):
            routes.append(route)
    return routes


@pytest.mark.parametrize("role", CLIENT_ROLES)
def test_nothing_internal_on_any_page(world, role):
    user = world.users[role]
    client = signed_in(user)
    routes = page_routes()
    assert len(routes) > 15
    values = {"case_id": world.offered.case_id, "line_number": "001", "label": "BASIC", "username": user.username}
    for route in routes:
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: values.get(match[1], "1"), route)
        response = client.get(url)
        assert_nothing_internal(world, response, url)
    # The pages that show the case do show it, as the purchaser may read it.
    page = client.get(f"/cases/{world.offered.case_id}/").content.decode()
    assert world.offered.implementing_agency.name in page
    assert "BASIC" in page


def problem(response) -> dict:
    body = response.json()
    body.pop("request_id", None)
    return body


@pytest.mark.parametrize("role", CLIENT_ROLES)
def test_a_case_never_offered_is_a_404_exactly_like_a_missing_one(world, role):
    client = signed_in(world.users[role])
    missing = client.get("/api/v1/cases/JA-P-ZZZ/")
    for case in (world.developing, world.cancelled):
        response = client.get(f"/api/v1/cases/{case.case_id}/")
        assert response.status_code == missing.status_code == 404
        assert orjson.dumps(problem(response)).replace(case.case_id.encode(), b"JA-P-ZZZ") == orjson.dumps(
            problem(missing)
        )
        for tail in ("events/", "documents/", "documents/BASIC/", "ledger/"):
            assert client.get(f"/api/v1/cases/{case.case_id}/{tail}").status_code == 404
        assert client.get(f"/cases/{case.case_id}/").status_code == 404
    listed = {row["case_id"] for row in client.get("/api/v1/cases/?page_size=500").json()["results"]}
    assert listed == {world.offered.case_id}
    # The staff see all three.
    assert selectors.case_queryset_for(world.officer).filter(purchaser_id="JA").count() == 3


def test_the_purchaser_reads_the_header_and_the_accepted_documents_lines_not_the_working_copy(world):
    client = signed_in(world.users["client"])
    body = client.get(f"/api/v1/cases/{world.offered.case_id}/").json()
    assert set(body) == {*PURCHASER_CASE_FIELDS, "lines"}
    assert [(line["line_number"], line["unit_cost"], line["change"]) for line in body["lines"]] == [
        ("001", "1000.00", "added"),
        ("002", "1000.00", "added"),
    ]
    staff = signed_in(world.officer).get(f"/api/v1/cases/{world.offered.case_id}/").json()
    assert staff["notes"] == INTERNAL_NOTE
    assert staff["lines"][0]["unit_cost"] == DRAFT_PRICE
    assert client.get(f"/api/v1/cases/{world.offered.case_id}/lines/").status_code == 404
    documents = client.get(f"/api/v1/cases/{world.offered.case_id}/documents/").json()["results"]
    assert [document["label"] for document in documents] == ["BASIC"]  # never the open draft A01


def test_events_are_milestones_as_the_agencys_steps_with_opaque_ids(world):
    client = signed_in(world.users["client"])
    events = client.get(f"/api/v1/cases/{world.offered.case_id}/events/").json()["results"]
    agency = world.offered.implementing_agency
    assert [event["action"] for event in events] == ["offer", "accept"]
    assert {(event["actor"], event["actor_name"]) for event in events} == {(agency.code, agency.name)}
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", event["id"]) for event in events)
    staff_events = signed_in(world.officer).get(f"/api/v1/cases/{world.offered.case_id}/events/").json()["results"]
    assert len(staff_events) > len(events)  # the staff see every step and decision, with comments
    assert REVIEW_COMMENT in {event["comment"] for event in staff_events}
    assert ApprovalEvent.objects.filter(case=world.offered, comment=REVIEW_COMMENT).exists()


def readable(cursor: str) -> bool:
    """Whether a cursor decodes to JSON or numbers a reader could interpret."""
    if re.fullmatch(r"[0-9.]+", cursor):
        return True
    try:
        orjson.loads(base64.urlsafe_b64decode(cursor.split(".")[0] + "=" * (-len(cursor) % 4)))
    except (ValueError, orjson.JSONDecodeError):
        return False
    return True


def test_ids_and_cursors_a_purchaser_sees_carry_no_number(world):
    client = signed_in(world.users["client"])
    purchaser_view_urls = ["/api/v1/events/", f"/api/v1/cases/{world.offered.case_id}/events/?page_size=1"]
    for url in ["/api/v1/cases/?page_size=1", *purchaser_view_urls]:
        body = client.get(url).json()
        assert all(not readable(cursor) for cursor in (body.get("next"), body.get("previous")) if cursor), url
        for event in body["results"] if "events" in url else []:
            assert not any(isinstance(value, int) for value in event.values())


def test_a_forged_feed_cursor_is_a_400(world):
    client = signed_in(world.users["client"])
    for after in ("1.1", "0.0", "A" * 22, "x"):
        response = client.get("/api/v1/events/", {"after": after})
        assert response.status_code == 400, after
        assert "after" in response.json()["errors"]


def test_the_csv_with_lines_holds_the_shown_documents_lines(world):
    client = signed_in(world.users["client"])
    response = client.get("/api/v1/cases.csv", {"expand": "lines"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["case_case_id", "case_purchaser"]
    assert "review_status" not in rows[0]
    unit_cost = rows[0].index("unit_cost")
    assert [(row[0], row[rows[0].index("line_number")], row[unit_cost]) for row in rows[1:]] == [
        (world.offered.case_id, "001", "1000.00"),
        (world.offered.case_id, "002", "1000.00"),
    ]
    plain = list(csv.reader(io.StringIO(b"".join(client.get("/api/v1/cases.csv").streaming_content).decode())))
    assert [row[0] for row in plain[1:]] == [world.offered.case_id]
    assert "total_value" not in plain[0]


def test_a_purchasers_answers_hold_every_field_the_schema_requires(world):
    client = signed_in(world.users["client"])
    components = yaml.safe_load(client.get(reverse("schema")).content)["components"]["schemas"]

    def required(name: str) -> set[str]:
        return set(components[name]["required"])

    case = client.get(f"/api/v1/cases/{world.offered.case_id}/").json()
    assert required("CaseWithLines") <= set(case)
    assert all(required("LineItem") <= set(line) for line in case["lines"])
    events = client.get(f"/api/v1/cases/{world.offered.case_id}/events/").json()["results"]
    assert all(required("ApprovalEvent") <= set(event) for event in events)
    id_types = {choice["type"] for choice in components["ApprovalEvent"]["properties"]["id"]["oneOf"]}
    assert id_types == {"integer", "string"}

"""Cases over the API: documents, lists, filters, writes through the services."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fms.accounts.roles import CASE_OFFICER, REVIEWER
from fms.cases.models import Case
from fms.ledger.models import ApprovalEvent
from tests.conftest import bearer
from tests.factories import UserFactory, line_data, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_for_the_module):
    """Every test here but one reads the demo: loaded once for the module (tests/conftest.py)."""


CASE_FIELDS = {
    "case_id", "purchaser", "implementing_agency", "title", "description", "notes", "status", "lor_date",
    "lor_received_on", "offer_expires_on", "notification", "notification_id", "total_value", "mde_value",
    "design_construction_value", "notification_required", "effective_document", "estimated_total", "created_by",
    "created_at", "updated_at", "version",
}  # fmt: skip


def test_the_japan_case_to_the_cent(api):
    response = api("auditor").get("/api/v1/cases/JA-P-SAA/")  # the staff view (a purchaser's: tests/accounts)
    assert response.status_code == 200
    case = response.json()
    assert set(case) == CASE_FIELDS | {"lines"}
    # In force: A01, DSCA's 4 missiles, whose total estimated cost is the notified value to the cent.
    assert (case["effective_document"], case["estimated_total"]) == ("A01", "133300000.00")
    assert case["total_value"] == "126300000.00"  # the working lines, before surcharge and accessorials
    assert case["mde_value"] == "96000000.00"
    assert case["notification_required"] is True
    assert (case["purchaser"], case["implementing_agency"], case["status"]) == ("JA", "P", "implemented")
    assert case["notification"] is None  # transmittal number not found
    assert isinstance(case["notification_id"], int)
    assert [line["line_number"] for line in case["lines"]] == ["001", "002", "003"]
    assert (case["lines"][0]["quantity"], case["lines"][0]["unit_cost"]) == (4, "24000000.00")
    assert response["ETag"] == f'"{case["version"]}"'
    assert response["X-Request-ID"]


def test_list_is_paged_with_cursors_and_expands_lines(api):
    client = api("auditor")
    first = client.get("/api/v1/cases/?page_size=2&expand=lines").json()
    assert len(first["results"]) == 2
    assert all("lines" in case for case in first["results"])
    assert first["previous"] is None
    second = client.get(first["next_url"]).json()
    third = client.get("/api/v1/cases/", {"page_size": 2, "expand": "lines", "cursor": second["next"]}).json()
    seen = [c["case_id"] for page in (first, second, third) for c in page["results"]]
    assert sorted(seen) == sorted(Case.objects.values_list("case_id", flat=True))
    assert third["next"] is None
    assert third["next_url"] is None
    back = client.get(third["previous_url"]).json()
    assert [c["case_id"] for c in back["results"]] == [c["case_id"] for c in second["results"]]
    assert "lines" not in client.get("/api/v1/cases/").json()["results"][0]


@pytest.mark.parametrize("size", ["0", "501", "100000"])
def test_a_page_size_outside_1_to_500_is_refused(api, size):
    bad = api("auditor").get(f"/api/v1/cases/?page_size={size}")
    assert bad.status_code == 400
    assert bad.json()["type"] == "/api/problems/#validation-error"
    assert "page_size" in bad.json()["errors"]


@pytest.mark.parametrize("size", ["1", "500"])
def test_page_sizes_1_and_500_are_taken(api, size):
    assert api("auditor").get(f"/api/v1/cases/?page_size={size}").status_code == 200


def test_a_malformed_page_size_is_refused_for_csv_too(api):
    # Found by schemathesis: CSV ignored page_size, so ?page_size=null&format=csv was a 200.
    response = api("auditor").get("/api/v1/cases/?page_size=null&format=csv")
    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]


def test_a_method_a_route_does_not_have_is_405_whatever_the_format(api):
    # Found by schemathesis: TRACE .../lines/?format=csv was a 400 about the format.
    response = api("auditor").generic("TRACE", "/api/v1/cases/JA-P-SAA/lines/?format=csv")
    assert response.status_code == 405
    assert {"GET", "POST"} <= set(response["Allow"].replace(" ", "").split(","))


def test_an_unknown_filter_value_with_a_percent_sign_is_a_400_naming_the_field(api):
    # Found by schemathesis: the value was %-formatted into the message, a 500.
    response = api("auditor").get("/api/v1/cases/?status=%25d%25s")
    assert response.status_code == 400
    assert "%d%s" in response.json()["errors"]["status"][0]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=development", {"GY-P-ABC"}),
        ("status=review,offered", {"KS-D-QAB", "AT-B-ZAC"}),
        ("purchaser=ja", {"JA-P-SAA", "JA-B-SAB"}),
        ("implementing_agency=B", {"AT-B-ZAC", "SR-B-YAD", "JA-B-SAB"}),
        ("notification_required=true", {"JA-P-SAA"}),
        ("q=patriot", {"SR-B-YAD", "JA-B-SAB"}),
        ("q=sm-3 canisters", {"JA-P-SAA"}),
        (
            "updated_since=2000-01-01T00:00:00%2B23:00",
            {"JA-P-SAA", "JA-B-SAB", "GY-P-ABC", "KS-D-QAB", "AT-B-ZAC", "SR-B-YAD"},
        ),
        ("updated_since=2999-01-01T00:00:00Z", set()),
    ],
)
def test_filters(api, query, expected):
    response = api("auditor").get(f"/api/v1/cases/?{query}")
    assert response.status_code == 200, response.json()
    assert {c["case_id"] for c in response.json()["results"]} == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=approved", "status"),
        ("updated_since=yesterday", "updated_since"),
        ("ordering=title", "ordering"),
        ("cursor=garbage", "cursor"),
        ("expand=events", "expand"),
        ("notification_required=maybe", "notification_required"),
    ],
)
def test_bad_query_parameters_are_400_naming_the_parameter(api, query, field):
    response = api("auditor").get(f"/api/v1/cases/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]


def test_a_key_beyond_the_column_range_is_a_404(api):
    assert api("client_ja").get("/api/v1/notifications/999999999999999999999999999999/").status_code == 404


def test_updated_since_with_any_offset_is_normalised_to_utc(api):
    case = Case.objects.get(case_id="JA-P-SAA")
    at = case.updated_at.astimezone(dt.timezone(dt.timedelta(hours=-11)))
    just_after = (at + dt.timedelta(microseconds=1)).isoformat().replace("+", "%2B")
    results = api("auditor").get(f"/api/v1/cases/?updated_since={just_after}").json()["results"]
    assert "JA-P-SAA" not in {c["case_id"] for c in results}


def test_list_queries_do_not_grow_with_the_page(api, officer):
    client = api("client_ja")
    for _ in range(60):
        make_case(officer, purchaser="JA", lines=2)
    client.get("/api/v1/cases/")  # the token's first use is recorded once
    counts = []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/cases/?expand=lines&page_size={size}").status_code == 200
        counts.append([q["sql"][:60] for q in queries.captured_queries])
    assert len(counts[0]) == len(counts[1]) == 2, counts  # the token, the page


def test_create_update_and_walk_a_case(api):
    officer, reviewer = api("officer"), api("reviewer")
    created = officer.post(
        "/api/v1/cases/", {"case_id": "ks-b-ccc", "title": "Counter-battery radar", "lor_received_on": "2026-10-01"}
    )
    assert created.status_code == 201, created.json()
    assert created["Location"] == "/api/v1/cases/KS-B-CCC/"
    assert (created.json()["purchaser"], created.json()["status"]) == ("KS", "development")

    line = officer.post(
        "/api/v1/cases/KS-B-CCC/lines/",
        {"category": "other", "description": "Radar", "quantity": 2, "unit_cost": "1250000.50"},
    )
    assert line.status_code == 201, line.json()
    assert line.json()["total_cost"] == "2500001.00"
    etag = line["ETag"]
    submitted = officer.post("/api/v1/cases/KS-B-CCC/lines/001/submit/", {}, HTTP_IF_MATCH=etag)
    assert submitted.status_code == 200, submitted.json()
    approved = reviewer.post(
        "/api/v1/cases/KS-B-CCC/lines/001/approve/", {"comment": "OK"}, HTTP_IF_MATCH=submitted["ETag"]
    )
    assert approved.json()["review_status"] == "approved"

    case = officer.get("/api/v1/cases/KS-B-CCC/")
    moved = officer.post("/api/v1/cases/KS-B-CCC/transition/", {"action": "start_write"}, HTTP_IF_MATCH=case["ETag"])
    assert moved.status_code == 200, moved.json()
    assert moved.json()["status"] == "write"
    patched = officer.patch("/api/v1/cases/KS-B-CCC/", {"notes": "Updated"}, HTTP_IF_MATCH=moved["ETag"])
    assert patched.status_code == 200
    assert patched.json()["notes"] == "Updated"
    actions = list(ApprovalEvent.objects.filter(case__case_id="KS-B-CCC").values_list("action", flat=True))
    assert actions == ["create", "add", "submit", "approve", "start_write"]


def test_refusals_come_back_as_problems_naming_the_rule(api):
    officer = api("officer")
    case = officer.get("/api/v1/cases/GY-P-ABC/")  # in development, its LOR received date not known
    refused = officer.post("/api/v1/cases/GY-P-ABC/transition/", {"action": "start_write"}, HTTP_IF_MATCH=case["ETag"])
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"].endswith("transition-not-allowed")
    assert "the date the Letter of Request was received is not set" in problem["detail"]
    assert list(problem["errors"]) == ["lor_received_on"]  # a client's code reads the field from `errors`
    assert problem["request_id"] == refused["X-Request-ID"]


def test_the_author_cannot_approve_over_the_api_even_holding_the_approve_permission(db):
    # Separation of duties, not a missing permission: this author is also a reviewer.
    both = UserFactory(username="both", roles=[CASE_OFFICER, REVIEWER])
    UserFactory(username="checker", roles=[REVIEWER])
    assert both.has_perm("cases.approve_lineitem")
    case = make_case(both, lines=1)
    author, checker = bearer("both"), bearer("checker")
    url = f"/api/v1/cases/{case.case_id}/lines/001/"
    submitted = author.post(f"{url}submit/", {}, HTTP_IF_MATCH=author.get(url)["ETag"])
    refused = author.post(f"{url}approve/", {}, HTTP_IF_MATCH=submitted["ETag"])
    assert refused.status_code == 403
    assert refused.json()["type"] == "/api/problems/#separation-of-duties"
    assert "you added or changed it since its last decision" in refused.json()["detail"]
    assert author.get(url).json()["review_status"] == "submitted"
    # The positive control: another reviewer's approval of the same line, same request, goes through.
    approved = checker.post(f"{url}approve/", {}, HTTP_IF_MATCH=submitted["ETag"])
    assert approved.status_code == 200
    assert approved.json()["review_status"] == "approved"


def test_removing_a_line(api, officer):
    client = api("officer")
    case = make_case(officer, lines=2)
    line = client.get(f"/api/v1/cases/{case.case_id}/lines/002/")
    assert client.delete(f"/api/v1/cases/{case.case_id}/lines/002/", HTTP_IF_MATCH=line["ETag"]).status_code == 204
    assert client.get(f"/api/v1/cases/{case.case_id}/lines/002/").status_code == 404
    assert [x["line_number"] for x in client.get(f"/api/v1/cases/{case.case_id}/lines/").json()["results"]] == ["001"]


def test_csv_streams_the_filtered_list(api, officer):
    response = api("auditor").get("/api/v1/cases/?format=csv&purchaser=JA&q=sm-3&expand=lines")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert rows[0].startswith('"case_case_id","case_purchaser"')
    assert len(rows) == 1 + 3
    assert all(row.startswith('"JA-P-SAA","JA"') for row in rows[1:])


@pytest.mark.parametrize(
    ("title", "cell"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(1)", "'@SUM(1)"),
        ("Radar;=cmd|' /C calc'!A0", "Radar;'=cmd|' /C calc'!A0"),
        ("Radar\t=1+1", "Radar\t'=1+1"),
        ("Radar;;+1", "Radar;;'+1"),
        ("Radar - spares", "Radar - spares"),
    ],
)
def test_csv_quotes_every_field_and_neutralises_formula_starts_after_separators(api, officer, title, cell):
    case = make_case(officer, title=title)
    text = b"".join(api("auditor").get(f"/api/v1/cases/?format=csv&q={case.case_id}").streaming_content).decode()
    header, row = text.splitlines()[:2]
    assert all(field.startswith('"') and field.endswith('"') for field in header.split(","))
    assert row.startswith(f'"{case.case_id}",')
    assert list(csv.reader(io.StringIO(text)))[1][3] == cell


def test_csv_neutralises_formulas(api, officer):
    case = make_case(officer, title="=HYPERLINK(1)")
    text = b"".join(api("auditor").get(f"/api/v1/cases/?format=csv&q={case.case_id}").streaming_content).decode()
    assert "'=HYPERLINK(1)" in text


def test_line_added_through_the_api_has_the_same_content_rules(api, officer):
    case = make_case(officer)
    response = api("officer").post(
        f"/api/v1/cases/{case.case_id}/lines/", {**line_data(unit_cost="1.00"), "quantity": 0}
    )
    assert response.status_code == 400
    assert "quantity" in response.json()["errors"]

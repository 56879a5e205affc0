"""No 500 for crafted input (issue 10 part 7): every number a request carries is read with ASCII
digits only, money refuses other scripts' digits, cursors are signed, free text is capped, and
each refusal is a 400 problem naming the field that changes nothing."""

import base64
import json

import pytest
from django.urls import reverse

from fms.accounts.models import User
from fms.cases.models import Case, LineItem
from fms.core.numbers import ascii_int
from fms.ledger.models import ApprovalEvent
from fms.notifications.models import CongressionalNotification

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_cases_for_the_module):
    """These tests write JA-P-SAA's header and lines: on the cases-only demo it is still in development.
    Loaded once for the module (tests/conftest.py)."""


VALIDATION = "/api/problems/#validation-error"
NOT_FOUND = "/api/problems/#not-found"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", 0),
        ("42", 42),
        ("123456789012345678", 123456789012345678),
        ("²", None),  # isdigit() is True, int() raises
        ("١٢٣", None),  # Arabic-Indic: isdecimal() is True, int() reads 123
        ("１２", None),  # fullwidth
        ("1²", None),
        (" 1", None),
        ("1 ", None),
        ("+1", None),
        ("-1", None),
        ("1_000", None),  # int() accepts underscores
        ("1.0", None),
        ("", None),
        ("1234567890123456789", None),  # beyond a PostgreSQL bigint's reach
        (None, None),
        (12, None),
    ],
)
def test_ascii_int_reads_ascii_digits_only(raw, expected):
    assert ascii_int(raw) == expected


def _hand_made_cursor(payload) -> str:
    """What a client could build after decoding one of our cursors: base64 JSON, unsigned."""
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def snapshot() -> tuple:
    return (
        list(Case.objects.order_by("pk").values_list("version", "status", "title", "description", "notes")),
        list(LineItem.objects.order_by("pk").values_list("version", "review_status", "description", "unit_cost")),
        ApprovalEvent.objects.count(),
        CongressionalNotification.objects.count(),
    )


# (url, the field the 400 must name)
CRAFTED_READS = [
    ("/api/v1/cases/?page_size=%C2%B2", "page_size"),
    ("/api/v1/cases/?page_size=%D9%A1", "page_size"),  # "١": int() would read 1
    ("/api/v1/cases/?page_size=1_0", "page_size"),
    ("/api/v1/cases/?page_size=0", "page_size"),
    ("/api/v1/cases/?page_size=501", "page_size"),
    ("/api/v1/cases/?page_size=99999999999999999999999", "page_size"),
    ("/api/v1/cases/JA-P-SAA/lines/?page_size=%C2%B2", "page_size"),
    ("/api/v1/cases.csv?page_size=x", None),  # the CSV operation takes no page_size: ignored, not a 500
    ("/api/v1/events/?page_size=%C2%B2", "page_size"),
    ("/api/v1/notifications/?page_size=%C2%B2", "page_size"),
    ("/api/v1/purchasers/?page_size=%C2%B2", "page_size"),
    ("/api/v1/events/?after=%C2%B2", "after"),
    ("/api/v1/events/?after=%C2%B2.%C2%B2", "after"),
    ("/api/v1/events/?after=1.%D9%A1", "after"),
    ("/api/v1/events/?after=1", "after"),
    ("/api/v1/events/?after=1.", "after"),
    ("/api/v1/events/?after=99999999999999999999.1", "after"),
    ("/api/v1/events/?after=123456.1", "after"),  # well formed, but no event there
    ("/api/v1/cases/?cursor=garbage", "cursor"),
    ("/api/v1/cases/?cursor=%00", "cursor"),
]


@pytest.mark.parametrize(("url", "field"), CRAFTED_READS)
def test_crafted_reads_are_400_naming_the_parameter(api, url, field):
    response = api("auditor").get(url)
    if field is None:
        assert response.status_code == 200
        return
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == VALIDATION
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    "payload",
    [
        ["n", "-updated_at", "not a date", 1],
        ["n", "-updated_at", "2026-11-30T10:00:00+00:00\x00", 1],
        ["n", "-updated_at", "2026-11-30T10:00:00+00:00", "1; DROP TABLE x"],
        ["n", "-updated_at", "2026-11-30T10:00:00+00:00", 99999999999999999999999],
        ["n", "-updated_at", {"a": 1}, [1]],
        ["n", "case_id", "\x00"],
        ["x", "-updated_at", "2026-11-30T10:00:00+00:00", 1],
    ],
)
def test_a_hand_made_cursor_is_400(api, payload):
    for cursor in (_hand_made_cursor(payload), _hand_made_cursor(payload) + ".AAAAAAAAAAAAAAAAAAAAAA"):
        response = api("auditor").get("/api/v1/cases/", {"cursor": cursor})
        assert response.status_code == 400
        assert response.json()["type"] == VALIDATION
        assert "cursor" in response.json()["errors"]


def test_a_real_cursor_with_one_character_changed_is_400(api):
    cursor = api("auditor").get("/api/v1/cases/?page_size=1").json()["next"]
    body, _, signature = cursor.partition(".")
    tampered = body[:-1] + ("A" if body[-1] != "A" else "B") + "." + signature
    response = api("auditor").get("/api/v1/cases/", {"page_size": 1, "cursor": tampered})
    assert response.status_code == 400
    assert response.json()["errors"]["cursor"]
    assert api("auditor").get("/api/v1/cases/", {"page_size": 1, "cursor": cursor}).status_code == 200


@pytest.mark.parametrize("pk", ["%C2%B2", "%D9%A1", "1_0", "99999999999999999999999"])
def test_a_crafted_notification_id_is_404_not_500(api, pk):
    response = api("auditor").get(f"/api/v1/notifications/{pk}/")
    assert response.status_code == 404
    assert response.json()["type"] == NOT_FOUND


MONEY = ["١٢٣.٠٠", "１２３.００", "²", "1_000.00", "12.345", "-1.00", "1e3", " NaN", "Infinity"]


@pytest.mark.parametrize("amount", MONEY)
def test_money_in_other_scripts_or_shapes_is_400(api, amount):
    before = snapshot()
    response = api("officer").post(
        "/api/v1/cases/JA-P-SAA/lines/",
        {"category": "other", "description": "Spares", "quantity": 1, "unit_cost": amount},
    )
    assert response.status_code == 400
    assert response.json()["type"] == VALIDATION
    assert "unit_cost" in response.json()["errors"]
    assert snapshot() == before


# (field, limit, where it is sent)
TEXT = [
    ("title", 200, "case"),
    ("description", 10_000, "case"),
    ("notes", 20_000, "case"),
    ("description", 10_000, "line"),
    ("comment", 10_000, "transition"),
]


def _send_text(client, field: str, value: str, where: str):
    case = Case.objects.get(case_id="JA-P-SAA")
    if where == "case":
        return client.patch(f"/api/v1/cases/{case.case_id}/", {field: value}, HTTP_IF_MATCH=f'"{case.version}"')
    if where == "line":
        line = case.lines.get(line_number="001")
        return client.patch(
            f"/api/v1/cases/{case.case_id}/lines/001/", {field: value}, HTTP_IF_MATCH=f'"{line.version}"'
        )
    return client.post(
        f"/api/v1/cases/{case.case_id}/transition/",
        {"action": "cancel", field: value},
        HTTP_IF_MATCH=f'"{case.version}"',
    )


@pytest.mark.parametrize(("field", "limit", "where"), TEXT)
def test_free_text_beyond_its_limit_is_400_and_changes_nothing(api, field, limit, where):
    before = snapshot()
    response = _send_text(api("officer"), field, "x" * (limit + 1), where)
    assert response.status_code == 400
    assert response.json()["type"] == VALIDATION
    assert field in response.json()["errors"]
    assert snapshot() == before


@pytest.mark.parametrize(("field", "limit", "where"), [t for t in TEXT if t[2] != "transition"])
def test_free_text_at_its_limit_is_taken(api, field, limit, where):
    assert _send_text(api("officer"), field, "y" * limit, where).status_code == 200


@pytest.mark.parametrize(("field", "limit"), [("description", 10_000), ("notes", 20_000)])
def test_the_services_refuse_text_beyond_its_limit_for_every_caller(demo, field, limit):
    from fms.cases import services
    from fms.core.errors import ValidationFailed

    case = Case.objects.get(case_id="JA-P-SAA")
    with pytest.raises(ValidationFailed, match=f"At most {limit:,} characters") as refused:
        services.case_update(actor=User.objects.get(username="officer"), case=case, **{field: "z" * (limit + 1)})
    assert field in refused.value.errors


def test_a_form_version_in_other_digits_is_ignored_not_a_500(client, demo):
    """The web edit form's hidden `version` (issue 10: "²" was a 500)."""
    client.force_login(User.objects.get(username="officer"))
    response = client.post(reverse("case-edit", args=["JA-P-SAA"]), {"title": "Changed", "version": "²"})
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("username", ["reviewer", "auditor"])
def test_the_admin_line_page_renders_read_only_for_a_reviewer_or_auditor(client, demo, username):
    client.force_login(User.objects.get(username=username))
    line = LineItem.objects.filter(case__case_id="JA-P-SAA").first()
    response = client.get(reverse("admin:cases_lineitem_change", args=[line.pk]))
    assert response.status_code == 200
    assert line.description in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/api/v1/cases/", "/api/v1/cases/JA-P-SAA/", "/api/v1/cases.csv", "/api/v1/nowhere/", "/api/schema/"]
)
def test_api_responses_are_not_stored(api, url):
    assert api("auditor").get(url)["Cache-Control"] == "no-store"


@pytest.mark.parametrize("name", ["dashboard", "case-list", "case-detail", "line-detail", "case-print"])
def test_pages_with_case_data_are_not_stored(client, demo, name):
    client.force_login(User.objects.get(username="auditor"))
    args = {"case-detail": ["JA-P-SAA"], "case-print": ["JA-P-SAA"], "line-detail": ["JA-P-SAA", "001"]}
    response = client.get(reverse(name, args=args.get(name, [])))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/%00/",
        "/api/v1/cases/%00/events/",
        "/api/v1/cases/%00/lines/",
        "/api/v1/cases/JA-P-SAA/lines/%00/",
        "/api/v1/cases/JA-P-SAA/lines/%00/submit/",
        "/api/v1/notifications/%00/",
    ],
)
def test_a_nul_in_an_api_path_is_a_problem_404(api, url):
    response = api("officer").get(url)
    assert response.status_code == 404
    assert response.json()["type"] == NOT_FOUND


@pytest.mark.parametrize("url", ["/cases/%00/", "/cases/JA-P-SAA/lines/%00/", "/cases/JA-P-SAA/lines/%00/edit/"])
def test_a_nul_in_a_page_path_is_404(client, demo, url):
    client.force_login(User.objects.get(username="officer"))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "query", ["q=%00", "status=%00", "purchaser=%00", "updated_since=%00", "ordering=%00", "expand=%00"]
)
def test_a_nul_in_a_query_parameter_is_400(api, query):
    response = api("auditor").get(f"/api/v1/cases/?{query}")
    assert response.status_code == 400
    assert response.json()["type"] == VALIDATION
    assert query.split("=")[0] in response.json()["errors"]


def test_a_nul_in_a_json_string_is_400(api):
    before = snapshot()
    response = api("officer").post("/api/v1/cases/", {"case_id": "KS-B-NUL", "title": "a\u0000b"})
    assert response.status_code == 400
    assert "title" in response.json()["errors"]
    assert snapshot() == before

"""The web pages, for each role, on the demo: what they show, what they hide, and what their forms do.

The pages of a case still in development and the review queue's order: test_views_in_development."""

import re

import pytest
from django.urls import reverse

from fms.accounts.models import User
from fms.cases import services
from fms.cases.choices import CaseStatus, LineStatus
from fms.cases.models import Case, LineItem
from fms.ledger.models import ApprovalEvent
from tests.cases.pages import as_user, page
from tests.factories import UserFactory, lines_of, make_case, walk_to
from tests.query_counts import queries_of

pytestmark = pytest.mark.django_db

ROLES = ["officer", "reviewer", "auditor", "client_ja", "admin"]


@pytest.fixture
def demo(demo_for_the_module):
    """The tests here read and write the whole demo: loaded once for the module (tests/conftest.py)."""


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("dashboard", []),
        ("inbox", []),
        ("case-list", []),
        ("case-detail", ["JA-P-SAA"]),
        ("case-print", ["JA-P-SAA"]),
        ("line-detail", ["JA-P-SAA", "001"]),
    ],
)
def test_every_page_renders_for_every_role(client, demo, role, name, args):
    if role == "client_ja" and args:  # a purchaser sees a case once offered, never its working lines (DESIGN §8)
        args = [offered_japanese_case().case_id, *args[1:]]
    response = page(as_user(client, role), name, *args)
    if role == "client_ja" and name == "line-detail":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    html = response.content.decode()
    # A strict CSP blocks inline code: the pages have none.
    assert "<style" not in html
    assert ' style="' not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize(("name", "args"), [("dashboard", []), ("case-detail", ["JA-P-SAA"]), ("review-queue", [])])
def test_anonymous_users_are_sent_to_sign_in(client, demo, name, args):
    response = page(client, name, *args)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("case-detail", ["KS-D-QAB"]),
        ("case-print", ["KS-D-QAB"]),
        ("line-detail", ["KS-D-QAB", "001"]),
        ("case-edit", ["KS-D-QAB"]),
        ("line-create", ["KS-D-QAB"]),
    ],
)
def test_a_client_gets_404_for_another_purchasers_case(client, demo, name, args):
    response = page(as_user(client, "client_ja"), name, *args)
    assert response.status_code == 404
    assert b"F-15K" not in response.content


def offered_japanese_case():
    staff = {name: User.objects.get(username=name) for name in ("officer", "reviewer")}
    return walk_to(CaseStatus.OFFERED, **staff)


def test_a_client_sees_only_its_purchaser_and_no_buttons(client, demo):
    offered = offered_japanese_case()
    client = as_user(client, "client_ja")
    listing = page(client, "case-list").content.decode()
    assert offered.case_id in listing
    assert "KS-D-QAB" not in listing
    assert "New case" not in listing
    detail = page(client, "case-detail", offered.case_id).content.decode()
    assert "Next steps" not in detail
    assert 'name="action"' not in detail
    assert "Field history" not in detail
    assert "Download CSV" in listing
    dashboard = page(client, "dashboard").content.decode()
    # A purchaser's own dashboard: its cases by status; no chart by purchaser, no internal backlog.
    assert "Your cases by status" in dashboard
    for internal in ("Cases by purchaser", "Review backlog", "lines waiting for review", "KS-D-QAB"):
        assert internal not in dashboard
    assert page(client, "review-queue").status_code == 404


def test_the_review_queue_never_shows_ones_own_lines(client, demo):
    # A reviewer who also prepares cases: their own lines go to someone else.
    both = UserFactory(username="both", roles=["case_officer", "reviewer"])
    line = lines_of(make_case(both, lines=1))[0]
    services.line_item_update(actor=both, line=line, description="Prepared by both")
    services.line_item_submit(actor=both, line=LineItem.objects.get(pk=line.pk))
    assert "Prepared by both" not in page(as_user(client, "both"), "review-queue").content.decode()
    assert "Prepared by both" in page(as_user(client, "reviewer2"), "review-queue").content.decode()


def decide(client, line: LineItem, action: str, comment: str = "", version: int | None = None, next_url=None):
    data = {"action": action, "comment": comment, "version": version or line.version}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("line-step", args=[line.case.case_id, line.line_number]), data, follow=True)


def test_deciding_from_the_queue(client, demo):
    line = Case.objects.get(case_id="KS-D-QAB").lines.get(line_number="001")
    reviewer = as_user(client, "reviewer")
    response = decide(reviewer, line, "approve", next_url=reverse("review-queue"))
    assert response.redirect_chain[-1][0] == reverse("review-queue")
    assert "KS-D-QAB line 001 approved." in response.content.decode()
    line.refresh_from_db()
    assert line.review_status == LineStatus.APPROVED


def test_return_without_a_comment_is_refused_with_a_message(client, demo):
    line = Case.objects.get(case_id="KS-D-QAB").lines.get(line_number="002")
    response = decide(as_user(client, "reviewer"), line, "return", comment="")
    assert "a comment is required" in response.content.decode()
    line.refresh_from_db()
    assert line.review_status == LineStatus.SUBMITTED


def test_a_decision_on_a_line_that_changed_since_the_page_was_loaded_is_refused(client, demo):
    officer = User.objects.get(username="officer")
    line = services.line_item_submit(actor=officer, line=lines_of(make_case(officer, lines=1))[0])
    loaded_version = line.version
    # Meanwhile another reviewer returns it and the officer edits and resubmits it.
    line = services.line_item_return(actor=User.objects.get(username="reviewer2"), line=line, comment="Check")
    line = services.line_item_update(actor=officer, line=line, quantity=3)
    services.line_item_submit(actor=officer, line=line)
    before = ApprovalEvent.objects.count()
    response = decide(as_user(client, "reviewer"), line, "approve", comment="Looks right", version=loaded_version)
    assert response.status_code == 409
    body = response.content.decode()
    assert "changed since you opened this page (officer submitted line 001" in body
    assert ">Looks right</textarea>" in body  # what the reviewer typed is kept
    current = LineItem.objects.get(pk=line.pk).version
    assert f'name="version" value="{current}"' in body  # the form now carries the current version
    assert ApprovalEvent.objects.count() == before
    assert LineItem.objects.get(pk=line.pk).review_status == LineStatus.SUBMITTED


def test_an_officer_opens_a_case_and_adds_lines_through_the_forms(client, demo):
    officer = as_user(client, "officer")
    response = officer.post(
        reverse("case-create"),
        {"case_id": "ks-b-web", "title": "Radar", "lor_received_on": "2026-11-01"},
        follow=True,
    )
    assert "Case KS-B-WEB opened in Development" in response.content.decode()
    response = officer.post(
        reverse("line-create", args=["KS-B-WEB"]),
        {"category": "other", "description": "Radar set", "quantity": "2", "unit_of_issue": "EA", "unit_cost": "10.10"},
        follow=True,
    )
    assert "Line 001 added" in response.content.decode()
    case = Case.objects.get(case_id="KS-B-WEB")
    assert str(case.total_value) == "20.20"
    refused = officer.post(
        reverse("line-create", args=["KS-B-WEB"]),
        {"category": "other", "description": "x", "quantity": "0", "unit_of_issue": "EA", "unit_cost": "1.00"},
    )
    assert refused.status_code == 200
    assert "Ensure this value is greater than or equal to 1" in refused.content.decode()
    assert case.lines.count() == 1


def test_a_case_step_from_the_page(client, demo):
    officer = as_user(client, "officer")
    case = make_case(User.objects.get(username="officer"), lines=1)
    response = officer.post(
        reverse("case-step", args=[case.case_id]), {"action": "start_write", "version": case.version}, follow=True
    )
    assert f"{case.case_id} moved to Write." in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.WRITE
    refused = officer.post(
        reverse("case-step", args=[case.case_id]), {"action": "close", "version": case.version}, follow=True
    )
    assert refused.status_code == 409
    assert "A case in Write cannot close the case" in refused.content.decode()


def test_print_page_is_a_document_with_the_trail(client, demo):
    body = page(as_user(client, "officer"), "case-print", "JA-P-SAA").content.decode()
    for text in ["Letter of Offer and Acceptance", "$133,300,000.00", "9 January 2018", "Approval trail", "print.css"]:
        assert text in body
    assert "<style" not in body
    assert "<script>" not in body


def test_the_case_list_uses_the_api_filters_and_says_when_one_is_wrong(client, demo):
    client = as_user(client, "auditor")
    listing = page(client, "case-list", status="review,offered").content.decode()
    assert "KS-D-QAB" in listing
    assert "AT-B-ZAC" in listing
    assert "JA-P-SAA" not in listing
    assert "JA-P-SAA" in page(client, "case-list", q="sm-3 canisters").content.decode()
    refused = page(client, "case-list", status="approved").content.decode()
    assert "Filter not applied: Status: Unknown value(s) approved" in refused


# The main pages and a browser's API read, in a session that passed its second factor: (status, statements).
MAIN_PAGES = [
    "/",
    "/inbox/",
    "/review/",
    "/cases/",
    "/cases/JA-P-SAA/",
    "/cases/JA-P-SAA/print/",
    "/cases/JA-P-SAA/lines/001/",
    "/notifications/",
    "/cases/JA-P-SAA/documents/A01/",
    "/cases/JA-P-SAA/statement/",
    "/api/v1/cases/JA-P-SAA/",
]
EXPECTED_PAGES = {
    "reviewer": {
        "/": (200, 18),
        "/inbox/": (200, 12),
        "/review/": (200, 10),
        "/cases/": (200, 12),
        "/cases/JA-P-SAA/": (200, 40),
        "/cases/JA-P-SAA/print/": (200, 9),
        "/cases/JA-P-SAA/lines/001/": (200, 12),
        "/notifications/": (200, 11),
        "/cases/JA-P-SAA/documents/A01/": (200, 16),
        "/cases/JA-P-SAA/statement/": (200, 13),
        # session, user, its TOTP device, its permissions (own and groups'), its client role, the document
        "/api/v1/cases/JA-P-SAA/": (200, 7),
    },
    "client_ja": {
        "/": (200, 10),
        "/inbox/": (200, 7),
        "/review/": (404, 5),
        "/cases/": (200, 9),
        "/cases/JA-P-SAA/": (200, 35),
        "/cases/JA-P-SAA/print/": (200, 7),
        "/cases/JA-P-SAA/lines/001/": (404, 4),
        "/notifications/": (404, 3),
        "/cases/JA-P-SAA/documents/A01/": (200, 13),
        "/cases/JA-P-SAA/statement/": (200, 10),
        "/api/v1/cases/JA-P-SAA/": (200, 4),
    },
}


@pytest.mark.parametrize("username", ["reviewer", "client_ja"])
def test_each_main_page_costs_the_statements_written_here(client, demo, username):
    as_user(client, username).get("/")  # the session's first page (its MFA check is then remembered)
    counts = {url: queries_of(client, "get", url) for url in MAIN_PAGES}
    assert counts == EXPECTED_PAGES[username]

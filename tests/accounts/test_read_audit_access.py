"""Who reads the read audit (DESIGN §5, §8): auditors all of it, a client_admin its purchaser's part,
nobody else; in the API (pages, filters, CSV) and on its page."""

import datetime as dt
import uuid

import pytest
from django.contrib.auth.models import Group, Permission
from rest_framework.test import APIClient

from fms.accounts.models import ReadAudit, User
from fms.accounts.roles import CLIENT_ADMIN
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_for_the_module):
    """Every test here reads the demo: loaded once for the module (tests/conftest.py)."""


@pytest.fixture
def admin_ja(demo):
    user = User.objects.create_user("admin_ja_audit", password="violet-tractor-harbour-47", purchaser_id="JA")
    user.groups.add(Group.objects.get_or_create(name=CLIENT_ADMIN)[0])
    return user


@pytest.fixture
def rows(demo):
    reader = User.objects.get(username="officer")
    start = dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC)
    made = []
    for n, (purchaser, via) in enumerate(
        [("JA", "session"), ("KS", "token:fms_abc"), ("JA", "token:fms_def"), (None, "session")]
    ):
        made.append(
            ReadAudit.objects.create(
                entry=uuid.uuid4(), at=start + dt.timedelta(hours=n), user=reader, via=via, purchaser_id=purchaser,
                object=f"api:case-detail:{purchaser or 'list'}-{n}", request_id=f"req-{n}",
            )
        )  # fmt: skip
    return made


def request_ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["request_id"] for row in response.json()["results"]]


def test_an_auditor_reads_all_of_it_newest_first(api, rows):
    assert request_ids(api("auditor").get("/api/v1/read-audit/")) == ["req-3", "req-2", "req-1", "req-0"]


def test_a_client_admin_reads_only_its_purchaser_s_part(admin_ja, rows):
    client = bearer("admin_ja_audit")
    assert request_ids(client.get("/api/v1/read-audit/")) == ["req-2", "req-0"]
    assert request_ids(client.get("/api/v1/read-audit/?purchaser=KS")) == []  # no way out of its scope


def test_the_management_permission_not_the_group_name_makes_a_client_admin(admin_ja, rows):
    """The same rule as purchaser administration (`is_purchaser_admin`): a purchaser's user granted
    the permission directly reads its part; a client_admin group member made staff does not."""
    direct = User.objects.create_user("ja_direct", password="violet-tractor-harbour-47", purchaser_id="JA")
    direct.user_permissions.add(Permission.objects.get(codename="manage_purchaser_users"))
    assert request_ids(bearer("ja_direct").get("/api/v1/read-audit/")) == ["req-2", "req-0"]
    User.objects.filter(pk=admin_ja.pk).update(is_staff=True)
    response = bearer("admin_ja_audit").get("/api/v1/read-audit/")
    assert response.status_code == 403
    assert response.json()["type"].endswith("#permission-denied")


@pytest.mark.parametrize("username", ["client_ja", "officer", "reviewer"])
def test_anyone_else_is_refused(api, rows, username):
    response = api(username).get("/api/v1/read-audit/")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")


def test_filters_narrow_and_bad_ones_are_400_naming_the_parameter(api, rows):
    auditor = api("auditor")
    assert request_ids(auditor.get("/api/v1/read-audit/?purchaser=ja")) == ["req-2", "req-0"]
    assert request_ids(auditor.get("/api/v1/read-audit/?via=token")) == ["req-2", "req-1"]
    assert request_ids(auditor.get("/api/v1/read-audit/?since=2026-11-03T10:30:00Z&until=2026-11-03")) == [
        "req-3",
        "req-2",
    ]
    assert request_ids(auditor.get("/api/v1/read-audit/?user=officer&object=api:case-detail:KS")) == ["req-1"]
    for name, value in (("since", "yesterday"), ("purchaser", "JAP"), ("until", "2026-13-01"), ("format", "xml")):
        response = auditor.get(f"/api/v1/read-audit/?{name}={value}")
        assert response.status_code == 400
        assert name in response.json()["errors"]


def test_pages_follow_the_cursor(api, rows):
    auditor = api("auditor")
    first = auditor.get("/api/v1/read-audit/?page_size=3").json()
    second = auditor.get(f"/api/v1/read-audit/?page_size=3&cursor={first['next']}").json()
    assert [r["request_id"] for r in first["results"] + second["results"]] == ["req-3", "req-2", "req-1", "req-0"]
    assert second["next"] is None


@pytest.mark.parametrize("path", ["/api/v1/read-audit.csv?purchaser=KS", "/api/v1/read-audit/?format=csv&purchaser=KS"])
def test_the_csv_has_what_the_filters_show(api, rows, path):
    response = api("auditor").get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == '"id","at","user","via","purchaser","object","request_id"'
    assert len(lines) == 2
    assert '"officer","token:fms_abc","KS"' in lines[1]


def test_the_page_shows_the_scope_with_filters_and_a_csv_link(client, admin_ja, rows):
    client.force_login(admin_ja)
    page = client.get("/read-audit/?via=session")
    assert page.status_code == 200
    html = page.content.decode()
    assert "req-0" in html
    assert "req-2" not in html  # filtered out (a token read)
    assert "req-1" not in html  # KS: not this administrator's
    assert "/api/v1/read-audit.csv?via=session" in html
    csv = client.get("/api/v1/read-audit.csv?via=session")
    assert "req-0" in b"".join(csv.streaming_content).decode()


def test_the_page_is_not_there_for_others(client, demo):
    client.force_login(User.objects.get(username="client_ja"))
    assert client.get("/read-audit/").status_code == 404


def test_reading_the_audit_adds_no_row_to_it(api, rows):
    from fms.accounts import audit_spool

    api("auditor").get("/api/v1/read-audit/")
    audit_spool.flush()
    assert ReadAudit.objects.count() == len(rows)


def test_without_a_token_or_session_nothing(rows):
    assert APIClient().get("/api/v1/read-audit/").status_code in (401, 403)


@pytest.mark.parametrize(
    ("username", "offered"), [("auditor", True), ("admin_ja_audit", True), ("officer", False), ("client_ja", False)]
)
def test_the_menu_links_the_read_audit_only_for_those_who_read_it(client, admin_ja, username, offered):
    client.force_login(User.objects.get(username=username))
    html = client.get("/").content.decode()
    assert ('href="/read-audit/"' in html) is offered

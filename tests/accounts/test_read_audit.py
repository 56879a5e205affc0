"""The read audit (issue #14 item 3): one row per response carrying purchaser data, with who, how,
whose, what and the request id; nothing for other responses; append-only; pruned only by its command."""

import datetime as dt
import json
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from fms.accounts import audit_spool
from fms.accounts.models import ApiToken, ReadAudit, User
from fms.cases.models import Case

pytestmark = pytest.mark.django_db


def shipped() -> list[ReadAudit]:
    audit_spool.flush()
    return list(ReadAudit.objects.order_by("id"))


def a_case_of(client) -> str:
    return client.get("/api/v1/cases/").json()["results"][0]["case_id"]


def test_a_token_read_of_a_case_leaves_one_row_naming_who_how_whose_what_and_the_request(api):
    client = api("client_ja")
    case_id = a_case_of(client)
    shipped()
    before = ReadAudit.objects.count()
    response = client.get(f"/api/v1/cases/{case_id}/", HTTP_X_REQUEST_ID="audit-test-0001")
    assert response.status_code == 200
    rows = shipped()[before:]
    assert len(rows) == 1
    row = rows[0]
    token = ApiToken.objects.filter(user__username="client_ja").latest("created_at")
    assert (row.user.username, row.via, row.purchaser_id) == ("client_ja", f"token:{token.prefix}", "JA")
    assert row.object == f"api:case-detail:{case_id}"
    assert row.request_id == "audit-test-0001"


def test_a_signed_in_page_read_is_recorded_with_how_the_user_signed_in(demo, client):
    client.force_login(User.objects.get(username="officer"))
    case = Case.objects.filter(purchaser_id="KS").first()
    assert client.get(f"/cases/{case.case_id}/").status_code == 200
    assert client.get(f"/cases/{case.case_id}/print/").status_code == 200
    rows = shipped()
    assert [(r.object, r.via, r.purchaser_id) for r in rows] == [
        # an officer's session has passed the second factor (MFA is required for the role)
        (f"case-detail:{case.case_id}", "session+mfa", "KS"),
        (f"case-print:{case.case_id}", "session+mfa", "KS"),
    ]


def test_a_lower_case_case_id_is_still_its_purchaser_s(api):
    client = api("auditor")
    case_id = Case.objects.filter(purchaser_id="JA").first().case_id
    assert client.get(f"/api/v1/cases/{case_id.lower()}/").status_code == 200
    assert [r.purchaser_id for r in shipped()] == ["JA"]


def test_lists_feed_and_csv_are_recorded_with_the_client_s_purchaser(api):
    client = api("client_ja")
    for path in ("/api/v1/cases/", "/api/v1/events/", "/api/v1/cases/?format=csv", "/api/v1/cases.csv"):
        assert client.get(path).status_code == 200, path
    rows = shipped()
    assert [(r.object, r.purchaser_id) for r in rows] == [
        ("api:case-list", "JA"),
        ("api:event-feed", "JA"),
        ("api:case-list?format=csv", "JA"),
        ("api:case-csv", "JA"),
    ]


def test_a_staff_list_names_the_filtered_purchaser_or_none_across_purchasers(api):
    client = api("auditor")
    client.get("/api/v1/cases/?purchaser=KS")
    client.get("/api/v1/cases/")
    assert [(r.object, r.purchaser_id) for r in shipped()] == [("api:case-list", "KS"), ("api:case-list", None)]


def test_responses_without_purchaser_data_leave_no_row(api, client):
    token = api("client_ja")
    assert client.get("/healthz").status_code == 200
    assert token.get("/api/v1/purchasers/").status_code == 200
    assert token.get("/api/v1/implementing-agencies/").status_code == 200
    assert token.get("/api/v1/cases/KS-P-ZZZ/").status_code == 404  # nothing returned: nothing read
    assert client.get("/api/v1/cases/").status_code in (401, 403)  # not signed in
    assert shipped() == []


def test_a_write_is_not_a_read(api):
    officer = api("officer")
    case = Case.objects.filter(purchaser_id="JA").first()
    response = officer.patch(f"/api/v1/cases/{case.case_id}/", {"title": "x"}, HTTP_IF_MATCH='"0"')
    assert response.status_code in (200, 412, 409)
    assert shipped() == []


# ---- append-only and retention -------------------------------------------------------------------


def a_row(**fields) -> ReadAudit:
    values = {"entry": uuid.uuid4(), "at": dt.datetime.now(dt.UTC), "via": "session", "object": "x", "request_id": "r"}
    return ReadAudit.objects.create(**{**values, **fields})


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE accounts_readaudit SET object = 'forged'",
        "DELETE FROM accounts_readaudit",
        "TRUNCATE accounts_readaudit",
    ],
)
def test_the_app_role_cannot_change_or_delete_read_audit_rows(statement):
    a_row()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == "fms_app"
        # TRUNCATE is not even granted to the app role; the trigger refuses it to the owner too.
        with pytest.raises(DatabaseError, match=r"append-only|permission denied"), transaction.atomic():
            cursor.execute(statement)
    assert ReadAudit.objects.count() == 1


def test_setting_the_pruning_flag_does_not_let_the_app_role_delete():
    a_row()
    with connection.cursor() as cursor, pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        cursor.execute("SET LOCAL fms.read_audit_pruning = 'on'")
        cursor.execute("DELETE FROM accounts_readaudit")
    assert ReadAudit.objects.count() == 1


def test_prune_deletes_only_rows_past_the_retention_and_never_younger_than_seven_years():
    now = dt.datetime.now(dt.UTC)
    old, six_years, recent = (a_row(at=now - dt.timedelta(days=days)) for days in (8 * 366, 6 * 366, 3))
    out = StringIO()
    call_command("prune_read_audit", "--days", "30", stdout=out)  # asks for 30 days: seven years are kept
    assert "1 rows" in out.getvalue()
    assert set(ReadAudit.objects.values_list("id", flat=True)) == {six_years.id, recent.id}
    assert old.id not in ReadAudit.objects.values_list("id", flat=True)


# ---- the spool -------------------------------------------------------------------------------------


def spool_line(**fields) -> str:
    row = {
        "entry": uuid.uuid4().hex,
        "at": "2026-11-03T10:00:00+00:00",
        "user_id": None,
        "via": "session",
        "purchaser_id": "KS",
        "object": "api:case-detail:KS-P-AAA",
        "request_id": "r1",
    }
    return json.dumps({**row, **fields}) + "\n"


def test_a_killed_worker_s_spool_is_shipped_once_even_if_shipped_twice(read_audit_spool):
    read_audit_spool.mkdir(parents=True, exist_ok=True)
    lines = spool_line(request_id="a") + spool_line(request_id="b")
    orphan = read_audit_spool / f"999999-dead{audit_spool.SUFFIX}"
    orphan.write_text(lines + '{"entry": "cut in the mid')  # killed in the middle of a write
    assert audit_spool.ship_orphans() == 2
    assert not orphan.exists()
    orphan.write_text(lines)  # a shipper killed after its insert, before its unlink
    audit_spool.ship_orphans()
    assert sorted(ReadAudit.objects.values_list("request_id", flat=True)) == ["a", "b"]


def test_a_live_worker_s_spool_is_not_taken(api, read_audit_spool):
    api("client_ja").get("/api/v1/cases/")
    assert audit_spool.ship_orphans() == 0  # our own file, still being written: locked
    assert ReadAudit.objects.count() == 0
    assert audit_spool.flush() == 1


def test_ship_read_audit_ships_what_stopped_workers_left(read_audit_spool):
    read_audit_spool.mkdir(parents=True, exist_ok=True)
    (read_audit_spool / f"1-stopped{audit_spool.SUFFIX}").write_text(spool_line(request_id="left"))
    out = StringIO()
    call_command("ship_read_audit", stdout=out)
    assert "1 rows shipped" in out.getvalue()
    assert list(ReadAudit.objects.values_list("request_id", flat=True)) == ["left"]


def test_document_routes_are_recorded_as_reads_of_the_case_s_purchaser(api):
    client = api("auditor")
    case = Case.objects.filter(purchaser_id="JA").first()
    assert client.get(f"/api/v1/cases/{case.case_id}/documents/").status_code == 200
    assert [(r.object, r.purchaser_id) for r in shipped()] == [(f"documents-api:document-list:{case.case_id}", "JA")]


def test_the_dashboard_and_notification_pages_are_recorded(demo, client):
    client.force_login(User.objects.get(username="client_ja"))
    assert client.get("/").status_code == 200
    client.force_login(User.objects.get(username="auditor"))
    assert client.get("/notifications/").status_code == 200
    assert [(r.object, r.purchaser_id, r.user.username) for r in shipped()] == [
        ("dashboard", "JA", "client_ja"),
        ("notification-pages", None, "auditor"),  # staff, every purchaser's notifications
    ]

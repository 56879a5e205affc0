"""The notifications API (DESIGN §5) and the import from published texts: the endpoint, the command."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fms.notifications.models import CongressionalNotification
from tests.conftest import bearer

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"
IMPORT = "/api/v1/notifications/import/"


def text(name: str) -> str:
    return (FIXTURES / name).read_text()


@pytest.fixture
def cn(cn_officer, cn_officer2):
    return bearer("cn_officer"), bearer("cn_officer2")


def test_import_drafts_every_notification_of_a_text(cn):
    response = cn[0].post(IMPORT, {"text": text("cr_two_notifications.txt")}, format="json")

    assert response.status_code == 201
    rows = response.json()["notifications"]
    assert [(r["transmittal_number"], r["purchaser"], r["implementing_agency"], r["total_value"]) for r in rows] == [
        ("23-41", "AT", "B", "1550000000.00"),
        ("23-7", "KU", "D", "133300000.00"),
    ]
    saved = CongressionalNotification.objects.order_by("pk")
    assert list(saved.values_list("status", "review_group", "formal_review_days")) == [
        ("draft", "nato_plus_5", 15),
        ("draft", "other", 30),
    ]
    assert saved[1].source_text.startswith("Dear Mr. Chairman")
    assert saved[1].non_mde_value == Decimal("70800000.00")


def test_a_preview_writes_nothing_and_lists_what_it_could_not_read(cn):
    response = cn[0].post(IMPORT, {"text": text("dsca_press_japan_sm3_2018.txt"), "save": False}, format="json")

    assert response.status_code == 200
    (row,) = response.json()["notifications"]
    assert (row["purchaser"], row["kind"], row["notified_on"], row["total_value"]) == (
        "JA", "36b1", "2018-01-09", "133300000.00",
    )  # fmt: skip
    assert "transmittal number: not found" in row["warnings"]
    assert CongressionalNotification.objects.count() == 0


def test_an_enhancement_report_refers_to_its_recorded_original(cn):
    refused = cn[0].post(IMPORT, {"text": text("cr_36b5a_finland_0G-23.txt")}, format="json")
    assert refused.status_code == 400
    assert "original" in refused.json()["errors"]

    original = CongressionalNotification.objects.create(purchaser_id="FI", transmittal_number="20-76")
    response = cn[0].post(IMPORT, {"text": text("cr_36b5a_finland_0G-23.txt")}, format="json")
    assert response.status_code == 201
    report = CongressionalNotification.objects.get(transmittal_number="0G-23")
    assert (report.kind, report.original, report.implementing_agency_id) == ("36b5a", original, "P")


def test_a_transmittal_number_already_recorded_is_a_409_and_nothing_is_imported(cn):
    assert cn[0].post(IMPORT, {"text": text("cr_36b1_japan_19-54.txt")}, format="json").status_code == 201
    both = text("cr_two_notifications.txt") + text("cr_36b1_japan_19-54.txt")

    response = cn[0].post(IMPORT, {"text": both}, format="json")

    assert response.status_code == 409
    assert response.json()["type"].endswith("transmittal-already-recorded")
    assert CongressionalNotification.objects.count() == 1


def test_garbage_is_a_400_listing_what_was_looked_for(cn):
    response = cn[0].post(IMPORT, {"text": "Lorem ipsum dolor sit amet."}, format="json")

    assert response.status_code == 400
    message = response.json()["errors"]["text"][0]
    assert "Transmittal No." in message
    assert "Total Estimated Value" in message


def test_only_a_cn_officer_imports(officer, cn):
    response = bearer("officer").post(IMPORT, {"text": text("cr_36b1_japan_19-54.txt")}, format="json")
    assert response.status_code == 403
    assert CongressionalNotification.objects.count() == 0


def test_patch_asks_a_second_cn_officer_who_approves_it(cn):
    first, second = cn
    created = first.post(
        "/api/v1/notifications/",
        {"purchaser": "JA", "status": "notified", "notified_on": "2026-01-09", "total_value": "5000.00"},
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["review_group"], body["formal_review_days"], body["review_ends_on"]) == (
        "nato_plus_5",
        15,
        "2026-01-24",
    )
    assert (body["committed_value"], body["remaining_value"]) == ("0.00", "5000.00")
    url = f"/api/v1/notifications/{body['id']}/"

    patched = first.patch(url, {"emergency": True}, format="json", HTTP_IF_MATCH=created["ETag"])
    assert patched.status_code == 200
    assert patched.json()["emergency"] is False

    self_approval = first.post(f"{url}changes/1/approve/", {}, format="json")
    assert self_approval.status_code == 403
    assert self_approval.json()["type"].endswith("separation-of-duties")
    approved = second.post(f"{url}changes/1/approve/", {"comment": "Presidential waiver"}, format="json")
    assert approved.status_code == 200
    assert approved.json()["emergency"] is True


def test_money_as_a_number_and_a_wrong_number_for_the_kind_are_400s(cn):
    for body, field in (
        ({"purchaser": "JA", "total_value": 5000}, "total_value"),
        ({"purchaser": "JA", "kind": "36b1", "transmittal_number": "0P-22"}, "transmittal_number"),
        ({"purchaser": "JA", "kind": "36b5c", "transmittal_number": "22-0B"}, "original"),
    ):
        response = cn[0].post("/api/v1/notifications/", body, format="json")
        assert response.status_code == 400, body
        assert field in response.json()["errors"]
    assert CongressionalNotification.objects.count() == 0


def test_the_command_imports_files_and_refuses_garbage(cn_officer, tmp_path):
    out = StringIO()
    call_command("import_notifications", str(FIXTURES / "cr_two_notifications.txt"), "--user", "cn_officer", stdout=out)
    assert "23-41 36b1 AT total 1550000000.00 — draft" in out.getvalue()
    assert CongressionalNotification.objects.count() == 2

    garbage = tmp_path / "garbage.txt"
    garbage.write_text("nothing here")
    with pytest.raises(CommandError, match="Looked for"):
        call_command("import_notifications", str(garbage), "--user", "cn_officer", stdout=StringIO())

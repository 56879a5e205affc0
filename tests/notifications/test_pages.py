"""The notification pages: the list with room and review state, a notification with its cases,
pending changes and history, the import page's preview, and the dashboard's running reviews."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from fms.cases import services as case_services
from fms.notifications import rules, services
from fms.notifications.models import CongressionalNotification
from fms.reference.models import Purchaser
from tests.factories import make_case

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def notification(cn_officer, cn_officer2, officer):
    today = rules.washington_today(timezone.now())
    notification = services.notification_create(
        actor=cn_officer,
        purchaser=Purchaser.objects.get(code="JA"),
        transmittal_number="26-3",
        notified_on=today - dt.timedelta(days=2),
        total_value=Decimal("150000000.00"),
        status="notified",
    )
    case_services.case_update(actor=officer, case=make_case(officer), notification=notification)
    services.notification_update(actor=cn_officer2, notification=notification, emergency=True, reason="waiver")
    return notification


def test_the_list_shows_room_and_review_state(client, cn_officer, notification):
    client.force_login(cn_officer)
    text = client.get("/notifications/").content.decode()
    ends = notification.review_ends_on
    assert "26-3" in text
    assert f"in review until {ends:%-d %b %Y}" in text
    assert "$150,000,000.00" in text


def test_a_notification_page_offers_the_other_officer_its_pending_change(client, cn_officer, notification):
    client.force_login(cn_officer)
    page = client.get(f"/notifications/{notification.pk}/").content.decode()
    assert "emergency False → True" in page
    assert "Approve" in page
    assert "JA-P-" in page  # the linked case

    response = client.post(f"/notifications/{notification.pk}/changes/1/decide/", {"decision": "approve"})
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.emergency is True


def test_who_asked_cannot_approve_on_the_page(client, cn_officer2, notification):
    client.force_login(cn_officer2)
    page = client.get(f"/notifications/{notification.pk}/").content.decode()
    assert "waits for another cn_officer" in page
    client.post(f"/notifications/{notification.pk}/changes/1/decide/", {"decision": "approve"})
    notification.refresh_from_db()
    assert notification.emergency is False


def test_the_import_page_previews_then_saves(client, cn_officer):
    client.force_login(cn_officer)
    text = (FIXTURES / "cr_two_notifications.txt").read_text()
    preview = client.post("/notifications/import/", {"text": text, "save": "0"}).content.decode()
    assert "23-41" in preview
    assert "23-7" in preview
    assert "Save 2 drafts" in preview
    assert CongressionalNotification.objects.count() == 0

    saved = client.post("/notifications/import/", {"text": text, "save": "1"})
    assert saved.status_code == 302
    assert CongressionalNotification.objects.filter(status="draft").count() == 2


def test_pages_are_for_staff_and_importing_for_cn_officers(client, officer, client_ja):
    client.force_login(client_ja)
    assert client.get("/notifications/").status_code == 404
    client.force_login(officer)
    assert client.get("/notifications/").status_code == 200
    assert client.get("/notifications/import/").status_code == 404


def test_the_dashboard_lists_review_periods_still_running(client, officer, notification):
    client.force_login(officer)
    text = client.get("/").content.decode()
    assert f'href="/notifications/{notification.pk}/">26-3</a>' in text

"""A notification write and the read of its answer commit together: when the answer cannot be read (the
database went away between the two), the client gets 503 "nothing was changed", and nothing was."""

from decimal import Decimal

import pytest

from fms.cases.api import views
from fms.ledger.models import ApprovalEvent
from fms.notifications import services
from fms.notifications.models import CongressionalNotification, NotificationChange
from fms.reference.models import Purchaser
from tests.conftest import bearer
from tests.database import connection_lost
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def notification(cn_officer, cn_officer2, officer) -> CongressionalNotification:
    """JA's draft notification, linked to a case: its steps are appended to that case's chain."""
    recorded = services.notification_create(
        actor=cn_officer, purchaser=Purchaser.objects.get(code="JA"), total_value=Decimal("5000.00")
    )
    make_case(officer, notification=recorded)
    return recorded


WRITES = {  # (method, url tail after /api/v1/notifications/, body, who, whether a change is pending first)
    "record a notification": ("post", "", {"purchaser": "JA", "total_value": "7000.00"}, "cn_officer", False),
    "edit a notification": ("patch", "{pk}/", {"description": "Two more launchers"}, "cn_officer", False),
    "ask for a change": ("patch", "{pk}/", {"emergency": True, "reason": "Waiver"}, "cn_officer", False),
    "approve a change": ("post", "{pk}/changes/1/approve/", {"comment": "Presidential waiver"}, "cn_officer2", True),
    "reject a change": ("post", "{pk}/changes/1/reject/", {"comment": "No waiver"}, "cn_officer2", True),
}


def _state() -> tuple:
    return (
        list(CongressionalNotification.objects.order_by("pk").values_list("pk", "version", "description", "emergency")),
        list(NotificationChange.objects.order_by("pk").values_list("pk", "status")),
        ApprovalEvent.objects.count(),
    )


@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_whose_answer_cannot_be_read_is_not_made(cn_officer, notification, monkeypatch, write):
    method, tail, body, who, pending = WRITES[write]
    if pending:
        services.notification_update(actor=cn_officer, notification=notification, emergency=True, reason="Waiver")
    notification.refresh_from_db()
    before = _state()
    monkeypatch.setattr(views.NotificationViewSet, "notification_response", connection_lost)

    url = f"/api/v1/notifications/{tail.format(pk=notification.pk)}"
    answer = getattr(bearer(who), method)(url, body, format="json", HTTP_IF_MATCH=f'"{notification.version}"')

    assert answer.status_code == 503, answer.content
    assert answer.json()["type"] == "/api/problems/#service-unavailable"
    assert _state() == before


def test_the_same_write_is_made_when_its_answer_is_read(notification):
    url = f"/api/v1/notifications/{notification.pk}/"
    answer = bearer("cn_officer").patch(
        url, {"description": "Two more launchers"}, format="json", HTTP_IF_MATCH=f'"{notification.version}"'
    )
    assert answer.status_code == 200, answer.json()
    assert (answer.json()["description"], answer["ETag"]) == ("Two more launchers", f'"{notification.version + 1}"')
    notification.refresh_from_db()
    assert notification.description == "Two more launchers"

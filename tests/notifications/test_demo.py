"""The demo's Japan notification (DESIGN §1): recorded by cn_officer, transmittal number still unknown,
and A01 of JA-P-SAA fills its room to the cent."""

from decimal import Decimal

import pytest

from fms.documents.demo import load_loa_story
from fms.notifications import services
from fms.notifications.models import CongressionalNotification

pytestmark = pytest.mark.django_db


def test_the_japan_notification_is_filled_to_the_cent_by_a01(demo):
    load_loa_story()  # BASIC (3 missiles) accepted, then A01 (4) offered: the case counts once, at A01
    japan = CongressionalNotification.objects.get(purchaser_id="JA", notified_on="2018-01-09")

    assert (japan.created_by.username, japan.transmittal_number, japan.status) == ("cn_officer", None, "notified")
    assert (japan.review_group, japan.formal_review_days, japan.mde_value) == ("nato_plus_5", 15, None)
    room = services.notification_room(japan)
    assert (room.committed_value, room.remaining_value) == (Decimal("133300000.00"), Decimal("0.00"))
    assert room.remaining_mde_value is None  # the MDE value is not known: its room is not checked

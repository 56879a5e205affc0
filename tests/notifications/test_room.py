"""The 36(b) gate on offers (DESIGN §4.4): the document's estimated total decides whether a notification
is needed, the review ends in Washington, and the documents under one notification share its room."""

import datetime as dt
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from fms.accounts.roles import CLIENT, CLIENT_OFFICER
from fms.cases import services as case_services
from fms.cases.choices import CaseStatus
from fms.documents import services as document_services
from fms.documents.choices import DocumentStatus
from fms.notifications import services
from fms.notifications.errors import NotificationNotCleared, RoomExceeded
from fms.reference.models import Purchaser
from tests.execution.steps import prepare_step
from tests.factories import UserFactory, line_data, lines_of, make_case, walk_to

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")
ZERO = Decimal("0.00")


def offer(officer, case):
    return document_services.document_offer(actor=officer, case=case, label="BASIC", transportation=ZERO)


def linked(officer, case, notification):
    case_services.case_update(actor=officer, case=case, notification=notification)
    case.refresh_from_db()
    return case


def notify(cn_officer, **fields):
    fields.setdefault("status", "notified")
    return services.notification_create(actor=cn_officer, purchaser=Purchaser.objects.get(code="JA"), **fields)


def proposed_with(officer, reviewer, **line) -> object:
    case = make_case(officer)
    added = case_services.line_item_add(actor=officer, case=case, **line_data(**line))
    case_services.line_item_approve(actor=reviewer, line=case_services.line_item_submit(actor=officer, line=added))
    for action in ("start_write", "submit_review"):
        case = case_services.case_transition(actor=officer, case=case, action=action)
    return case_services.case_transition(actor=reviewer, case=case, action="propose")


def test_a_nato_plus_5_case_of_97_million_in_lines_needs_notification_with_its_surcharge(officer, reviewer):
    case = proposed_with(officer, reviewer, quantity=1, unit_cost=Decimal("97000000.00"))
    assert not case.notification_required  # the line sum alone is under the $100M threshold

    with pytest.raises(NotificationNotCleared) as refused:
        offer(officer, case)

    assert "estimated total $100,104,000.00" in refused.value.detail  # 97.0M + 3.2% surcharge
    assert refused.value.errors == {"notification": ["Required: the offer meets a 36(b) threshold."]}
    case.refresh_from_db()
    assert (case.status, case.documents.filter(status=DocumentStatus.OFFERED).count()) == (CaseStatus.PROPOSED, 0)


def test_a_draft_notification_does_not_clear_an_offer_that_needs_one(officer, reviewer, cn_officer):
    case = proposed_with(officer, reviewer, quantity=1, unit_cost=Decimal("97000000.00"))
    draft = notify(cn_officer, status="draft", total_value=Decimal("200000000.00"))
    with pytest.raises(NotificationNotCleared, match="draft"):
        offer(officer, linked(officer, case, draft))


@pytest.mark.parametrize(
    ("instant", "allowed"),
    [
        (dt.datetime(2026, 1, 24, 23, 30, tzinfo=NEW_YORK), False),  # the last review day, 04:30 UTC on the 25th
        (dt.datetime(2026, 1, 25, 0, 0, tzinfo=NEW_YORK), True),
    ],
)
def test_the_review_ends_at_midnight_in_washington(officer, reviewer, cn_officer, instant, allowed):
    case = proposed_with(officer, reviewer, quantity=1, unit_cost=Decimal("97000000.00"))
    notification = notify(cn_officer, notified_on=dt.date(2026, 1, 9), total_value=Decimal("200000000.00"))
    assert notification.review_ends_on == dt.date(2026, 1, 24)
    case = linked(officer, case, notification)

    with mock.patch("django.utils.timezone.now", return_value=instant.astimezone(dt.UTC)):
        if allowed:
            assert offer(officer, case).status == DocumentStatus.OFFERED
        else:
            with pytest.raises(NotificationNotCleared, match="runs until 2026-01-24"):
                offer(officer, case)


def test_two_cases_share_the_room_to_the_cent(officer, reviewer, cn_officer):
    first = walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer)
    second = walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer)
    assert [line.total_cost for line in lines_of(first)] == [line.total_cost for line in lines_of(second)]
    # A draft's values change directly; the room is checked whatever the thresholds.
    notification = notify(cn_officer, status="draft", total_value=Decimal("10000.00"))
    document = offer(officer, linked(officer, first, notification))
    each = document.total_estimated_cost
    services.notification_update(actor=cn_officer, notification=notification, total_value=2 * each - Decimal("0.01"))
    second = linked(officer, second, notification)

    with pytest.raises(RoomExceeded) as refused:
        offer(officer, second)
    assert refused.value.status == 409
    assert f"exceeds the ${each - Decimal('0.01'):,.2f} that remains" in refused.value.detail
    second.refresh_from_db()
    assert second.status == CaseStatus.PROPOSED

    services.notification_update(actor=cn_officer, notification=notification, total_value=2 * each)
    assert offer(officer, second).status == DocumentStatus.OFFERED
    notification.refresh_from_db()
    room = services.notification_room(notification)
    assert (room.committed_value, room.remaining_value) == (2 * each, ZERO)


def test_mde_room_is_checked_when_the_mde_value_is_known(officer, reviewer, cn_officer):
    case = proposed_with(officer, reviewer, quantity=1, unit_cost=Decimal("1000.00"), is_mde=True, is_sme=True)
    notification = notify(cn_officer, status="draft", total_value=Decimal("5000.00"), mde_value=Decimal("999.99"),
                          non_mde_value=Decimal("4000.01"))  # fmt: skip
    with pytest.raises(RoomExceeded, match=r"MDE value \$1,000.00 exceeds the \$999.99"):
        offer(officer, linked(officer, case, notification))


def test_an_issued_modification_counts_against_the_room_too(officer, reviewer, cn_officer):
    signatory = UserFactory(username="signatory_ja", roles=[CLIENT, CLIENT_OFFICER], purchaser_id="JA", is_staff=False)
    case = walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer)
    notification = notify(cn_officer, status="draft", total_value=Decimal("10000.00"))
    basic = offer(officer, linked(officer, case, notification))
    document_services.document_accept(
        actor=signatory, document=basic, content_hash=basic.content_hash, signatory_name="T", signatory_title="D"
    )
    prepare_step(case, "implement", officer=officer)  # its initial deposit (issue 15)
    case = case_services.case_transition(actor=officer, case=case, action="implement")
    services.notification_update(actor=cn_officer, notification=notification, total_value=basic.total_estimated_cost)
    document_services.document_open(actor=officer, case=case, kind="modification", reason="Price update")
    line = case_services.line_item_update(actor=officer, line=lines_of(case)[0], unit_cost=Decimal("1000.01"))
    case_services.line_item_approve(actor=reviewer, line=case_services.line_item_submit(actor=officer, line=line))

    with pytest.raises(RoomExceeded, match="exceeds the"):
        document_services.document_issue(actor=officer, case=case, label="M01", transportation=ZERO)
    assert case.documents.get(label="M01").status == DocumentStatus.DRAFT

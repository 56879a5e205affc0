"""Notification services: kinds and numbers, values, review groups as of the date, maker–checker on
sensitive fields (in the service and in the database), history and ledger (DESIGN §4.4)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from fms.cases import services as case_services
from fms.core.errors import NotAllowed, StaleVersion, ValidationFailed
from fms.ledger.models import ApprovalEvent
from fms.notifications import services
from fms.notifications.errors import SelfDecision, TransmittalAlreadyRecorded
from fms.notifications.models import CongressionalNotification, NotificationChange
from fms.reference.models import Purchaser
from fms.reference.services import purchaser_review_group_change
from tests.factories import make_case

pytestmark = pytest.mark.django_db
M = Decimal("1000000.00")


def record(actor, purchaser="JA", **fields) -> CongressionalNotification:
    fields.setdefault("notified_on", dt.date(2026, 1, 9))
    fields.setdefault("total_value", 100 * M)
    fields.setdefault("status", "notified")
    return services.notification_create(actor=actor, purchaser=Purchaser.objects.get(code=purchaser), **fields)


def state() -> tuple:
    return (
        list(CongressionalNotification.objects.order_by("pk").values_list("version", "emergency", "notified_on",
                                                                           "total_value", "status")),
        list(NotificationChange.objects.order_by("pk").values_list("status", "decided_by")),
        ApprovalEvent.objects.count(),
    )  # fmt: skip


# ---- Kinds, numbers and values -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "36b1", "transmittal_number": "0P-22"}, "transmittal_number"),
        ({"kind": "36b1", "transmittal_number": "22-0B"}, "transmittal_number"),
        ({"kind": "36b5a"}, "original"),
        ({"kind": "36b5c"}, "original"),
        ({"mde_value": 40 * M, "non_mde_value": 61 * M}, "total_value"),
        ({"mde_value": 101 * M}, "mde_value"),
        ({"status": "notified", "notified_on": None}, "notified_on"),
        ({"status": "notified", "total_value": None}, "total_value"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(cn_officer, fields, field):
    before = state()
    with pytest.raises(ValidationFailed) as refused:
        record(cn_officer, **fields)
    assert field in refused.value.errors
    assert state() == before


def test_each_kind_takes_its_own_numbers(cn_officer):
    original = record(cn_officer, transmittal_number="20-76")
    report = record(cn_officer, kind="36b5a", original=original, transmittal_number="0G-23", total_value=None,
                    status="draft")  # fmt: skip
    certification = record(cn_officer, kind="36b5c", original=original, transmittal_number="22-0B")
    assert (report.original, certification.original) == (original, original)
    with pytest.raises(ValidationFailed, match="original"):
        record(cn_officer, kind="36b5a", original=report, transmittal_number="0P-22")


def test_mde_and_non_mde_add_up_to_the_total(cn_officer):
    notification = record(cn_officer, mde_value=40 * M, non_mde_value=60 * M, total_value=100 * M)
    assert (notification.mde_value, notification.non_mde_value) == (40 * M, 60 * M)


def test_a_transmittal_number_already_recorded_is_a_conflict(cn_officer):
    record(cn_officer, transmittal_number="19-54")
    with pytest.raises(TransmittalAlreadyRecorded) as refused:
        record(cn_officer, transmittal_number="19-54")
    assert refused.value.status == 409


def test_only_a_cn_officer_records_or_changes_notifications(officer, reviewer, superuser, cn_officer):
    for actor in (officer, reviewer, superuser):
        with pytest.raises(NotAllowed):
            record(actor)
    notification = record(cn_officer)
    with pytest.raises(NotAllowed):
        services.notification_update(actor=officer, notification=notification, description="x")


# ---- Review group fixed at recording ---------------------------------------------------------------


def test_finland_in_2018_keeps_its_30_days_after_joining_nato(cn_officer):
    finland = Purchaser.objects.get(code="FI")
    assert finland.review_group == "nato_plus_5"  # today's group, since 4 April 2023

    before = record(cn_officer, purchaser="FI", notified_on=dt.date(2018, 2, 5), total_value=60 * M)
    after = record(cn_officer, purchaser="FI", notified_on=dt.date(2023, 4, 4), total_value=60 * M)
    purchaser_review_group_change(purchaser=finland, review_group="nato_org", valid_from=dt.date(2026, 1, 1))

    before.refresh_from_db()
    assert (before.review_group, before.formal_review_days, before.threshold_total) == ("other", 30, 50 * M)
    assert before.review_ends_on == dt.date(2018, 3, 7)
    after.refresh_from_db()
    assert (after.review_group, after.formal_review_days, after.threshold_total) == ("nato_plus_5", 15, 100 * M)


@pytest.mark.parametrize(
    ("purchaser", "on", "group", "days"),
    [
        ("KS", dt.date(2008, 1, 15), "other", 30),
        ("KS", dt.date(2008, 10, 15), "nato_plus_5", 15),
        ("SW", dt.date(2024, 3, 6), "other", 30),
        ("SW", dt.date(2024, 3, 7), "nato_plus_5", 15),
        ("JA", dt.date(2018, 1, 9), "nato_plus_5", 15),
        ("QA", dt.date(2024, 3, 21), "other", 30),
        ("NS", dt.date(2024, 3, 21), "nato_org", 15),
    ],
)
def test_the_group_in_force_on_the_notification_date(cn_officer, purchaser, on, group, days):
    notification = record(cn_officer, purchaser=purchaser, notified_on=on)
    assert (notification.review_group, notification.formal_review_days) == (group, days)


def test_the_informal_review_precedes_the_formal_one_for_other_purchasers(cn_officer):
    with pytest.raises(ValidationFailed, match="informal review") as refused:
        record(
            cn_officer, purchaser="QA", informal_review_started_on=dt.date(2024, 3, 1), notified_on=dt.date(2024, 3, 20)
        )
    assert "notified_on" in refused.value.errors
    ok = record(
        cn_officer, purchaser="QA", informal_review_started_on=dt.date(2024, 3, 1), notified_on=dt.date(2024, 3, 21)
    )
    assert ok.informal_review_ends_on == dt.date(2024, 3, 21)
    with pytest.raises(ValidationFailed, match="outside NATO"):
        record(cn_officer, informal_review_started_on=dt.date(2024, 3, 1))


# ---- Maker–checker in the service ----------------------------------------------------------------


def test_emergency_waits_for_a_second_cn_officer(cn_officer, cn_officer2):
    notification = record(cn_officer)
    _, change = services.notification_update(actor=cn_officer, notification=notification, emergency=True)
    notification.refresh_from_db()
    assert (notification.emergency, change.status, change.changes) == (False, "pending", {"emergency": True})

    before = state()
    with pytest.raises(SelfDecision) as refused:
        services.notification_change_decide(actor=cn_officer, notification=notification, number=1, approve=True)
    assert refused.value.type == "separation-of-duties"
    assert state() == before

    services.notification_change_decide(actor=cn_officer2, notification=notification, number=1, approve=True)
    notification.refresh_from_db()
    assert notification.emergency is True


def test_emergency_asked_at_recording_is_pending_too(cn_officer):
    notification = record(cn_officer, emergency=True)
    assert notification.emergency is False
    assert list(notification.changes.values_list("number", "status")) == [(1, "pending")]


def test_once_notified_the_date_and_values_are_pending_changes_and_the_rest_is_not(cn_officer, cn_officer2):
    notification = record(cn_officer, total_value=100 * M)
    _, change = services.notification_update(
        actor=cn_officer, notification=notification, total_value=120 * M, description="Corrected", reason="typo"
    )
    notification.refresh_from_db()
    assert (notification.total_value, notification.description) == (100 * M, "Corrected")
    assert change.changes == {"total_value": "120000000.00"}

    services.notification_change_decide(actor=cn_officer2, notification=notification, number=change.number,
                                        approve=False, comment="No")  # fmt: skip
    notification.refresh_from_db()
    assert notification.total_value == 100 * M
    with pytest.raises(ValidationFailed, match="already rejected"):
        services.notification_change_decide(actor=cn_officer2, notification=notification, number=1, approve=True)


def test_a_draft_is_edited_directly(cn_officer):
    draft = record(cn_officer, status="draft", notified_on=None)
    _, change = services.notification_update(actor=cn_officer, notification=draft, total_value=7 * M,
                                             notified_on=dt.date(2026, 2, 1))  # fmt: skip
    draft.refresh_from_db()
    assert change is None
    assert (draft.total_value, draft.review_group, draft.formal_review_days) == (7 * M, "nato_plus_5", 15)


def test_a_stale_version_is_refused(cn_officer):
    notification = record(cn_officer)
    with pytest.raises(StaleVersion):
        services.notification_update(actor=cn_officer, notification=notification, expected_version=7, description="x")


def test_changes_are_in_the_field_history_and_the_linked_cases_chains(officer, cn_officer, cn_officer2):
    notification = record(cn_officer)
    case = make_case(officer)
    case_services.case_update(actor=officer, case=case, notification=notification)
    events = ApprovalEvent.objects.filter(case=case).count()

    services.notification_update(actor=cn_officer, notification=notification, emergency=True)
    services.notification_change_decide(actor=cn_officer2, notification=notification, number=1, approve=True)

    actions = list(ApprovalEvent.objects.filter(case=case).order_by("seq").values_list("action", "actor_name"))
    assert actions[events:] == [("cn_change", "cn_officer"), ("cn_approve", "cn_officer2")]
    last = notification.history.order_by("pgh_id").last()
    assert (last.pgh_label, last.emergency, last.pgh_context.metadata["username"]) == ("update", True, "cn_officer2")


# ---- Maker–checker in the database (as the application's role) -------------------------------------


def refused_sql(sql: str, params: list, constraint: str) -> None:
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    assert refused.value.__cause__.diag.constraint_name == constraint


def test_the_database_refuses_what_the_service_refuses(cn_officer, cn_officer2, officer):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == ("fms_app",)
    notification = record(cn_officer)
    before = state()

    refused_sql("UPDATE cases_congressionalnotification SET emergency = true WHERE id = %s", [notification.pk],
                "notification_maker_checker")  # fmt: skip
    refused_sql("UPDATE cases_congressionalnotification SET total_value = 1, mde_value = NULL, non_mde_value = NULL "
                "WHERE id = %s", [notification.pk], "notification_maker_checker")  # fmt: skip
    refused_sql("UPDATE cases_congressionalnotification SET notified_on = '2025-01-01' WHERE id = %s",
                [notification.pk], "notification_maker_checker")  # fmt: skip
    refused_sql("INSERT INTO cases_congressionalnotification (purchaser_id, total_value, emergency, created_at) "
                "VALUES ('JA', 1, true, now())", [], "notification_maker_checker")  # fmt: skip
    # A change cannot be born approved, nor be decided by who asked, nor by a user outside cn_officer.
    insert = ("INSERT INTO notifications_notificationchange (notification_id, number, changes, previous, reason, "
              "status, requested_by_id, requested_at, decided_by_id, decided_at, comment) "
              "VALUES (%s, 1, '{\"emergency\": true}', '{}', '', %s, %s, now(), %s, now(), '')")  # fmt: skip
    refused_sql(
        insert, [notification.pk, "approved", cn_officer.pk, cn_officer2.pk], "notificationchange_maker_checker"
    )
    assert state() == before

    services.notification_update(actor=cn_officer, notification=notification, emergency=True)
    change = notification.changes.get()
    decide = (
        "UPDATE notifications_notificationchange SET status = 'approved', decided_by_id = %s, decided_at = now() "
        "WHERE id = %s"
    )
    refused_sql(decide, [cn_officer.pk, change.pk], "notificationchange_four_eyes")
    refused_sql(decide, [officer.pk, change.pk], "notificationchange_maker_checker")
    refused_sql("DELETE FROM notifications_notificationchange WHERE id = %s", [change.pk],
                "notificationchange_maker_checker")  # fmt: skip
    # Approved, but for another value than the row is given: still refused.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(decide, [cn_officer2.pk, change.pk])
        refused_sql("UPDATE cases_congressionalnotification SET emergency = true, notified_on = '2025-01-01' "
                    "WHERE id = %s", [notification.pk], "notification_maker_checker")  # fmt: skip
        cursor.execute("UPDATE cases_congressionalnotification SET emergency = true WHERE id = %s", [notification.pk])
    notification.refresh_from_db()
    assert notification.emergency is True

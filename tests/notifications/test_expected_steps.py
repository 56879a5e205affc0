"""The 36(b) maker–checker as designed (DESIGN §2, §4.4), written down here rather than read from
fms.notifications or fms.accounts.roles: who may record, change and decide, which fields change only
through a change a second cn_officer approves, and what the ledger's notification digest covers."""

import itertools

import pytest

from fms.accounts import roles
from fms.notifications import choices, selectors, services

# Step permission -> the roles that hold it. Every other (role, permission) pair is refused.
STEP_ROLES = {
    "notifications.add_congressionalnotification": {"cn_officer"},
    "notifications.change_congressionalnotification": {"cn_officer"},
    "notifications.approve_notificationchange": {"cn_officer"},
    "notifications.view_notificationchange": {"cn_officer"},
}
STATUSES = {"draft", "notified"}
CHANGE_STATUSES = {"pending", "approved", "rejected"}
# A recorded notification's fields as a cn_officer may set them (anything else is refused, named).
EDITABLE = {
    "kind",
    "original",
    "transmittal_number",
    "implementing_agency",
    "status",
    "notified_on",
    "informal_review_started_on",
    "mde_value",
    "non_mde_value",
    "total_value",
    "description",
    "emergency",
    "source_text",
}
# Changed only through a pending change that a second cn_officer approves: always, and once notified.
SENSITIVE_ALWAYS = ("emergency",)
SENSITIVE_ONCE_NOTIFIED = ("notified_on", "mde_value", "non_mde_value", "total_value")
DIGEST = (
    "kind",
    "original_id",
    "transmittal_number",
    "purchaser_id",
    "implementing_agency_id",
    "status",
    "notified_on",
    "mde_value",
    "non_mde_value",
    "total_value",
    "emergency",
    "review_group",
    "formal_review_days",
)
# The ledger actions of notification steps, appended to each linked case's chain.
LEDGER_ACTIONS = ("cn_record", "cn_change", "cn_approve", "cn_reject")
# Documents in these statuses use up a notification's room.
COMMITTING_DOCUMENT_STATUSES = {"offered", "accepted", "issued"}


@pytest.mark.parametrize(("role", "permission"), list(itertools.product(roles.ROLE_PERMISSIONS, STEP_ROLES)))
def test_who_holds_each_notification_step(role, permission):
    assert (permission in roles.ROLE_PERMISSIONS[role]) is (role in STEP_ROLES[permission])


def test_the_steps_permissions_are_the_ones_the_services_ask_for():
    assert {services.ADD, services.CHANGE, services.DECIDE} == set(STEP_ROLES) - {
        "notifications.view_notificationchange"
    }
    assert (services.ADD, services.CHANGE, services.DECIDE) == (
        "notifications.add_congressionalnotification",
        "notifications.change_congressionalnotification",
        "notifications.approve_notificationchange",
    )


def test_the_statuses_of_a_notification_and_of_a_change():
    assert set(choices.NotificationStatus.values) == STATUSES
    assert set(choices.ChangeStatus.values) == CHANGE_STATUSES


def test_which_fields_a_second_cn_officer_must_approve():
    assert set(services.EDITABLE_FIELDS) == EDITABLE
    assert services.ALWAYS_SENSITIVE == SENSITIVE_ALWAYS
    assert services.SENSITIVE_WHEN_NOTIFIED == SENSITIVE_ONCE_NOTIFIED
    assert set(SENSITIVE_ALWAYS + SENSITIVE_ONCE_NOTIFIED) <= EDITABLE


def test_what_the_ledger_digest_of_a_notification_covers():
    assert services.DIGEST_FIELDS == DIGEST
    assert (services.RECORD, services.CHANGE_ASKED, services.CHANGE_APPROVED, services.CHANGE_REJECTED) == (
        LEDGER_ACTIONS
    )


def test_which_documents_use_up_the_room():
    assert set(selectors.COMMITTING_DOCUMENT_STATUSES) == COMMITTING_DOCUMENT_STATUSES

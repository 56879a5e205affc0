"""The only code that writes 36(b) notifications and their pending changes (DESIGN §4.4).

Control: only a cn_officer records or edits a notification. `emergency` (always), and the date and
values of a notified record, change only through a pending change that a second cn_officer
approves; the database refuses them otherwise (migrations/0002). Every write is in the field
history (pghistory) with its user.

Ledger: the ledger chains events per case (fms.ledger), so a notification's steps are appended to
the chain of every case linked to it, with the notification's content digest. A notification no
case is linked to yet has no chain: its steps are in its field history and its change rows, and the
case's link event records the notification's digest at the time it is linked. A chain per
notification needs the ledger's subjects (DESIGN §3 ApprovalEvent.subject), not built yet.
"""

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pghistory
from django.core.exceptions import ValidationError
from django.utils import timezone

from fms.accounts.models import User
from fms.accounts.roles import holds_role_permission
from fms.accounts.signin import current_via
from fms.core.errors import NotAllowed, NotFound, StaleVersion, ValidationFailed
from fms.core.transactions import service_transaction
from fms.ledger import services as ledger_services
from fms.ledger.canonical import canonical_json, sha256_hex
from fms.notifications import rules, selectors
from fms.notifications.choices import ChangeStatus, NotificationKind, NotificationStatus
from fms.notifications.errors import NotificationNotCleared, RoomExceeded, SelfDecision, TransmittalAlreadyRecorded
from fms.notifications.models import CongressionalNotification, NotificationChange
from fms.reference.models import Purchaser
from fms.reference.selectors import review_group_on

ADD = "notifications.add_congressionalnotification"
CHANGE = "notifications.change_congressionalnotification"
DECIDE = "notifications.approve_notificationchange"
EDITABLE_FIELDS = frozenset(
    {
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
)
# Once notified these change only through an approved change; `emergency` always does.
SENSITIVE_WHEN_NOTIFIED = ("notified_on", "mde_value", "non_mde_value", "total_value")
ALWAYS_SENSITIVE = ("emergency",)
DIGEST_FIELDS = (
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
# Ledger actions of notification steps (appended to each linked case's chain).
RECORD, CHANGE_ASKED, CHANGE_APPROVED, CHANGE_REJECTED = "cn_record", "cn_change", "cn_approve", "cn_reject"


@contextmanager
def _writing_as(actor: User) -> Iterator[None]:
    with service_transaction(), pghistory.context(user=actor.pk, username=actor.get_username()):
        yield


def _require(actor: User, permission: str, doing: str) -> None:
    """Notification control is a role's (DESIGN §2): an administrator needs the cn_officer group too."""
    if not holds_role_permission(actor, permission):
        raise NotAllowed(f"You do not have permission to {doing}: it is the cn_officer role's.")


def washington_today() -> dt.date:
    return rules.washington_today(timezone.now())


# ---- Values as a change stores them -------------------------------------------------------------


def _as_json(field: str, value) -> str | bool | None:
    if value is None:
        return None
    if field == "emergency":
        return bool(value)
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _from_json(field: str, value):
    if value is None or field == "emergency":
        return value
    if field == "notified_on":
        return dt.date.fromisoformat(value)
    return Decimal(value)


def notification_digest(notification: CongressionalNotification) -> str:
    """SHA-256 of the canonical JSON of what the ledger's notification events are about."""
    content = {field: _as_json(field, getattr(notification, field)) for field in DIGEST_FIELDS}
    return sha256_hex(canonical_json(content))


# ---- Checks ---------------------------------------------------------------------------------------


def _fix_review(notification: CongressionalNotification) -> None:
    """The group in force on the notification's date and its figures, stored on the record."""
    if notification.notified_on is None:
        notification.review_group, notification.formal_review_days = "", None
        notification.threshold_mde = notification.threshold_total = notification.threshold_design_construction = None
        return
    group = review_group_on(purchaser=notification.purchaser, on=notification.notified_on)
    limits = rules.NOTIFICATION_THRESHOLDS[group]
    notification.review_group, notification.formal_review_days = group, limits.formal_review_days
    notification.threshold_mde, notification.threshold_total = limits.mde, limits.total
    notification.threshold_design_construction = limits.design_construction


def _validate(notification: CongressionalNotification) -> None:
    n = notification
    errors: dict[str, list[str]] = {}
    try:
        n.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors.update({field: list(messages) for field, messages in error.message_dict.items()})
    if problem := rules.transmittal_problem(n.kind, n.transmittal_number):
        errors["transmittal_number"] = [problem]
    if n.kind in rules.KINDS_WITH_ORIGINAL:
        if n.original_id is None:
            errors["original"] = [f"A {n.kind} record names the 36b1 certification it refers to."]
        elif n.original.kind != NotificationKind.CERTIFICATION or n.original.purchaser_id != n.purchaser_id:
            errors["original"] = [f"The original must be a 36b1 certification for {n.purchaser_id}."]
    elif n.original_id is not None:
        errors["original"] = ["Only 36b5a and 36b5c records refer to an original certification."]
    if n.total_value is not None:
        errors.update(rules.values_problems(n.mde_value, n.non_mde_value, n.total_value))
    elif n.mde_value is not None or n.non_mde_value is not None:
        errors["total_value"] = ["Give the total value with the MDE or non-MDE value."]
    if n.status == NotificationStatus.NOTIFIED:
        for field in ("notified_on", "total_value"):
            if getattr(n, field) is None:
                errors.setdefault(field, []).append("Required once the notification is notified.")
    if n.informal_review_started_on is not None:
        if n.review_group and n.review_group != rules.OTHER:
            errors["informal_review_started_on"] = ["Only purchasers outside NATO+5 have the informal review."]
        elif n.notified_on is not None and n.notified_on < n.informal_review_ends_on:
            errors["notified_on"] = [
                f"The formal notification follows the 20-day informal review, which ends on "
                f"{n.informal_review_ends_on.isoformat()} (SAMM C5.5.3)."
            ]
    if errors:
        raise ValidationFailed(errors)


def _check_transmittal_free(notification: CongressionalNotification) -> None:
    number = notification.transmittal_number
    if (
        number
        and CongressionalNotification.objects.filter(transmittal_number=number).exclude(pk=notification.pk).exists()
    ):
        raise TransmittalAlreadyRecorded(
            f"Transmittal {number} is already recorded.",
            errors={"transmittal_number": [f"Transmittal {number} is already recorded."]},
        )


def _record(notification: CongressionalNotification, action: str, actor: User, comment: str) -> None:
    """Append the step to the chain of every case linked to the notification (see the module's note)."""
    label = notification.transmittal_number or f"notification {notification.pk}"
    digest = notification_digest(notification)
    for case_pk, status in notification.cases.order_by("pk").values_list("pk", "status"):
        ledger_services.event_append(
            case_pk=case_pk,
            line_item_pk=None,
            action=action,
            from_status=status,
            to_status=status,
            actor_pk=actor.pk,
            comment=f"36(b) {label}: {comment}",
            content_digest=digest,
            via=current_via(),
        )


# ---- Use cases ------------------------------------------------------------------------------------


def notification_create(
    *,
    actor: User,
    purchaser: Purchaser,
    kind: str = NotificationKind.CERTIFICATION,
    total_value: Decimal | None = None,
    notified_on: dt.date | None = None,
    status: str | None = None,
    emergency: bool = False,
    reason: str = "",
    **fields,
) -> CongressionalNotification:
    """Record a notification (a draft, or `notified` when its date and total are known and status says so).

    `emergency` asked at creation becomes a pending change for a second cn_officer.
    """
    _require(actor, ADD, "record congressional notifications")
    unknown = sorted(set(fields) - EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed({name: ["This field cannot be set here."] for name in unknown})
    fields["transmittal_number"] = (fields.get("transmittal_number") or "").strip() or None
    with _writing_as(actor):
        notification = CongressionalNotification(
            purchaser=purchaser,
            kind=kind,
            total_value=total_value,
            notified_on=notified_on,
            status=status or NotificationStatus.DRAFT,
            created_by=actor,
            **fields,
        )
        _fix_review(notification)
        _validate(notification)
        _check_transmittal_free(notification)
        notification.save()
        if emergency:
            _ask(notification, actor, {"emergency": True}, reason)
    return notification


def _locked(notification: CongressionalNotification) -> CongressionalNotification:
    return CongressionalNotification.objects.select_for_update().select_related("purchaser").get(pk=notification.pk)


def _ask(notification: CongressionalNotification, actor: User, changes: dict, reason: str) -> NotificationChange:
    number = (notification.changes.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    change = NotificationChange.objects.create(
        notification=notification,
        number=number,
        changes={field: _as_json(field, value) for field, value in changes.items()},
        previous={field: _as_json(field, getattr(notification, field)) for field in changes},
        reason=reason,
        requested_by=actor,
    )
    asked = ", ".join(f"{field} → {json.dumps(value)}" for field, value in change.changes.items())
    _record(notification, CHANGE_ASKED, actor, f"change {number} asked ({asked}), waiting for a second cn_officer")
    return change


def notification_update(
    *,
    actor: User,
    notification: CongressionalNotification,
    expected_version: int | None = None,
    reason: str = "",
    **changes,
) -> tuple[CongressionalNotification, NotificationChange | None]:
    """Change a notification. Fields that need a second cn_officer (`emergency`; once notified, the
    date and the values) become one pending change; the others take effect now. Returns the
    notification and the pending change, if any."""
    _require(actor, CHANGE, "change congressional notifications")
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed({name: ["This field cannot be changed here."] for name in unknown})
    if "transmittal_number" in changes:
        changes["transmittal_number"] = (changes["transmittal_number"] or "").strip() or None
    with _writing_as(actor):
        notification = _locked(notification)
        if expected_version is not None and expected_version != notification.version:
            raise StaleVersion(
                f"{notification} changed since you read it (you have version {expected_version}, it is now "
                f"version {notification.version}). Reload it and try again."
            )
        if notification.status == NotificationStatus.NOTIFIED and changes.get("status") == NotificationStatus.DRAFT:
            raise ValidationFailed({"status": ["A notified record does not go back to draft."]})
        sensitive = ALWAYS_SENSITIVE + (
            SENSITIVE_WHEN_NOTIFIED if notification.status == NotificationStatus.NOTIFIED else ()
        )
        asked = {f: v for f, v in changes.items() if f in sensitive and v != getattr(notification, f)}
        direct = {f: v for f, v in changes.items() if f not in sensitive}
        for field, value in direct.items():
            setattr(notification, field, value)
        _fix_review(notification)
        _validate(notification)
        if asked:  # the pending values must make a valid record too: checked when asked, not only at approval
            _validate_with(notification, asked)
        _check_transmittal_free(notification)
        if direct:
            notification.version += 1
            notification.save()
            _record(notification, RECORD, actor, f"recorded ({', '.join(sorted(direct))})")
        change = _ask(notification, actor, asked, reason) if asked else None
    return notification, change


def _validate_with(notification: CongressionalNotification, values: dict) -> None:
    trial = CongressionalNotification(
        **{f.attname: getattr(notification, f.attname) for f in notification._meta.concrete_fields}
    )
    trial.purchaser = notification.purchaser
    for field, value in values.items():
        setattr(trial, field, value)
    _fix_review(trial)
    _validate(trial)


def notification_change_decide(
    *, actor: User, notification: CongressionalNotification, number: int, approve: bool, comment: str = ""
) -> NotificationChange:
    """A second cn_officer approves (the change takes effect now) or rejects a pending change."""
    _require(actor, DECIDE, "decide on notification changes")
    with _writing_as(actor):
        notification = _locked(notification)
        change = NotificationChange.objects.select_for_update().filter(notification=notification, number=number).first()
        if change is None:
            raise NotFound(f"{notification} has no change {number}.")
        if change.status != ChangeStatus.PENDING:
            raise ValidationFailed({"status": [f"Change {number} is already {change.status}."]})
        if change.requested_by_id == actor.pk:
            raise SelfDecision(f"You asked for change {number} of {notification}: a second cn_officer must decide it.")
        change.status = ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED
        change.decided_by, change.decided_at, change.comment = actor, timezone.now(), comment
        change.save()
        if approve:
            for field, value in change.changes.items():
                setattr(notification, field, _from_json(field, value))
            _fix_review(notification)
            _validate(notification)
            notification.version += 1
            notification.save()
        action = CHANGE_APPROVED if approve else CHANGE_REJECTED
        _record(notification, action, actor, f"change {number} {change.status} (asked by {change.requested_by})")
    return change


# ---- Room and the offer gate (asked by the documents app when it offers a document) ----------------


def notification_room(notification: CongressionalNotification) -> rules.Room:
    committed = selectors.committed_by_case(notification).values()
    return rules.Room(
        total_value=notification.total_value or Decimal("0.00"),
        mde_value=notification.mde_value,
        committed_value=sum((total for total, _ in committed), Decimal("0.00")),
        committed_mde_value=sum((mde for _, mde in committed), Decimal("0.00")),
    )


def notification_offer_check(
    *,
    case,
    value: Decimal,
    mde_value: Decimal,
    design_construction_value: Decimal,
    today: dt.date | None = None,
) -> None:
    """Refuse offering a document of `case` worth `value` (its estimated total with surcharge and
    accessorials) unless the 36(b) gate clears it: when a threshold is met, a linked notified
    notification whose formal review is over in Washington (or an approved emergency); and, whenever
    a notification is linked, room for the document beside the other cases' (DESIGN §4.4)."""
    today = today or washington_today()
    notification = (
        CongressionalNotification.objects.select_for_update().select_related("purchaser").get(pk=case.notification_id)
        if case.notification_id
        else None
    )
    if notification is not None and notification.thresholds is not None:
        thresholds, group = notification.thresholds, notification.review_group
    else:
        group = review_group_on(purchaser=case.purchaser, on=today)
        thresholds = rules.NOTIFICATION_THRESHOLDS[group]
    required = rules.notification_required(
        thresholds=thresholds,
        mde_value=mde_value,
        total_value=value,
        design_construction_value=design_construction_value,
    )
    figures = f"estimated total ${value:,.2f}, MDE ${mde_value:,.2f}"
    if notification is None:
        if required:
            raise NotificationNotCleared(
                f"{case.case_id} needs a 36(b) notification ({figures} meets a {group} threshold: total "
                f"${thresholds.total:,.0f}, MDE ${thresholds.mde:,.0f}); link a notified notification first.",
                errors={"notification": ["Required: the offer meets a 36(b) threshold."]},
            )
        return
    if required and notification.status != NotificationStatus.NOTIFIED:
        raise NotificationNotCleared(
            f"{notification} is still a draft: it has not been notified to Congress.",
            errors={"notification": ["The linked notification is a draft."]},
        )
    if (
        required
        and not notification.emergency
        and rules.review_running(review_ends_on=notification.review_ends_on, today=today)
    ):
        raise NotificationNotCleared(
            f"The congressional review of {notification} runs until {notification.review_ends_on.isoformat()} "
            f"(Washington time; today is {today.isoformat()}).",
            errors={"notification": [f"Review runs until {notification.review_ends_on.isoformat()}."]},
        )
    committed = selectors.committed_by_case(notification)
    room = notification_room(notification)
    replaces = committed.get(case.pk, (Decimal("0.00"), Decimal("0.00")))
    problems = rules.room_problems(room, value=value, mde_value=mde_value, replaces=replaces)
    if problems:
        raise RoomExceeded(
            f"Offering this document of {case.case_id} under {notification} is refused: " + "; ".join(problems) + ".",
            errors={"total_estimated_cost": problems},
        )

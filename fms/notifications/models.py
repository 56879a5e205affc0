"""AECA 36(b) congressional notifications and their pending changes (DESIGN §3, §4.4).

The notification table keeps its original name (`cases_congressionalnotification`): the model moved
here from `cases` without moving a row. Rows are written only by fms.notifications.services; the
maker–checker on sensitive fields is also enforced by the database (migrations/0002): a change of
`emergency`, or of the date or a value of a notified record, is refused unless a pending change was
approved by another cn_officer in the same transaction.
"""

import datetime as dt
from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now

from fms.notifications import rules
from fms.notifications.choices import ChangeStatus, NotificationKind, NotificationStatus
from fms.reference.codes import ReviewGroup
from fms.reference.models import ImplementingAgency, Purchaser

MONEY_MAX = Decimal("9999999999999.99")


def MoneyField(**kwargs) -> models.DecimalField:
    """US dollars, NUMERIC(15,2), never negative."""
    return models.DecimalField(
        max_digits=15,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00")), MaxValueValidator(MONEY_MAX)],
        **kwargs,
    )


def _transmittal_fits_kind() -> Q:
    condition = Q(transmittal_number__isnull=True)
    for kind, pattern in rules.TRANSMITTAL_PATTERNS.items():
        condition |= Q(kind=kind, transmittal_number__regex=pattern)
    return condition


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["updated_at", "version"],
    model_name="NotificationHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class CongressionalNotification(models.Model):
    """An AECA section 36(b) notification to Congress of a proposed sale (or an enhancement report)."""

    kind = models.CharField(
        max_length=5,
        choices=NotificationKind.choices,
        default=NotificationKind.CERTIFICATION,
        db_default=NotificationKind.CERTIFICATION,
    )
    original = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enhancements",
        help_text="The 36(b)(1) certification a 36(b)(5)(A) report or 36(b)(5)(C) certification refers to.",
    )
    transmittal_number = models.CharField(
        max_length=6,
        unique=True,
        null=True,
        blank=True,
        help_text="36b1: 18-40; 36b5a: 0P-22; 36b5c: 22-0B. Empty until known.",
    )
    purchaser = models.ForeignKey(Purchaser, on_delete=models.PROTECT, related_name="notifications")
    implementing_agency = models.ForeignKey(
        ImplementingAgency, on_delete=models.PROTECT, null=True, blank=True, related_name="notifications"
    )
    status = models.CharField(
        max_length=8, choices=NotificationStatus.choices, default=NotificationStatus.DRAFT, db_default="draft"
    )
    notified_on = models.DateField(null=True, blank=True, help_text="The date the notification reached Congress.")
    informal_review_started_on = models.DateField(
        null=True, blank=True, help_text="Purchasers outside NATO+5: the 20-day informal review began (SAMM C5.5.3)."
    )
    mde_value = MoneyField(null=True, blank=True, verbose_name="MDE value", help_text="Empty when not known.")
    non_mde_value = MoneyField(null=True, blank=True, verbose_name="non-MDE value", help_text="Empty when not known.")
    total_value = MoneyField(null=True, blank=True, help_text="Required once notified.")
    description = models.TextField(blank=True)
    emergency = models.BooleanField(default=False, help_text="Emergency waiver of the congressional review period.")
    source_text = models.TextField(
        blank=True, default="", db_default="", help_text="The published text it was imported from."
    )
    # Fixed when the notification date is recorded: the group in force that day and its figures.
    review_group = models.CharField(max_length=12, blank=True, default="", db_default="", choices=ReviewGroup.choices)
    formal_review_days = models.PositiveSmallIntegerField(null=True, blank=True)
    threshold_mde = MoneyField(null=True, blank=True, verbose_name="MDE threshold")
    threshold_total = MoneyField(null=True, blank=True, verbose_name="total value threshold")
    threshold_design_construction = MoneyField(null=True, blank=True, verbose_name="design and construction threshold")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())
    version = models.PositiveIntegerField(default=1, db_default=1)

    class Meta:
        db_table = "cases_congressionalnotification"
        ordering = ["-notified_on", "-id"]
        permissions = [("approve_notificationchange", "Can approve or reject another officer's pending change")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=NotificationStatus.values), name="notification_status_valid"),
            models.CheckConstraint(
                condition=Q(review_group="") | Q(review_group__in=ReviewGroup.values),
                name="notification_review_group_valid",
            ),
            models.CheckConstraint(condition=_transmittal_fits_kind(), name="notification_transmittal_fits_kind"),
            models.CheckConstraint(
                condition=Q(kind=NotificationKind.CERTIFICATION, original__isnull=True)
                | Q(kind__in=rules.KINDS_WITH_ORIGINAL, original__isnull=False),
                name="notification_original_for_enhancements",
            ),
            models.CheckConstraint(condition=Q(mde_value__gte=0), name="notification_mde_value_nonnegative"),
            models.CheckConstraint(condition=Q(non_mde_value__gte=0), name="notification_non_mde_value_nonnegative"),
            models.CheckConstraint(condition=Q(total_value__gte=0), name="notification_total_value_nonnegative"),
            models.CheckConstraint(
                condition=Q(total_value=F("mde_value") + F("non_mde_value")), name="notification_values_add_up"
            ),
            models.CheckConstraint(
                condition=Q(status=NotificationStatus.DRAFT)
                | Q(
                    notified_on__isnull=False,
                    total_value__isnull=False,
                    formal_review_days__isnull=False,
                    threshold_total__isnull=False,
                )
                & ~Q(review_group=""),
                name="notification_notified_is_complete",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="notification_version_positive"),
        ]

    def __str__(self) -> str:
        number = self.transmittal_number or "transmittal number unknown"
        return f"36(b) {number} — {self.purchaser_id}"

    @property
    def review_ends_on(self) -> dt.date | None:
        if self.notified_on is None or self.formal_review_days is None:
            return None
        return rules.review_ends_on(self.notified_on, self.formal_review_days)

    @property
    def informal_review_ends_on(self) -> dt.date | None:
        started = self.informal_review_started_on
        return rules.informal_review_ends_on(started) if started else None

    @property
    def thresholds(self) -> rules.Thresholds | None:
        if self.threshold_total is None or self.formal_review_days is None:
            return None
        return rules.Thresholds(
            mde=self.threshold_mde,
            total=self.threshold_total,
            design_construction=self.threshold_design_construction,
            formal_review_days=self.formal_review_days,
        )


class NotificationChange(models.Model):
    """A change to a sensitive field of a notification, waiting for a second cn_officer (DESIGN §4.4).

    `changes` maps field names to their new values as JSON strings (dates ISO, money as decimal
    strings, emergency true/false); `previous` keeps what they were when asked.
    """

    notification = models.ForeignKey(CongressionalNotification, on_delete=models.PROTECT, related_name="changes")
    number = models.PositiveIntegerField(help_text="1, 2, … per notification.")
    changes = models.JSONField()
    previous = models.JSONField()
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=ChangeStatus.choices, default=ChangeStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_txid = models.BigIntegerField(
        null=True, blank=True, editable=False, help_text="Set by the database: the deciding transaction."
    )
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["notification", "number"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "number"], name="notificationchange_unique_number"),
            models.CheckConstraint(condition=Q(status__in=ChangeStatus.values), name="notificationchange_status_valid"),
            models.CheckConstraint(
                condition=Q(status=ChangeStatus.PENDING, decided_by__isnull=True, decided_at__isnull=True)
                | Q(status__in=[ChangeStatus.APPROVED, ChangeStatus.REJECTED], decided_by__isnull=False),
                name="notificationchange_decided_has_decider",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="notificationchange_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification} change {self.number} ({self.status})"

"""Execution records of a case after acceptance (DESIGN §3 Execution, §4.5).

Deliveries and financial transactions are facts received from the field and from DFAS: once
written they never change (a correction is a new transaction). An SDR moves through its statuses
only in fms.execution.services. Each record's per-case `number` is what users see, so that a
purchaser never sees a global id (DESIGN §8).
"""

import pgtrigger
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from fms.cases import rules
from fms.cases.models import Case, MoneyField, choices_check
from fms.execution.choices import (
    SDR_MINIMUM_VALUE_EXEMPT,
    SdrKind,
    SdrResolution,
    SdrStatus,
    TransactionKind,
)

SDR_MINIMUM_VALUE = 200  # US dollars, DSCA policy memo 04-47


def _unchangeable(prefix: str) -> list:
    return [pgtrigger.Protect(name=f"{prefix}_unchangeable", operation=pgtrigger.Update | pgtrigger.Delete)]


class EmergencyImplementation(models.Model):
    """A reviewer's approval to implement a case before its initial deposit arrives (SAMM C6.1.2)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="emergency_implementation")
    reason = models.TextField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="emergencyimplementation_has_reason")]
        triggers = _unchangeable("emergencyimplementation")

    def __str__(self) -> str:
        return f"{self.case.case_id} emergency implementation"


class Delivery(models.Model):
    """A shipment of units of one line of the effective document."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deliveries")
    number = models.PositiveIntegerField(help_text="1, 2 … within the case.")
    line_number = models.CharField(max_length=3)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    shipped_on = models.DateField()
    transportation_control_number = models.CharField(max_length=17, help_text="The 17-character TCN.")
    document_number = models.CharField(max_length=15, help_text="The MILSTRIP requisition document number.")
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "number"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="delivery_unique_number_per_case"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="delivery_quantity_positive"),
            models.CheckConstraint(
                condition=Q(line_number__regex=rules.LINE_NUMBER_PATTERN), name="delivery_line_number_format"
            ),
        ]
        triggers = _unchangeable("delivery")

    def __str__(self) -> str:
        return f"{self.case.case_id} delivery {self.number}: line {self.line_number} × {self.quantity}"


class ServicePerformance(models.Model):
    """A services line performed through a month of its months of service (instead of deliveries)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="service_performances")
    line_number = models.CharField(max_length=3)
    performed_through_month = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "line_number", "performed_through_month"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "line_number", "performed_through_month"], name="serviceperformance_once_per_month"
            ),
            models.CheckConstraint(
                condition=Q(performed_through_month__gte=1), name="serviceperformance_month_positive"
            ),
        ]
        triggers = _unchangeable("serviceperformance")

    def __str__(self) -> str:
        return f"{self.case.case_id} line {self.line_number} performed through month {self.performed_through_month}"


class SupplyDiscrepancyReport(models.Model):
    """A purchaser's report of a shortage, overage, damage, wrong item or quality deficiency."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sdrs")
    number = models.PositiveIntegerField(help_text="1, 2 … within the case.")
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="sdrs")
    kind = models.CharField(max_length=12, choices=SdrKind.choices)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    value = MoneyField()
    description = models.TextField()
    status = models.CharField(max_length=12, choices=SdrStatus.choices, default=SdrStatus.SUBMITTED)
    resolution = models.CharField(max_length=12, choices=SdrResolution.choices, blank=True)
    resolution_note = models.TextField(blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["case", "number"]
        verbose_name = "supply discrepancy report"
        permissions = [
            ("file_sdr", "Can file supply discrepancy reports for its own purchaser"),
            ("resolve_sdr", "Can review and resolve supply discrepancy reports"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="sdr_unique_number_per_case"),
            choices_check("kind", SdrKind, "sdr_kind_valid"),
            choices_check("status", SdrStatus, "sdr_status_valid"),
            models.CheckConstraint(
                condition=Q(resolution="") | Q(resolution__in=SdrResolution.values), name="sdr_resolution_valid"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sdr_quantity_positive"),
            models.CheckConstraint(condition=~Q(description=""), name="sdr_has_description"),
            models.CheckConstraint(
                condition=Q(value__gte=SDR_MINIMUM_VALUE) | Q(kind__in=SDR_MINIMUM_VALUE_EXEMPT),
                name="sdr_minimum_value",
            ),
            models.CheckConstraint(
                condition=(Q(status=SdrStatus.RESOLVED) & ~Q(resolution="") & ~Q(resolution_note=""))
                | (~Q(status=SdrStatus.RESOLVED) & Q(resolution="")),
                name="sdr_resolved_has_resolution",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.case_id} SDR {self.number} ({self.kind}, {self.status})"


class FinancialTransaction(models.Model):
    """One money fact of a case, as DFAS reports it (imported) or finance records it (deposits, collections)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="financial_transactions")
    line_number = models.CharField(max_length=3, blank=True, help_text="Empty: the case as a whole.")
    kind = models.CharField(max_length=12, choices=TransactionKind.choices)
    amount = MoneyField()
    posted_on = models.DateField()
    source_ref = models.CharField(max_length=64, unique=True, help_text="The source's own id: imports are idempotent.")
    description = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "posted_on", "id"]
        indexes = [models.Index(fields=["case", "posted_on"], name="financialtx_case_posted")]
        constraints = [
            choices_check("kind", TransactionKind, "financialtransaction_kind_valid"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="financialtransaction_amount_nonnegative"),
            models.CheckConstraint(
                condition=Q(line_number="") | Q(line_number__regex=rules.LINE_NUMBER_PATTERN),
                name="financialtransaction_line_number_format",
            ),
        ]
        triggers = _unchangeable("financialtransaction")

    def __str__(self) -> str:
        return f"{self.case.case_id} {self.kind} {self.amount} on {self.posted_on} ({self.source_ref})"

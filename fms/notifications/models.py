"""AECA 36(b) congressional notifications (DESIGN §3, §4.4).

The table keeps its original name (`cases_congressionalnotification`): the model moved here from
`cases` without moving a row.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from fms.notifications import rules
from fms.reference.models import Purchaser

MONEY_MAX = Decimal("9999999999999.99")


def MoneyField(**kwargs) -> models.DecimalField:
    """US dollars, NUMERIC(15,2), never negative."""
    return models.DecimalField(
        max_digits=15,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00")), MaxValueValidator(MONEY_MAX)],
        **kwargs,
    )


class CongressionalNotification(models.Model):
    """An AECA section 36(b) notification to Congress of a proposed sale."""

    transmittal_number = models.CharField(
        max_length=6,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{2}-[0-9]{1,3}$", "Use YY-N, YY-NN or YY-NNN, e.g. 18-12.")],
        help_text="YY-N, YY-NN or YY-NNN; empty until known.",
    )
    purchaser = models.ForeignKey(Purchaser, on_delete=models.PROTECT, related_name="notifications")
    notified_on = models.DateField()
    mde_value = MoneyField(null=True, blank=True, verbose_name="MDE value", help_text="Empty when not recorded.")
    total_value = MoneyField()
    description = models.TextField(blank=True)
    emergency = models.BooleanField(default=False, help_text="Emergency waiver of the congressional review period.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "cases_congressionalnotification"
        ordering = ["-notified_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(transmittal_number__regex=r"^[0-9]{2}-[0-9]{1,3}$"),
                name="notification_transmittal_format",
            ),
            models.CheckConstraint(condition=Q(mde_value__gte=0), name="notification_mde_value_nonnegative"),
            models.CheckConstraint(condition=Q(total_value__gte=0), name="notification_total_value_nonnegative"),
        ]

    def __str__(self) -> str:
        number = self.transmittal_number or "transmittal number unknown"
        return f"36(b) {number} — {self.purchaser_id}"

    @property
    def formal_review_days(self) -> int:
        return rules.NOTIFICATION_THRESHOLDS[self.purchaser.review_group].formal_review_days

    @property
    def review_ends_on(self):
        return rules.review_ends_on(self.notified_on, self.formal_review_days)

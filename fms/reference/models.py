"""Reference data every app reads: purchasers and implementing agencies.

They were defined in the cases app; the tables keep their names (cases_purchaser,
cases_implementingagency) so no row moved when they came here.
"""

from django.db import models
from django.db.models import Q

from fms.reference.codes import AGENCY_CODE_PATTERN, PURCHASER_CODE_PATTERN, ReviewGroup


class Purchaser(models.Model):
    """A purchaser government or organization, identified by its FMS customer code (not ISO)."""

    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=100, unique=True)
    review_group = models.CharField(max_length=12, choices=ReviewGroup.choices)

    class Meta:
        db_table = "cases_purchaser"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=PURCHASER_CODE_PATTERN), name="purchaser_code_format"),
            models.CheckConstraint(
                condition=Q(review_group__in=ReviewGroup.values), name="purchaser_review_group_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class ImplementingAgency(models.Model):
    """The U.S. military department or agency that implements a case (B Army, D Air Force, P Navy)."""

    code = models.CharField(max_length=1, primary_key=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        db_table = "cases_implementingagency"
        ordering = ["code"]
        verbose_name_plural = "implementing agencies"
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=AGENCY_CODE_PATTERN), name="agency_code_format"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class PurchaserReviewGroup(models.Model):
    """A purchaser's 36(b) review group over a period (DESIGN §3): a notification takes the group in
    force on its date, so re-grouping a purchaser (Korea 2008, Finland 2023, Sweden 2024) changes no
    record made before. `valid_to` is the first day of the next period; empty while in force."""

    purchaser = models.ForeignKey(Purchaser, on_delete=models.PROTECT, related_name="review_groups")
    review_group = models.CharField(max_length=12, choices=ReviewGroup.choices)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="Exclusive; empty while in force.")
    source = models.CharField(max_length=200, blank=True, help_text="The law or event that set it.")

    class Meta:
        ordering = ["purchaser", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_group__in=ReviewGroup.values), name="purchaserreviewgroup_group_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="purchaserreviewgroup_period_forward",
            ),
            models.UniqueConstraint(fields=["purchaser", "valid_from"], name="purchaserreviewgroup_one_start"),
            models.UniqueConstraint(
                fields=["purchaser"], condition=Q(valid_to__isnull=True), name="purchaserreviewgroup_one_open"
            ),
        ]

    def __str__(self) -> str:
        until = f" until {self.valid_to:%d %b %Y}" if self.valid_to else ""
        return f"{self.purchaser_id}: {self.review_group} from {self.valid_from:%d %b %Y}{until}"

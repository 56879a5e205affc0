"""The FMS domain (DESIGN §3). Invariants live in the database as constraints and triggers.

Rows are written only by fms.cases.services; their ledger events live in fms.ledger.
"""

from decimal import Decimal

import pghistory
import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Concat

from fms.cases import rules
from fms.cases.choices import CaseStatus, LineCategory, LineStatus
from fms.notifications.models import CongressionalNotification
from fms.reference.codes import LINE_CODE_TABLES, DeliveryTermCode, OfferReleaseCode, SourceOfSupply, TypeOfAssistance
from fms.reference.models import ImplementingAgency, Purchaser


def MoneyField(**kwargs) -> models.DecimalField:
    """US dollars, NUMERIC(15,2), never negative."""
    return models.DecimalField(
        max_digits=rules.MONEY_MAX_DIGITS,
        decimal_places=rules.MONEY_DECIMAL_PLACES,
        validators=[MinValueValidator(Decimal("0.00")), MaxValueValidator(rules.MONEY_MAX)],
        **kwargs,
    )


def pattern(regex: str, message: str) -> RegexValidator:
    return RegexValidator(regex, message)


def choices_check(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


def validate_masl(value: str) -> None:
    problem = rules.masl_problem(value)
    if problem:
        raise ValidationError(problem)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["updated_at", "version", "total_value", "mde_value", "design_construction_value"],
    model_name="CaseHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class Case(models.Model):
    """An FMS case: one Letter of Offer and Acceptance (LOA) for one purchaser and agency.

    The money totals are maintained by a database trigger from the case's line items, so they
    are exact to the cent whatever writes the lines.
    """

    case_id = models.CharField(
        max_length=8,
        unique=True,
        validators=[pattern(rules.CASE_ID_PATTERN, "Use customer code, agency letter and designator: JA-P-SAA.")],
        help_text="Customer code, agency code, designator: JA-P-SAA.",
    )
    purchaser = models.ForeignKey(Purchaser, on_delete=models.PROTECT, related_name="cases")
    implementing_agency = models.ForeignKey(ImplementingAgency, on_delete=models.PROTECT, related_name="cases")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.DEVELOPMENT)
    lor_date = models.DateField(
        null=True, blank=True, verbose_name="LOR date", help_text="Date of the Letter of Request."
    )
    lor_received_on = models.DateField(null=True, blank=True, verbose_name="LOR received on")
    offer_expires_on = models.DateField(null=True, blank=True)
    milap_on = models.DateField(
        null=True, blank=True, editable=False, verbose_name="MILAP date", help_text="When the case entered write."
    )
    open_document = models.CharField(
        max_length=5,
        blank=True,
        default="",
        db_default="",
        editable=False,
        help_text="The amendment or modification being written (its working lines are editable); set by documents.",
    )
    notification = models.ForeignKey(
        CongressionalNotification, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    total_value = MoneyField(default=Decimal("0.00"), editable=False)
    mde_value = MoneyField(default=Decimal("0.00"), editable=False, verbose_name="MDE value")
    design_construction_value = MoneyField(default=Decimal("0.00"), editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-updated_at", "-id"]
        permissions = [
            ("transition_case", "Can move a case through its staff steps"),
            ("review_case", "Can move a case out of review"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(case_id__regex=rules.CASE_ID_PATTERN), name="case_id_format"),
            models.CheckConstraint(
                condition=Q(
                    case_id__startswith=Concat(
                        F("purchaser_id"),
                        models.Value("-"),
                        F("implementing_agency_id"),
                        output_field=models.CharField(),
                    )
                ),
                name="case_id_matches_purchaser_and_agency",
            ),
            choices_check("status", CaseStatus, "case_status_valid"),
            models.CheckConstraint(condition=Q(version__gte=1), name="case_version_positive"),
            models.CheckConstraint(
                condition=Q(total_value__gte=0, mde_value__gte=0, design_construction_value__gte=0),
                name="case_values_nonnegative",
            ),
        ]
        indexes = [
            models.Index(fields=["updated_at", "id"], name="case_updated_keyset"),
            models.Index(fields=["purchaser", "updated_at", "id"], name="case_purchaser_keyset"),
            models.Index(fields=["status"], name="case_status_idx"),
        ]
        triggers = [
            pgtrigger.ReadOnly(name="case_identity_immutable", fields=["case_id", "purchaser", "implementing_agency"]),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} — {self.title}"

    @property
    def notification_required(self) -> bool:
        return rules.notification_required(
            review_group=self.purchaser.review_group,
            mde_value=self.mde_value,
            total_value=self.total_value,
            design_construction_value=self.design_construction_value,
        )


# Recomputes the stored totals of the case(s) whose lines changed, in the same statement.
_CASE_TOTALS_SQL = """
    UPDATE cases_case c SET
        total_value = t.total_value,
        mde_value = t.mde_value,
        design_construction_value = t.design_construction_value
    FROM (
        SELECT
            COALESCE(SUM(l.total_cost), 0) AS total_value,
            COALESCE(SUM(l.total_cost) FILTER (WHERE l.is_mde), 0) AS mde_value,
            COALESCE(SUM(l.total_cost) FILTER (WHERE l.category = 'design_construction'), 0)
                AS design_construction_value
        FROM cases_lineitem l
        WHERE l.case_id = {case} AND l.removed_at IS NULL
    ) t
    WHERE c.id = {case};
"""


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["updated_at", "version", "total_cost"],
    model_name="LineItemHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class LineItem(models.Model):
    """One line of a case: what is sold, how many, at what unit cost. Reviewed on its own.

    A removed line keeps its row (its review history points at it) but leaves the case.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="lines")
    line_number = models.CharField(
        max_length=3, validators=[pattern(rules.LINE_NUMBER_PATTERN, "A line number has three digits, 001 to 999.")]
    )
    category = models.CharField(max_length=24, choices=LineCategory.choices)
    description = models.TextField()
    masl = models.CharField(
        max_length=16,
        blank=True,
        verbose_name="MASL",
        validators=[validate_masl],
        help_text="Military Articles and Services List number; spaces and dashes are removed.",
    )
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    # Three wide although the code has two letters: history rows from before the rule keep "LOT".
    unit_of_issue = models.CharField(
        max_length=3,
        default="EA",
        validators=[pattern(rules.UNIT_OF_ISSUE_PATTERN, "Two capital letters, the DoD unit of issue: EA, LO, MO...")],
    )
    unit_cost = MoneyField()
    total_cost = models.GeneratedField(
        expression=F("quantity") * F("unit_cost"),
        output_field=models.DecimalField(max_digits=rules.MONEY_MAX_DIGITS, decimal_places=rules.MONEY_DECIMAL_PLACES),
        db_persist=True,
    )
    is_mde = models.BooleanField(default=False, verbose_name="MDE", help_text="Major Defense Equipment.")
    is_sme = models.BooleanField(
        default=False, verbose_name="SME", help_text="Significant Military Equipment (every MDE is also SME)."
    )
    # The LOA line codes (SAMM C5.4; tables in fms.reference.codes). Empty until the case writer sets
    # them; the database default keeps rows written by SQL (bulk loads) valid too.
    source_code = models.CharField(
        max_length=1,
        blank=True,
        default="",
        db_default="",
        choices=SourceOfSupply.choices,
        verbose_name="source of supply",
    )
    type_of_assistance = models.CharField(
        max_length=1, blank=True, default="", db_default="", choices=TypeOfAssistance.choices
    )
    offer_release_code = models.CharField(
        max_length=1, blank=True, default="", db_default="", choices=OfferReleaseCode.choices
    )
    delivery_term_code = models.CharField(
        max_length=1, blank=True, default="", db_default="", choices=DeliveryTermCode.choices
    )
    months_of_service = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="For services: how many months."
    )
    delivery_from_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Estimated delivery starts this many months after acceptance."
    )
    delivery_to_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Estimated delivery ends this many months after acceptance."
    )
    review_status = models.CharField(max_length=10, choices=LineStatus.choices, default=LineStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["case", "line_number"]
        permissions = [("approve_lineitem", "Can approve, reject or return a submitted line item")]
        constraints = [
            models.UniqueConstraint(fields=["case", "line_number"], name="lineitem_unique_number_per_case"),
            models.CheckConstraint(
                condition=Q(line_number__regex=rules.LINE_NUMBER_PATTERN), name="lineitem_number_format"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="lineitem_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="lineitem_unit_cost_nonnegative"),
            models.CheckConstraint(
                condition=Q(masl="") | Q(masl__regex=rules.MASL_PATTERN), name="lineitem_masl_format"
            ),
            models.CheckConstraint(
                condition=Q(unit_of_issue__regex=rules.UNIT_OF_ISSUE_PATTERN), name="lineitem_unit_of_issue_format"
            ),
            choices_check("category", LineCategory, "lineitem_category_valid"),
            choices_check("review_status", LineStatus, "lineitem_review_status_valid"),
            *(
                models.CheckConstraint(
                    condition=Q(**{field: ""}) | Q(**{f"{field}__in": table.values}), name=f"lineitem_{field}_valid"
                )
                for field, table in LINE_CODE_TABLES.items()
            ),
            models.CheckConstraint(condition=Q(is_mde=False) | Q(is_sme=True), name="lineitem_mde_is_sme"),
            models.CheckConstraint(
                condition=Q(months_of_service__isnull=True) | Q(months_of_service__gte=1),
                name="lineitem_months_of_service_positive",
            ),
            models.CheckConstraint(
                condition=Q(delivery_from_months__isnull=True, delivery_to_months__isnull=True)
                | Q(
                    delivery_from_months__isnull=False,
                    delivery_to_months__isnull=False,
                    delivery_from_months__lte=F("delivery_to_months"),
                ),
                name="lineitem_delivery_period_forward",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="lineitem_version_positive"),
        ]
        triggers = [
            pgtrigger.ReadOnly(name="lineitem_identity_immutable", fields=["case", "line_number"]),
            pgtrigger.Trigger(
                name="lineitem_maintains_case_totals",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
                func=(
                    "IF TG_OP IN ('INSERT', 'UPDATE') THEN "
                    + _CASE_TOTALS_SQL.format(case="NEW.case_id")
                    + " END IF; IF TG_OP = 'DELETE' THEN "
                    + _CASE_TOTALS_SQL.format(case="OLD.case_id")
                    + " END IF; RETURN NULL;"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.case_id} line {self.line_number}"

    def clean(self) -> None:
        errors = {}
        if self.is_mde and not self.is_sme:
            errors["is_sme"] = ["Major Defense Equipment is always Significant Military Equipment: set SME too."]
        start, end = self.delivery_from_months, self.delivery_to_months
        if (start is None) != (end is None):
            errors["delivery_to_months"] = ["Give both ends of the estimated delivery period, or neither."]
        elif start is not None and end is not None and end < start:
            errors["delivery_to_months"] = ["The estimated delivery period must end on or after its start."]
        if errors:
            raise ValidationError(errors)

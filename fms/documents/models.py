"""LOA documents (DESIGN §3, §4.3): each version of the offer, frozen when offered or issued.

A draft amendment or modification has no content rows of its own: its content is the case's
working lines. Offering (or issuing) copies them into LoaDocumentLine rows, adds the LOA notes,
the cost summary and the payment schedule, and records the SHA-256 of all of it. From then on the
database itself refuses to change that content: see the triggers below.

Rows are written only by fms.documents.services.
"""

import datetime as dt

import pgtrigger
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from fms.cases import rules
from fms.cases.choices import LineCategory
from fms.cases.models import Case, MoneyField, choices_check
from fms.documents.choices import (
    FROZEN_STATUSES,
    AcceptanceMethod,
    DocumentKind,
    DocumentStatus,
    LineChange,
)
from fms.reference.codes import LINE_CODE_TABLES

SHA256_HEX = r"^[0-9a-f]{64}$"
FINAL = "('accepted', 'expired', 'withdrawn', 'issued')"

# What a frozen document keeps: once content_hash is set these columns never change again.
FROZEN_DOCUMENT_COLUMNS = (
    "case_id",
    "label",
    "kind",
    "reason",
    "terms_of_sale",
    "title",
    "description",
    "offered_on",
    "offer_expires_on",
    "issued_on",
    "supersedes_id",
    "content_hash",
    "net_estimated_cost",
    "packing_crating_handling",
    "transportation",
    "administrative_surcharge",
    "contract_administration",
    "other",
    "total_estimated_cost",
    "entered_payment_schedule",
    "created_by_id",
)
_changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN_DOCUMENT_COLUMNS)
# The one way out of a final status: a reviewer's reinstatement of an expired offer with a new OED.
_REINSTATED = (
    "(OLD.status = 'expired' AND NEW.status = 'offered' AND "
    "COALESCE(NEW.reinstated_until > COALESCE(OLD.reinstated_until, OLD.offer_expires_on), FALSE))"
)
_DOCUMENT_FROZEN_SQL = f"""
    IF OLD.status IN {FINAL} AND NOT {_REINSTATED} THEN
        RAISE EXCEPTION 'LOA document % is %: it cannot change any more', OLD.label, OLD.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'loadocument_final_is_final';
    END IF;
    IF OLD.content_hash <> '' AND ({_changed}) THEN
        RAISE EXCEPTION 'LOA document % is frozen: its content and hash cannot change', OLD.label
            USING ERRCODE = 'check_violation', CONSTRAINT = 'loadocument_frozen_content';
    END IF;
    RETURN NEW;
"""
# Content rows are written while their document is still a draft (in the offering transaction).
_CONTENT_INSERT_SQL = """
    IF EXISTS (SELECT 1 FROM documents_loadocument d WHERE d.id = NEW.document_id AND d.content_hash <> '') THEN
        RAISE EXCEPTION 'LOA document % is frozen: no content can be added', NEW.document_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'loadocument_frozen_content';
    END IF;
    RETURN NEW;
"""


def frozen_content_triggers(prefix: str) -> list:
    return [
        pgtrigger.Protect(name=f"{prefix}_frozen", operation=pgtrigger.Update | pgtrigger.Delete),
        pgtrigger.Trigger(
            name=f"{prefix}_only_into_drafts",
            when=pgtrigger.Before,
            operation=pgtrigger.Insert,
            func=_CONTENT_INSERT_SQL,
        ),
    ]


class LoaDocument(models.Model):
    """One version of a case's LOA: the BASIC offer, an amendment (A01…) or a modification (M01…)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    label = models.CharField(max_length=5, help_text="BASIC, A01, A02 … for amendments, M01 … for modifications.")
    kind = models.CharField(max_length=12, choices=DocumentKind.choices)
    status = models.CharField(max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    reason = models.TextField(blank=True, help_text="What changes and why (amendments and modifications).")
    terms_of_sale = models.CharField(max_length=100, default="Cash with acceptance")
    # The case header as the document froze it (the case's own header is frozen from offered on).
    title = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="The document it changes."
    )
    offered_on = models.DateField(null=True, blank=True)
    offer_expires_on = models.DateField(null=True, blank=True, verbose_name="offer expiration date (OED)")
    # Not part of the frozen content: the OED moves only by a reviewer's recorded reinstatement
    # (services.document_reinstate), which keeps the offered OED, and so the content hash, as they were.
    reinstated_until = models.DateField(
        null=True, blank=True, help_text="The OED set by the latest reinstatement; the offer is open until then."
    )
    issued_on = models.DateField(null=True, blank=True)
    accepted_on = models.DateField(null=True, blank=True)
    acceptance_method = models.CharField(max_length=20, blank=True, choices=AcceptanceMethod.choices)
    signatory_name = models.CharField(max_length=150, blank=True)
    signatory_title = models.CharField(max_length=150, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_copy_sha256 = models.CharField(max_length=64, blank=True, help_text="SHA-256 of a countersigned copy.")
    withdrawn_reason = models.TextField(blank=True)
    content_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the canonical JSON of the frozen content."
    )
    # Entered while drafting (None: not entered); then the cost summary, fixed when frozen.
    packing_crating_handling = MoneyField(null=True, blank=True)
    transportation = MoneyField(null=True, blank=True)
    other = MoneyField(null=True, blank=True)
    net_estimated_cost = MoneyField(null=True, blank=True)
    administrative_surcharge = MoneyField(null=True, blank=True)
    contract_administration = MoneyField(null=True, blank=True)
    total_estimated_cost = MoneyField(null=True, blank=True)
    # A draft's payment schedule as staff entered it ([{"due_on": "YYYY-MM-DD" | null, "amount": "…"}], the
    # first row the deposit, dated when offered); None: the quarterly schedule is generated when frozen.
    entered_payment_schedule = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "created_at", "id"]
        permissions = [
            ("offer_loadocument", "Can offer, issue and withdraw LOA documents"),
            ("record_acceptance", "Can record a countersigned paper acceptance"),
            ("accept_loadocument", "Can accept an offered LOA document for its own purchaser"),
            ("reinstate_loadocument", "Can reinstate an offer with a new offer expiration date"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case", "label"], name="loadocument_unique_label_per_case"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(status=DocumentStatus.DRAFT), name="loadocument_one_open_draft"
            ),
            choices_check("kind", DocumentKind, "loadocument_kind_valid"),
            choices_check("status", DocumentStatus, "loadocument_status_valid"),
            models.CheckConstraint(
                condition=Q(kind=DocumentKind.BASIC, label="BASIC")
                | Q(kind=DocumentKind.AMENDMENT, label__regex=r"^A[0-9]{2}$")
                | Q(kind=DocumentKind.MODIFICATION, label__regex=r"^M[0-9]{2}$"),
                name="loadocument_label_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind=DocumentKind.MODIFICATION, status__in=["draft", "issued", "withdrawn"])
                | (~Q(kind=DocumentKind.MODIFICATION) & ~Q(status=DocumentStatus.ISSUED)),
                name="loadocument_status_fits_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind=DocumentKind.BASIC) | ~Q(reason=""), name="loadocument_change_has_a_reason"
            ),
            models.CheckConstraint(
                condition=(Q(status__in=FROZEN_STATUSES) & Q(content_hash__regex=SHA256_HEX))
                | Q(status=DocumentStatus.DRAFT, content_hash="")
                | Q(status=DocumentStatus.WITHDRAWN),
                name="loadocument_frozen_has_hash",
            ),
            models.CheckConstraint(
                condition=~Q(status=DocumentStatus.ACCEPTED)
                | (Q(accepted_on__isnull=False) & ~Q(signatory_name="") & ~Q(acceptance_method="")),
                name="loadocument_acceptance_is_complete",
            ),
            models.CheckConstraint(
                condition=~Q(acceptance_method=AcceptanceMethod.COUNTERSIGNED_COPY)
                | Q(signed_copy_sha256__regex=SHA256_HEX),
                name="loadocument_countersigned_copy_has_hash",
            ),
            models.CheckConstraint(
                condition=Q(offer_expires_on__isnull=True) | Q(offered_on__lte=F("offer_expires_on")),
                name="loadocument_expires_after_offer",
            ),
            models.CheckConstraint(
                condition=Q(reinstated_until__isnull=True) | Q(reinstated_until__gt=F("offer_expires_on")),
                name="loadocument_reinstated_after_the_oed",
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="loadocument_frozen_content",
                when=pgtrigger.Before,
                operation=pgtrigger.Update,
                func=_DOCUMENT_FROZEN_SQL,
            ),
            pgtrigger.Protect(name="loadocument_no_delete", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.case.case_id} {self.label} ({self.status})"

    @property
    def frozen(self) -> bool:
        return bool(self.content_hash)

    @property
    def open_until(self) -> dt.date | None:
        """The OED in force: the latest reinstatement's, else the one offered (and hashed)."""
        return self.reinstated_until or self.offer_expires_on


def open_until() -> Coalesce:
    """LoaDocument.open_until in SQL, to filter and order by."""
    return Coalesce("reinstated_until", "offer_expires_on")


class LoaDocumentLine(models.Model):
    """A line as the document froze it, with how it changed against the superseded document."""

    document = models.ForeignKey(LoaDocument, on_delete=models.PROTECT, related_name="lines")
    line_number = models.CharField(max_length=3)
    change = models.CharField(max_length=10, choices=LineChange.choices)
    category = models.CharField(max_length=24, choices=LineCategory.choices)
    description = models.TextField()
    masl = models.CharField(max_length=16, blank=True)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    unit_of_issue = models.CharField(max_length=2)
    unit_cost = MoneyField()
    total_cost = models.GeneratedField(
        expression=F("quantity") * F("unit_cost"),
        output_field=models.DecimalField(max_digits=rules.MONEY_MAX_DIGITS, decimal_places=rules.MONEY_DECIMAL_PLACES),
        db_persist=True,
    )
    is_mde = models.BooleanField()
    is_sme = models.BooleanField()
    source_code = models.CharField(max_length=1, blank=True)
    type_of_assistance = models.CharField(max_length=1, blank=True)
    offer_release_code = models.CharField(max_length=1, blank=True)
    delivery_term_code = models.CharField(max_length=1, blank=True)
    months_of_service = models.PositiveSmallIntegerField(null=True, blank=True)
    delivery_from_months = models.PositiveSmallIntegerField(null=True, blank=True)
    delivery_to_months = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["document", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "line_number"], name="loadocumentline_unique_number"),
            models.CheckConstraint(
                condition=Q(line_number__regex=rules.LINE_NUMBER_PATTERN), name="loadocumentline_number_format"
            ),
            choices_check("change", LineChange, "loadocumentline_change_valid"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="loadocumentline_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="loadocumentline_unit_cost_nonnegative"),
            models.CheckConstraint(condition=Q(is_mde=False) | Q(is_sme=True), name="loadocumentline_mde_is_sme"),
            *(
                models.CheckConstraint(
                    condition=Q(**{field: ""}) | Q(**{f"{field}__in": table.values}),
                    name=f"loadocumentline_{field}_valid",
                )
                for field, table in LINE_CODE_TABLES.items()
            ),
        ]
        triggers = frozen_content_triggers("loadocumentline")

    def __str__(self) -> str:
        return f"{self.document} line {self.line_number} ({self.change})"


class LoaNote(models.Model):
    """A note of the LOA, taken from the library of standard notes when the document is frozen."""

    document = models.ForeignKey(LoaDocument, on_delete=models.PROTECT, related_name="notes")
    number = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=40, help_text="The library note it comes from.")
    title = models.CharField(max_length=200)
    text = models.TextField()

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="loanote_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="loanote_number_positive"),
        ]
        triggers = frozen_content_triggers("loanote")

    def __str__(self) -> str:
        return f"{self.document} note {self.number}: {self.title}"


class PaymentScheduleRow(models.Model):
    """One row of the document's payment schedule; the first is the initial deposit."""

    document = models.ForeignKey(LoaDocument, on_delete=models.PROTECT, related_name="payment_schedule")
    position = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    amount = MoneyField()
    cumulative = MoneyField()

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="paymentschedulerow_unique_position"),
            models.CheckConstraint(
                condition=Q(amount__gte=0, cumulative__gte=F("amount")), name="paymentschedulerow_amounts_valid"
            ),
        ]
        triggers = frozen_content_triggers("paymentschedulerow")

    def __str__(self) -> str:
        return f"{self.document} payment {self.position}: {self.amount} due {self.due_on}"

"""LOA documents (DESIGN §3, §4.3): versions of the offer (BASIC, amendments A01…, modifications
M01…, SAMM C5.4 and C6.7), their frozen lines, notes and payment schedule. Triggers make frozen
content unchangeable in the database; a partial unique index allows one open draft per case.
"""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.db.models.expressions
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0007_case_milap_and_document_steps"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LoaDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "label",
                    models.CharField(
                        help_text="BASIC, A01, A02 … for amendments, M01 … for modifications.", max_length=5
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("basic", "Basic LOA"), ("amendment", "Amendment"), ("modification", "Modification")],
                        max_length=12,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("offered", "Offered"),
                            ("accepted", "Accepted"),
                            ("expired", "Expired"),
                            ("withdrawn", "Withdrawn"),
                            ("issued", "Issued"),
                        ],
                        default="draft",
                        max_length=10,
                    ),
                ),
                (
                    "reason",
                    models.TextField(blank=True, help_text="What changes and why (amendments and modifications)."),
                ),
                ("terms_of_sale", models.CharField(default="Cash with acceptance", max_length=100)),
                ("title", models.CharField(blank=True, max_length=200)),
                ("description", models.TextField(blank=True)),
                ("offered_on", models.DateField(blank=True, null=True)),
                (
                    "offer_expires_on",
                    models.DateField(blank=True, null=True, verbose_name="offer expiration date (OED)"),
                ),
                ("issued_on", models.DateField(blank=True, null=True)),
                ("accepted_on", models.DateField(blank=True, null=True)),
                (
                    "acceptance_method",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("online", "Online, by a purchaser officer"),
                            ("countersigned_copy", "Countersigned copy entered by staff"),
                        ],
                        max_length=20,
                    ),
                ),
                ("signatory_name", models.CharField(blank=True, max_length=150)),
                ("signatory_title", models.CharField(blank=True, max_length=150)),
                (
                    "signed_copy_sha256",
                    models.CharField(blank=True, help_text="SHA-256 of a countersigned copy.", max_length=64),
                ),
                ("withdrawn_reason", models.TextField(blank=True)),
                (
                    "content_hash",
                    models.CharField(
                        blank=True, help_text="SHA-256 of the canonical JSON of the frozen content.", max_length=64
                    ),
                ),
                (
                    "packing_crating_handling",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=15,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.00")),
                            django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                        ],
                    ),
                ),
                (
                    "transportation",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=15,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.00")),
                            django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                        ],
                    ),
                ),
                (
                    "other",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=15,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.00")),
                            django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                        ],
                    ),
                ),
                (
                    "net_estimated_cost",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=15,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.00")),
                            django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                        ],
                    ),
                ),
                (
                    "administrative_surcharge",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=15,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.00")),
                            django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                        ],
                    ),
                ),
                (
                    "contract_administration",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=15,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.00")),
                            django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                        ],
                    ),
                ),
                (
                    "total_estimated_cost",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=15,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.00")),
                            django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                        ],
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "accepted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="documents", to="cases.case"
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "supersedes",
                    models.ForeignKey(
                        blank=True,
                        help_text="The document it changes.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="documents.loadocument",
                    ),
                ),
            ],
            options={
                "ordering": ["case", "created_at", "id"],
                "permissions": [
                    ("offer_loadocument", "Can offer, issue and withdraw LOA documents"),
                    ("record_acceptance", "Can record a countersigned paper acceptance"),
                    ("accept_loadocument", "Can accept an offered LOA document for its own purchaser"),
                ],
            },
        ),
        migrations.CreateModel(
            name="LoaDocumentLine",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("line_number", models.CharField(max_length=3)),
                (
                    "change",
                    models.CharField(
                        choices=[
                            ("added", "Added"),
                            ("changed", "Changed"),
                            ("removed", "Removed"),
                            ("unchanged", "Unchanged"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("missile", "Missile"),
                            ("launcher_canister", "Launcher / canister"),
                            ("contractor_support", "Contractor support"),
                            ("government_support", "U.S. Government support"),
                            ("training", "Training"),
                            ("transportation", "Transportation"),
                            ("spare_parts", "Spare parts"),
                            ("design_construction", "Design & construction"),
                            ("other", "Other"),
                        ],
                        max_length=24,
                    ),
                ),
                ("description", models.TextField()),
                ("masl", models.CharField(blank=True, max_length=16)),
                ("quantity", models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)])),
                ("unit_of_issue", models.CharField(max_length=2)),
                (
                    "unit_cost",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=15,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.00")),
                            django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                        ],
                    ),
                ),
                (
                    "total_cost",
                    models.GeneratedField(
                        db_persist=True,
                        expression=django.db.models.expressions.CombinedExpression(
                            models.F("quantity"), "*", models.F("unit_cost")
                        ),
                        output_field=models.DecimalField(decimal_places=2, max_digits=15),
                    ),
                ),
                ("is_mde", models.BooleanField()),
                ("is_sme", models.BooleanField()),
                ("source_code", models.CharField(blank=True, max_length=1)),
                ("type_of_assistance", models.CharField(blank=True, max_length=1)),
                ("offer_release_code", models.CharField(blank=True, max_length=1)),
                ("delivery_term_code", models.CharField(blank=True, max_length=1)),
                ("months_of_service", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("delivery_from_months", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("delivery_to_months", models.PositiveSmallIntegerField(blank=True, null=True)),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="lines", to="documents.loadocument"
                    ),
                ),
            ],
            options={
                "ordering": ["document", "line_number"],
            },
        ),
        migrations.CreateModel(
            name="LoaNote",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveSmallIntegerField()),
                ("key", models.CharField(help_text="The library note it comes from.", max_length=40)),
                ("title", models.CharField(max_length=200)),
                ("text", models.TextField()),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="notes", to="documents.loadocument"
                    ),
                ),
            ],
            options={
                "ordering": ["document", "number"],
            },
        ),
        migrations.CreateModel(
            name="PaymentScheduleRow",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField()),
                ("due_on", models.DateField()),
                (
                    "amount",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=15,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.00")),
                            django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                        ],
                    ),
                ),
                (
                    "cumulative",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=15,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.00")),
                            django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                        ],
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="payment_schedule",
                        to="documents.loadocument",
                    ),
                ),
            ],
            options={
                "ordering": ["document", "position"],
            },
        ),
        migrations.AddConstraint(
            model_name="loadocument",
            constraint=models.UniqueConstraint(fields=("case", "label"), name="loadocument_unique_label_per_case"),
        ),
        migrations.AddConstraint(
            model_name="loadocument",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "draft")), fields=("case",), name="loadocument_one_open_draft"
            ),
        ),
        migrations.AddConstraint(
            model_name="loadocument",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["basic", "amendment", "modification"])), name="loadocument_kind_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="loadocument",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["draft", "offered", "accepted", "expired", "withdrawn", "issued"])),
                name="loadocument_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="loadocument",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "basic"), ("label", "BASIC")),
                    models.Q(("kind", "amendment"), ("label__regex", "^A[0-9]{2}$")),
                    models.Q(("kind", "modification"), ("label__regex", "^M[0-9]{2}$")),
                    _connector="OR",
                ),
                name="loadocument_label_matches_kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="loadocument",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "modification"), ("status__in", ["draft", "issued", "withdrawn"])),
                    models.Q(
                        models.Q(("kind", "modification"), _negated=True), models.Q(("status", "issued"), _negated=True)
                    ),
                    _connector="OR",
                ),
                name="loadocument_status_fits_kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="loadocument",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind", "basic"), models.Q(("reason", ""), _negated=True), _connector="OR"),
                name="loadocument_change_has_a_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="loadocument",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("status__in", ("offered", "accepted", "expired", "issued")),
                        ("content_hash__regex", "^[0-9a-f]{64}$"),
                    ),
                    models.Q(("content_hash", ""), ("status", "draft")),
                    ("status", "withdrawn"),
                    _connector="OR",
                ),
                name="loadocument_frozen_has_hash",
            ),
        ),
        migrations.AddConstraint(
            model_name="loadocument",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "accepted"), _negated=True),
                    models.Q(
                        ("accepted_on__isnull", False),
                        models.Q(("signatory_name", ""), _negated=True),
                        models.Q(("acceptance_method", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="loadocument_acceptance_is_complete",
            ),
        ),
        migrations.AddConstraint(
            model_name="loadocument",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("acceptance_method", "countersigned_copy"), _negated=True),
                    ("signed_copy_sha256__regex", "^[0-9a-f]{64}$"),
                    _connector="OR",
                ),
                name="loadocument_countersigned_copy_has_hash",
            ),
        ),
        migrations.AddConstraint(
            model_name="loadocument",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("offer_expires_on__isnull", True),
                    ("offered_on__lte", models.F("offer_expires_on")),
                    _connector="OR",
                ),
                name="loadocument_expires_after_offer",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="loadocument",
            trigger=pgtrigger.compiler.Trigger(
                name="loadocument_frozen_content",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="\n    IF OLD.status IN ('accepted', 'expired', 'withdrawn', 'issued') THEN\n        RAISE EXCEPTION 'LOA document % is %: it cannot change any more', OLD.label, OLD.status\n            USING ERRCODE = 'check_violation', CONSTRAINT = 'loadocument_final_is_final';\n    END IF;\n    IF OLD.content_hash <> '' AND (NEW.case_id IS DISTINCT FROM OLD.case_id OR NEW.label IS DISTINCT FROM OLD.label OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.reason IS DISTINCT FROM OLD.reason OR NEW.terms_of_sale IS DISTINCT FROM OLD.terms_of_sale OR NEW.title IS DISTINCT FROM OLD.title OR NEW.description IS DISTINCT FROM OLD.description OR NEW.offered_on IS DISTINCT FROM OLD.offered_on OR NEW.offer_expires_on IS DISTINCT FROM OLD.offer_expires_on OR NEW.issued_on IS DISTINCT FROM OLD.issued_on OR NEW.supersedes_id IS DISTINCT FROM OLD.supersedes_id OR NEW.content_hash IS DISTINCT FROM OLD.content_hash OR NEW.net_estimated_cost IS DISTINCT FROM OLD.net_estimated_cost OR NEW.packing_crating_handling IS DISTINCT FROM OLD.packing_crating_handling OR NEW.transportation IS DISTINCT FROM OLD.transportation OR NEW.administrative_surcharge IS DISTINCT FROM OLD.administrative_surcharge OR NEW.contract_administration IS DISTINCT FROM OLD.contract_administration OR NEW.other IS DISTINCT FROM OLD.other OR NEW.total_estimated_cost IS DISTINCT FROM OLD.total_estimated_cost OR NEW.created_by_id IS DISTINCT FROM OLD.created_by_id) THEN\n        RAISE EXCEPTION 'LOA document % is frozen: its content and hash cannot change', OLD.label\n            USING ERRCODE = 'check_violation', CONSTRAINT = 'loadocument_frozen_content';\n    END IF;\n    RETURN NEW;\n",
                    hash="4fc84fb2cb5a03aed48c11e27434d1cd590ab177",
                    operation="UPDATE",
                    pgid="pgtrigger_loadocument_frozen_content_de3fc",
                    table="documents_loadocument",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="loadocument",
            trigger=pgtrigger.compiler.Trigger(
                name="loadocument_no_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot delete rows from % table', TG_TABLE_NAME;",
                    hash="038562866ec1b05a04e078b89fb4842a23997ae0",
                    operation="DELETE",
                    pgid="pgtrigger_loadocument_no_delete_22cdc",
                    table="documents_loadocument",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="loadocumentline",
            constraint=models.UniqueConstraint(
                fields=("document", "line_number"), name="loadocumentline_unique_number"
            ),
        ),
        migrations.AddConstraint(
            model_name="loadocumentline",
            constraint=models.CheckConstraint(
                condition=models.Q(("line_number__regex", "^(00[1-9]|0[1-9][0-9]|[1-9][0-9]{2})$")),
                name="loadocumentline_number_format",
            ),
        ),
        migrations.AddConstraint(
            model_name="loadocumentline",
            constraint=models.CheckConstraint(
                condition=models.Q(("change__in", ["added", "changed", "removed", "unchanged"])),
                name="loadocumentline_change_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="loadocumentline",
            constraint=models.CheckConstraint(
                condition=models.Q(("quantity__gt", 0)), name="loadocumentline_quantity_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="loadocumentline",
            constraint=models.CheckConstraint(
                condition=models.Q(("unit_cost__gte", 0)), name="loadocumentline_unit_cost_nonnegative"
            ),
        ),
        migrations.AddConstraint(
            model_name="loadocumentline",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_mde", False), ("is_sme", True), _connector="OR"),
                name="loadocumentline_mde_is_sme",
            ),
        ),
        migrations.AddConstraint(
            model_name="loadocumentline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("source_code", ""), ("source_code__in", ["S", "P", "R", "X", "E", "F"]), _connector="OR"
                ),
                name="loadocumentline_source_code_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="loadocumentline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("type_of_assistance", ""),
                    ("type_of_assistance__in", ["3", "4", "5", "6", "7", "8", "A", "M", "N", "U", "V", "Z"]),
                    _connector="OR",
                ),
                name="loadocumentline_type_of_assistance_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="loadocumentline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("offer_release_code", ""), ("offer_release_code__in", ["A", "Y", "Z", "X"]), _connector="OR"
                ),
                name="loadocumentline_offer_release_code_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="loadocumentline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("delivery_term_code", ""),
                    ("delivery_term_code__in", ["2", "3", "4", "5", "7", "8", "9"]),
                    _connector="OR",
                ),
                name="loadocumentline_delivery_term_code_valid",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="loadocumentline",
            trigger=pgtrigger.compiler.Trigger(
                name="loadocumentline_frozen",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="fdcf08f7af6b0d2cab0dedd03703236525538def",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_loadocumentline_frozen_0e775",
                    table="documents_loadocumentline",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="loadocumentline",
            trigger=pgtrigger.compiler.Trigger(
                name="loadocumentline_only_into_drafts",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="\n    IF EXISTS (SELECT 1 FROM documents_loadocument d WHERE d.id = NEW.document_id AND d.content_hash <> '') THEN\n        RAISE EXCEPTION 'LOA document % is frozen: no content can be added', NEW.document_id\n            USING ERRCODE = 'check_violation', CONSTRAINT = 'loadocument_frozen_content';\n    END IF;\n    RETURN NEW;\n",
                    hash="2a40f7f83b384c30e1ea01749701e8f92b209fb8",
                    operation="INSERT",
                    pgid="pgtrigger_loadocumentline_only_into_drafts_3180b",
                    table="documents_loadocumentline",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="loanote",
            constraint=models.UniqueConstraint(fields=("document", "number"), name="loanote_unique_number"),
        ),
        migrations.AddConstraint(
            model_name="loanote",
            constraint=models.CheckConstraint(condition=models.Q(("number__gte", 1)), name="loanote_number_positive"),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="loanote",
            trigger=pgtrigger.compiler.Trigger(
                name="loanote_frozen",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="81e31962152e6d53d15683fa8b41ba08bc0eeecd",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_loanote_frozen_f7c89",
                    table="documents_loanote",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="loanote",
            trigger=pgtrigger.compiler.Trigger(
                name="loanote_only_into_drafts",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="\n    IF EXISTS (SELECT 1 FROM documents_loadocument d WHERE d.id = NEW.document_id AND d.content_hash <> '') THEN\n        RAISE EXCEPTION 'LOA document % is frozen: no content can be added', NEW.document_id\n            USING ERRCODE = 'check_violation', CONSTRAINT = 'loadocument_frozen_content';\n    END IF;\n    RETURN NEW;\n",
                    hash="6b5e0311b24b3c277e856194b4b2e257dc6b1de3",
                    operation="INSERT",
                    pgid="pgtrigger_loanote_only_into_drafts_38760",
                    table="documents_loanote",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="paymentschedulerow",
            constraint=models.UniqueConstraint(
                fields=("document", "position"), name="paymentschedulerow_unique_position"
            ),
        ),
        migrations.AddConstraint(
            model_name="paymentschedulerow",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gte", 0), ("cumulative__gte", models.F("amount"))),
                name="paymentschedulerow_amounts_valid",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="paymentschedulerow",
            trigger=pgtrigger.compiler.Trigger(
                name="paymentschedulerow_frozen",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="1f6dd70390159c9446c5414804159dd558919480",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_paymentschedulerow_frozen_ee22c",
                    table="documents_paymentschedulerow",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="paymentschedulerow",
            trigger=pgtrigger.compiler.Trigger(
                name="paymentschedulerow_only_into_drafts",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="\n    IF EXISTS (SELECT 1 FROM documents_loadocument d WHERE d.id = NEW.document_id AND d.content_hash <> '') THEN\n        RAISE EXCEPTION 'LOA document % is frozen: no content can be added', NEW.document_id\n            USING ERRCODE = 'check_violation', CONSTRAINT = 'loadocument_frozen_content';\n    END IF;\n    RETURN NEW;\n",
                    hash="860882907877c0336a1440b646d837abafee6297",
                    operation="INSERT",
                    pgid="pgtrigger_paymentschedulerow_only_into_drafts_75ab5",
                    table="documents_paymentschedulerow",
                    when="BEFORE",
                ),
            ),
        ),
    ]

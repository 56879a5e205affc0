"""The LOA line fields (DESIGN §3; SAMM C5.4 and the LOA Standardization Guide).

Codes: source of supply, type of assistance (DLM 4000.25-1 AP2.19 and MILSTRIP's FMS type of
assistance table), offer release (SAMM C7.11.2, Table C7.T6), delivery term (DLM 4000.25-1 AP2.5,
SAMM C7.4); the tables are fms.reference.codes. Constraints that existing rows could break are
added in 0006, after 0005 has brought the rows into line.
"""

import django.core.validators
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

import fms.cases.models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_approvalevent_moves_to_ledger"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="lineitem",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="lineitem",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="lineitem",
            name="delete_delete",
        ),
        migrations.RemoveConstraint(
            model_name="lineitem",
            name="lineitem_masl_format",
        ),
        migrations.RemoveConstraint(
            model_name="lineitem",
            name="lineitem_unit_of_issue_format",
        ),
        migrations.AddField(
            model_name="lineitem",
            name="delivery_from_months",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="Estimated delivery starts this many months after acceptance.", null=True
            ),
        ),
        migrations.AddField(
            model_name="lineitem",
            name="delivery_term_code",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                choices=[
                    ("2", "2 — to an inland point in the same area (CONUS to CONUS)"),
                    ("3", "3 — alongside the vessel or aircraft at the port of embarkation"),
                    ("4", "4 — at the origin: the purchaser moves it from there"),
                    ("5", "5 — on board at the port of embarkation"),
                    ("7", "7 — to an overseas inland destination"),
                    ("8", "8 — at the overseas port of debarkation, not unloaded"),
                    ("9", "9 — at the overseas port of debarkation, unloaded"),
                ],
                max_length=1,
            ),
        ),
        migrations.AddField(
            model_name="lineitem",
            name="delivery_to_months",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="Estimated delivery ends this many months after acceptance.", null=True
            ),
        ),
        migrations.AddField(
            model_name="lineitem",
            name="months_of_service",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="For services: how many months.",
                null=True,
                validators=[django.core.validators.MinValueValidator(1)],
            ),
        ),
        migrations.AddField(
            model_name="lineitem",
            name="offer_release_code",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                choices=[
                    ("A", "A — released automatically, without advance notice"),
                    ("Y", "Y — notice of availability first; released if no answer in time"),
                    ("Z", "Z — notice of availability first; held for release instructions"),
                    ("X", "X — special release: no automatic release, instructions in the LOA"),
                ],
                max_length=1,
            ),
        ),
        migrations.AddField(
            model_name="lineitem",
            name="source_code",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                choices=[
                    ("S", "S — from DoD stock or performed by DoD personnel"),
                    ("P", "P — from new procurement"),
                    ("R", "R — from rebuild, repair or modification by the U.S. Government"),
                    ("X", "X — mixed sources (stock and procurement) or undetermined"),
                    ("E", "E — excess, as-is, where-is"),
                    ("F", "F — Special Defense Acquisition Fund items"),
                ],
                max_length=1,
                verbose_name="source of supply",
            ),
        ),
        migrations.AddField(
            model_name="lineitem",
            name="type_of_assistance",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                choices=[
                    ("3", "3 — cash sale from stock (AECA 21(b))"),
                    ("4", "4 — cash sale, stock or procurement or undetermined (AECA 21(b), 22(a), 29)"),
                    ("5", "5 — cash procurement (AECA 22(a))"),
                    ("6", "6 — stock sale, payment on delivery (AECA 21(d))"),
                    ("7", "7 — procurement, dependable undertaking, 120 days after delivery (AECA 22(b))"),
                    ("8", "8 — stock sale, payment 120 days after delivery (AECA 21(d))"),
                    ("A", "A — excess defense articles, non-reimbursable (FAA 516)"),
                    ("M", "M — MAP merger (FAA 503(a)(3))"),
                    ("N", "N — FMS credit, non-repayable (AECA 23, 24)"),
                    ("U", "U — CLSSA FMSO I"),
                    ("V", "V — CLSSA FMSO II, acquired under FMSO I"),
                    ("Z", "Z — FMS credit (AECA 23, 24)"),
                ],
                max_length=1,
            ),
        ),
        migrations.AddField(
            model_name="lineitemhistory",
            name="delivery_from_months",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="Estimated delivery starts this many months after acceptance.", null=True
            ),
        ),
        migrations.AddField(
            model_name="lineitemhistory",
            name="delivery_term_code",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                choices=[
                    ("2", "2 — to an inland point in the same area (CONUS to CONUS)"),
                    ("3", "3 — alongside the vessel or aircraft at the port of embarkation"),
                    ("4", "4 — at the origin: the purchaser moves it from there"),
                    ("5", "5 — on board at the port of embarkation"),
                    ("7", "7 — to an overseas inland destination"),
                    ("8", "8 — at the overseas port of debarkation, not unloaded"),
                    ("9", "9 — at the overseas port of debarkation, unloaded"),
                ],
                max_length=1,
            ),
        ),
        migrations.AddField(
            model_name="lineitemhistory",
            name="delivery_to_months",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="Estimated delivery ends this many months after acceptance.", null=True
            ),
        ),
        migrations.AddField(
            model_name="lineitemhistory",
            name="months_of_service",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="For services: how many months.",
                null=True,
                validators=[django.core.validators.MinValueValidator(1)],
            ),
        ),
        migrations.AddField(
            model_name="lineitemhistory",
            name="offer_release_code",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                choices=[
                    ("A", "A — released automatically, without advance notice"),
                    ("Y", "Y — notice of availability first; released if no answer in time"),
                    ("Z", "Z — notice of availability first; held for release instructions"),
                    ("X", "X — special release: no automatic release, instructions in the LOA"),
                ],
                max_length=1,
            ),
        ),
        migrations.AddField(
            model_name="lineitemhistory",
            name="source_code",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                choices=[
                    ("S", "S — from DoD stock or performed by DoD personnel"),
                    ("P", "P — from new procurement"),
                    ("R", "R — from rebuild, repair or modification by the U.S. Government"),
                    ("X", "X — mixed sources (stock and procurement) or undetermined"),
                    ("E", "E — excess, as-is, where-is"),
                    ("F", "F — Special Defense Acquisition Fund items"),
                ],
                max_length=1,
                verbose_name="source of supply",
            ),
        ),
        migrations.AddField(
            model_name="lineitemhistory",
            name="type_of_assistance",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                choices=[
                    ("3", "3 — cash sale from stock (AECA 21(b))"),
                    ("4", "4 — cash sale, stock or procurement or undetermined (AECA 21(b), 22(a), 29)"),
                    ("5", "5 — cash procurement (AECA 22(a))"),
                    ("6", "6 — stock sale, payment on delivery (AECA 21(d))"),
                    ("7", "7 — procurement, dependable undertaking, 120 days after delivery (AECA 22(b))"),
                    ("8", "8 — stock sale, payment 120 days after delivery (AECA 21(d))"),
                    ("A", "A — excess defense articles, non-reimbursable (FAA 516)"),
                    ("M", "M — MAP merger (FAA 503(a)(3))"),
                    ("N", "N — FMS credit, non-repayable (AECA 23, 24)"),
                    ("U", "U — CLSSA FMSO I"),
                    ("V", "V — CLSSA FMSO II, acquired under FMSO I"),
                    ("Z", "Z — FMS credit (AECA 23, 24)"),
                ],
                max_length=1,
            ),
        ),
        migrations.AlterField(
            model_name="lineitem",
            name="is_sme",
            field=models.BooleanField(
                default=False, help_text="Significant Military Equipment (every MDE is also SME).", verbose_name="SME"
            ),
        ),
        migrations.AlterField(
            model_name="lineitem",
            name="masl",
            field=models.CharField(
                blank=True,
                help_text="Military Articles and Services List number; spaces and dashes are removed.",
                max_length=16,
                validators=[fms.cases.models.validate_masl],
                verbose_name="MASL",
            ),
        ),
        migrations.AlterField(
            model_name="lineitem",
            name="unit_of_issue",
            field=models.CharField(
                default="EA",
                max_length=3,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Z]{2}$", "Two capital letters, the DoD unit of issue: EA, LO, MO..."
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="lineitemhistory",
            name="is_sme",
            field=models.BooleanField(
                default=False, help_text="Significant Military Equipment (every MDE is also SME).", verbose_name="SME"
            ),
        ),
        migrations.AlterField(
            model_name="lineitemhistory",
            name="masl",
            field=models.CharField(
                blank=True,
                help_text="Military Articles and Services List number; spaces and dashes are removed.",
                max_length=16,
                validators=[fms.cases.models.validate_masl],
                verbose_name="MASL",
            ),
        ),
        migrations.AlterField(
            model_name="lineitemhistory",
            name="unit_of_issue",
            field=models.CharField(
                default="EA",
                max_length=3,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Z]{2}$", "Two capital letters, the DoD unit of issue: EA, LO, MO..."
                    )
                ],
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="lineitem",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "cases_lineitemhistory" ("case_id", "category", "created_at", "created_by_id", "delivery_from_months", "delivery_term_code", "delivery_to_months", "description", "id", "is_mde", "is_sme", "line_number", "masl", "months_of_service", "offer_release_code", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "quantity", "removed_at", "review_status", "source_code", "type_of_assistance", "unit_cost", "unit_of_issue", "updated_by_id") VALUES (NEW."case_id", NEW."category", NEW."created_at", NEW."created_by_id", NEW."delivery_from_months", NEW."delivery_term_code", NEW."delivery_to_months", NEW."description", NEW."id", NEW."is_mde", NEW."is_sme", NEW."line_number", NEW."masl", NEW."months_of_service", NEW."offer_release_code", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."quantity", NEW."removed_at", NEW."review_status", NEW."source_code", NEW."type_of_assistance", NEW."unit_cost", NEW."unit_of_issue", NEW."updated_by_id"); RETURN NULL;',
                    hash="f7076c31da81a7ec5749c2ff3603b9f36c7098a5",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_14d8b",
                    table="cases_lineitem",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="lineitem",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."case_id" IS DISTINCT FROM (NEW."case_id") OR OLD."category" IS DISTINCT FROM (NEW."category") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."delivery_from_months" IS DISTINCT FROM (NEW."delivery_from_months") OR OLD."delivery_term_code" IS DISTINCT FROM (NEW."delivery_term_code") OR OLD."delivery_to_months" IS DISTINCT FROM (NEW."delivery_to_months") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."is_mde" IS DISTINCT FROM (NEW."is_mde") OR OLD."is_sme" IS DISTINCT FROM (NEW."is_sme") OR OLD."line_number" IS DISTINCT FROM (NEW."line_number") OR OLD."masl" IS DISTINCT FROM (NEW."masl") OR OLD."months_of_service" IS DISTINCT FROM (NEW."months_of_service") OR OLD."offer_release_code" IS DISTINCT FROM (NEW."offer_release_code") OR OLD."quantity" IS DISTINCT FROM (NEW."quantity") OR OLD."removed_at" IS DISTINCT FROM (NEW."removed_at") OR OLD."review_status" IS DISTINCT FROM (NEW."review_status") OR OLD."source_code" IS DISTINCT FROM (NEW."source_code") OR OLD."type_of_assistance" IS DISTINCT FROM (NEW."type_of_assistance") OR OLD."unit_cost" IS DISTINCT FROM (NEW."unit_cost") OR OLD."unit_of_issue" IS DISTINCT FROM (NEW."unit_of_issue") OR OLD."updated_by_id" IS DISTINCT FROM (NEW."updated_by_id"))',
                    func='INSERT INTO "cases_lineitemhistory" ("case_id", "category", "created_at", "created_by_id", "delivery_from_months", "delivery_term_code", "delivery_to_months", "description", "id", "is_mde", "is_sme", "line_number", "masl", "months_of_service", "offer_release_code", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "quantity", "removed_at", "review_status", "source_code", "type_of_assistance", "unit_cost", "unit_of_issue", "updated_by_id") VALUES (NEW."case_id", NEW."category", NEW."created_at", NEW."created_by_id", NEW."delivery_from_months", NEW."delivery_term_code", NEW."delivery_to_months", NEW."description", NEW."id", NEW."is_mde", NEW."is_sme", NEW."line_number", NEW."masl", NEW."months_of_service", NEW."offer_release_code", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."quantity", NEW."removed_at", NEW."review_status", NEW."source_code", NEW."type_of_assistance", NEW."unit_cost", NEW."unit_of_issue", NEW."updated_by_id"); RETURN NULL;',
                    hash="1981093ed1cecfa98cd9fd43769341dadcfd7fe0",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_5f4c8",
                    table="cases_lineitem",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="lineitem",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "cases_lineitemhistory" ("case_id", "category", "created_at", "created_by_id", "delivery_from_months", "delivery_term_code", "delivery_to_months", "description", "id", "is_mde", "is_sme", "line_number", "masl", "months_of_service", "offer_release_code", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "quantity", "removed_at", "review_status", "source_code", "type_of_assistance", "unit_cost", "unit_of_issue", "updated_by_id") VALUES (OLD."case_id", OLD."category", OLD."created_at", OLD."created_by_id", OLD."delivery_from_months", OLD."delivery_term_code", OLD."delivery_to_months", OLD."description", OLD."id", OLD."is_mde", OLD."is_sme", OLD."line_number", OLD."masl", OLD."months_of_service", OLD."offer_release_code", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."quantity", OLD."removed_at", OLD."review_status", OLD."source_code", OLD."type_of_assistance", OLD."unit_cost", OLD."unit_of_issue", OLD."updated_by_id"); RETURN NULL;',
                    hash="1cca3cf79a286c13c79ffd380f583640d84e4d00",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_5d65e",
                    table="cases_lineitem",
                    when="AFTER",
                ),
            ),
        ),
    ]

"""Notifications get their kind, status, values, the review group fixed at recording, field history
(pghistory) and pending changes under maker–checker, enforced by the database as well as the service.

Existing rows were notified records: they become `notified`, with the review group in force on their
date (reference's dated rows) and that group's figures.

The control triggers are plain SQL, not pgtrigger triggers: pgtrigger's can be skipped per session
(pgtrigger.ignore), these cannot, and the application's role does not own the tables, so it cannot
disable them either.
"""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.db.models.expressions
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q

from fms.notifications import rules


def fix_existing(apps, schema_editor):
    Notification = apps.get_model("notifications", "CongressionalNotification")
    Dated = apps.get_model("reference", "PurchaserReviewGroup")
    for notification in Notification.objects.select_related("purchaser"):
        on = notification.notified_on
        row = (
            Dated.objects.filter(purchaser=notification.purchaser, valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
            .first()
        )
        group = row.review_group if row else notification.purchaser.review_group
        limits = rules.NOTIFICATION_THRESHOLDS[group]
        notification.status = "notified"
        notification.review_group = group
        notification.formal_review_days = limits.formal_review_days
        notification.threshold_mde = limits.mde
        notification.threshold_total = limits.total
        notification.threshold_design_construction = limits.design_construction
        notification.save()


# Sensitive fields: `emergency` always; the date and the values once notified (DESIGN §4.4). Such an
# UPDATE passes only when a change of this notification was approved in the same transaction and
# names exactly the new values. A new row never starts as an emergency.
NOTIFICATION_GUARD = """
CREATE FUNCTION notification_sensitive_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    sensitive text[] := ARRAY[]::text[];
    approved jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.emergency THEN
            RAISE EXCEPTION 'notification: emergency is set only by an approved change'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'notification_maker_checker';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.status = 'notified' AND NEW.status = 'draft' THEN
        RAISE EXCEPTION 'notification %: a notified record does not go back to draft', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'notification_maker_checker';
    END IF;
    IF NEW.emergency IS DISTINCT FROM OLD.emergency THEN sensitive := sensitive || 'emergency'::text; END IF;
    IF OLD.status = 'notified' THEN
        IF NEW.notified_on IS DISTINCT FROM OLD.notified_on THEN sensitive := sensitive || 'notified_on'::text; END IF;
        IF NEW.mde_value IS DISTINCT FROM OLD.mde_value THEN sensitive := sensitive || 'mde_value'::text; END IF;
        IF NEW.non_mde_value IS DISTINCT FROM OLD.non_mde_value THEN
            sensitive := sensitive || 'non_mde_value'::text;
        END IF;
        IF NEW.total_value IS DISTINCT FROM OLD.total_value THEN sensitive := sensitive || 'total_value'::text; END IF;
    END IF;
    IF cardinality(sensitive) = 0 THEN
        RETURN NEW;
    END IF;
    SELECT c.changes INTO approved FROM notifications_notificationchange c
    WHERE c.notification_id = NEW.id AND c.status = 'approved'
      AND c.decided_txid = pg_current_xact_id()::text::bigint
      AND c.changes ?& sensitive
      AND (NOT c.changes ? 'emergency' OR (c.changes->>'emergency')::boolean = NEW.emergency)
      AND (NOT c.changes ? 'notified_on' OR (c.changes->>'notified_on')::date IS NOT DISTINCT FROM NEW.notified_on)
      AND (NOT c.changes ? 'mde_value' OR (c.changes->>'mde_value')::numeric IS NOT DISTINCT FROM NEW.mde_value)
      AND (NOT c.changes ? 'non_mde_value'
           OR (c.changes->>'non_mde_value')::numeric IS NOT DISTINCT FROM NEW.non_mde_value)
      AND (NOT c.changes ? 'total_value'
           OR (c.changes->>'total_value')::numeric IS NOT DISTINCT FROM NEW.total_value)
    ORDER BY c.number DESC LIMIT 1;
    IF approved IS NULL THEN
        RAISE EXCEPTION 'notification %: % changes only through a change approved by a second cn_officer',
            NEW.id, array_to_string(sensitive, ', ')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'notification_maker_checker';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER notification_sensitive_guard BEFORE INSERT OR UPDATE ON cases_congressionalnotification
    FOR EACH ROW EXECUTE FUNCTION notification_sensitive_guard();
"""

# A change is asked (pending), then decided once, by a cn_officer who did not ask it; its content
# never changes and it is never deleted. The decision records its transaction for the guard above.
CHANGE_GUARD = """
CREATE FUNCTION notification_change_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'notification changes are kept: DELETE is refused'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'notificationchange_maker_checker';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'pending' OR NEW.decided_by_id IS NOT NULL OR NEW.decided_txid IS NOT NULL THEN
            RAISE EXCEPTION 'a notification change starts pending; a second cn_officer decides it'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'notificationchange_maker_checker';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.status <> 'pending' OR NEW.status NOT IN ('approved', 'rejected') THEN
        RAISE EXCEPTION 'notification change %: % already; it is decided once', OLD.id, OLD.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'notificationchange_maker_checker';
    END IF;
    IF (NEW.notification_id, NEW.number, NEW.changes, NEW.previous, NEW.requested_by_id, NEW.requested_at)
        IS DISTINCT FROM (OLD.notification_id, OLD.number, OLD.changes, OLD.previous, OLD.requested_by_id,
                          OLD.requested_at) THEN
        RAISE EXCEPTION 'notification change %: what was asked does not change', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'notificationchange_maker_checker';
    END IF;
    IF NEW.decided_by_id IS NOT DISTINCT FROM OLD.requested_by_id THEN
        RAISE EXCEPTION 'separation of duties: who asked for notification change % cannot decide it', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'notificationchange_four_eyes';
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM accounts_user_groups ug JOIN auth_group g ON g.id = ug.group_id
        WHERE ug.user_id = NEW.decided_by_id AND g.name = 'cn_officer'
    ) THEN
        RAISE EXCEPTION 'notification change %: only a cn_officer decides it', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'notificationchange_maker_checker';
    END IF;
    NEW.decided_txid := pg_current_xact_id()::text::bigint;
    RETURN NEW;
END
$$;
CREATE TRIGGER notification_change_guard BEFORE INSERT OR UPDATE OR DELETE ON notifications_notificationchange
    FOR EACH ROW EXECUTE FUNCTION notification_change_guard();
"""

DROP_GUARDS = """
DROP TRIGGER IF EXISTS notification_sensitive_guard ON cases_congressionalnotification;
DROP FUNCTION IF EXISTS notification_sensitive_guard();
DROP TRIGGER IF EXISTS notification_change_guard ON notifications_notificationchange;
DROP FUNCTION IF EXISTS notification_change_guard();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_notification_moves_here"),
        ("pghistory", "0007_auto_20250421_0444"),
        ("reference", "0002_notif_review_groups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="NotificationChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField(help_text="1, 2, … per notification.")),
                ("changes", models.JSONField()),
                ("previous", models.JSONField()),
                ("reason", models.TextField(blank=True)),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "Pending"), ("approved", "Approved"), ("rejected", "Rejected")],
                        default="pending",
                        max_length=8,
                    ),
                ),
                ("requested_at", models.DateTimeField(auto_now_add=True)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "decided_txid",
                    models.BigIntegerField(
                        blank=True,
                        editable=False,
                        help_text="Set by the database: the deciding transaction.",
                        null=True,
                    ),
                ),
                ("comment", models.TextField(blank=True)),
            ],
            options={
                "ordering": ["notification", "number"],
            },
        ),
        migrations.CreateModel(
            name="NotificationHistory",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("36b1", "36(b)(1) certification"),
                            ("36b5a", "36(b)(5)(A) enhancement or upgrade report"),
                            ("36b5c", "36(b)(5)(C) new certification for an enhancement"),
                        ],
                        default="36b1",
                        max_length=5,
                    ),
                ),
                (
                    "transmittal_number",
                    models.CharField(
                        blank=True,
                        help_text="36b1: 18-40; 36b5a: 0P-22; 36b5c: 22-0B. Empty until known.",
                        max_length=6,
                        null=True,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("notified", "Notified")], default="draft", max_length=8
                    ),
                ),
                (
                    "notified_on",
                    models.DateField(blank=True, help_text="The date the notification reached Congress.", null=True),
                ),
                (
                    "informal_review_started_on",
                    models.DateField(
                        blank=True,
                        help_text="Purchasers outside NATO+5: the 20-day informal review began (SAMM C5.5.3).",
                        null=True,
                    ),
                ),
                (
                    "mde_value",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="Empty when not known.",
                        max_digits=15,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.00")),
                            django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                        ],
                        verbose_name="MDE value",
                    ),
                ),
                (
                    "non_mde_value",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="Empty when not known.",
                        max_digits=15,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.00")),
                            django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                        ],
                        verbose_name="non-MDE value",
                    ),
                ),
                (
                    "total_value",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="Required once notified.",
                        max_digits=15,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.00")),
                            django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                        ],
                    ),
                ),
                ("description", models.TextField(blank=True)),
                (
                    "emergency",
                    models.BooleanField(
                        default=False, help_text="Emergency waiver of the congressional review period."
                    ),
                ),
                ("source_text", models.TextField(blank=True, help_text="The published text it was imported from.")),
                (
                    "review_group",
                    models.CharField(
                        blank=True,
                        choices=[("nato_plus_5", "NATO + 5"), ("other", "Other"), ("nato_org", "NATO organization")],
                        default="",
                        max_length=12,
                    ),
                ),
                ("formal_review_days", models.PositiveSmallIntegerField(blank=True, null=True)),
                (
                    "threshold_mde",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=15,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.00")),
                            django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                        ],
                        verbose_name="MDE threshold",
                    ),
                ),
                (
                    "threshold_total",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=15,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.00")),
                            django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                        ],
                        verbose_name="total value threshold",
                    ),
                ),
                (
                    "threshold_design_construction",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=15,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.00")),
                            django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                        ],
                        verbose_name="design and construction threshold",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.AlterModelOptions(
            name="congressionalnotification",
            options={
                "ordering": ["-notified_on", "-id"],
                "permissions": [
                    ("approve_notificationchange", "Can approve or reject another officer's pending change")
                ],
            },
        ),
        migrations.RemoveConstraint(
            model_name="congressionalnotification",
            name="notification_transmittal_format",
        ),
        migrations.AddField(
            model_name="congressionalnotification",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="congressionalnotification",
            name="formal_review_days",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="congressionalnotification",
            name="implementing_agency",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="notifications",
                to="reference.implementingagency",
            ),
        ),
        migrations.AddField(
            model_name="congressionalnotification",
            name="informal_review_started_on",
            field=models.DateField(
                blank=True,
                help_text="Purchasers outside NATO+5: the 20-day informal review began (SAMM C5.5.3).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="congressionalnotification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("36b1", "36(b)(1) certification"),
                    ("36b5a", "36(b)(5)(A) enhancement or upgrade report"),
                    ("36b5c", "36(b)(5)(C) new certification for an enhancement"),
                ],
                default="36b1",
                max_length=5,
            ),
        ),
        migrations.AddField(
            model_name="congressionalnotification",
            name="non_mde_value",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Empty when not known.",
                max_digits=15,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0.00")),
                    django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                ],
                verbose_name="non-MDE value",
            ),
        ),
        migrations.AddField(
            model_name="congressionalnotification",
            name="original",
            field=models.ForeignKey(
                blank=True,
                help_text="The 36(b)(1) certification a 36(b)(5)(A) report or 36(b)(5)(C) certification refers to.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="enhancements",
                to="notifications.congressionalnotification",
            ),
        ),
        migrations.AddField(
            model_name="congressionalnotification",
            name="review_group",
            field=models.CharField(
                blank=True,
                choices=[("nato_plus_5", "NATO + 5"), ("other", "Other"), ("nato_org", "NATO organization")],
                default="",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="congressionalnotification",
            name="source_text",
            field=models.TextField(blank=True, help_text="The published text it was imported from."),
        ),
        migrations.AddField(
            model_name="congressionalnotification",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("notified", "Notified")], default="draft", max_length=8
            ),
        ),
        migrations.AddField(
            model_name="congressionalnotification",
            name="threshold_design_construction",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=15,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0.00")),
                    django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                ],
                verbose_name="design and construction threshold",
            ),
        ),
        migrations.AddField(
            model_name="congressionalnotification",
            name="threshold_mde",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=15,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0.00")),
                    django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                ],
                verbose_name="MDE threshold",
            ),
        ),
        migrations.AddField(
            model_name="congressionalnotification",
            name="threshold_total",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=15,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0.00")),
                    django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                ],
                verbose_name="total value threshold",
            ),
        ),
        migrations.AddField(
            model_name="congressionalnotification",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.AddField(
            model_name="congressionalnotification",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="congressionalnotification",
            name="mde_value",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Empty when not known.",
                max_digits=15,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0.00")),
                    django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                ],
                verbose_name="MDE value",
            ),
        ),
        migrations.AlterField(
            model_name="congressionalnotification",
            name="notified_on",
            field=models.DateField(blank=True, help_text="The date the notification reached Congress.", null=True),
        ),
        migrations.AlterField(
            model_name="congressionalnotification",
            name="total_value",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Required once notified.",
                max_digits=15,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0.00")),
                    django.core.validators.MaxValueValidator(Decimal("9999999999999.99")),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="congressionalnotification",
            name="transmittal_number",
            field=models.CharField(
                blank=True,
                help_text="36b1: 18-40; 36b5a: 0P-22; 36b5c: 22-0B. Empty until known.",
                max_length=6,
                null=True,
                unique=True,
            ),
        ),
        migrations.RunPython(fix_existing, migrations.RunPython.noop),
        pgtrigger.migrations.AddTrigger(
            model_name="congressionalnotification",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "notifications_notificationhistory" ("created_at", "created_by_id", "description", "emergency", "formal_review_days", "id", "implementing_agency_id", "informal_review_started_on", "kind", "mde_value", "non_mde_value", "notified_on", "original_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "purchaser_id", "review_group", "source_text", "status", "threshold_design_construction", "threshold_mde", "threshold_total", "total_value", "transmittal_number") VALUES (NEW."created_at", NEW."created_by_id", NEW."description", NEW."emergency", NEW."formal_review_days", NEW."id", NEW."implementing_agency_id", NEW."informal_review_started_on", NEW."kind", NEW."mde_value", NEW."non_mde_value", NEW."notified_on", NEW."original_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."purchaser_id", NEW."review_group", NEW."source_text", NEW."status", NEW."threshold_design_construction", NEW."threshold_mde", NEW."threshold_total", NEW."total_value", NEW."transmittal_number"); RETURN NULL;',
                    hash="28f30553b7dda7d6142f4b191cbdb222161b5344",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_0ac88",
                    table="cases_congressionalnotification",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="congressionalnotification",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."emergency" IS DISTINCT FROM (NEW."emergency") OR OLD."formal_review_days" IS DISTINCT FROM (NEW."formal_review_days") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."implementing_agency_id" IS DISTINCT FROM (NEW."implementing_agency_id") OR OLD."informal_review_started_on" IS DISTINCT FROM (NEW."informal_review_started_on") OR OLD."kind" IS DISTINCT FROM (NEW."kind") OR OLD."mde_value" IS DISTINCT FROM (NEW."mde_value") OR OLD."non_mde_value" IS DISTINCT FROM (NEW."non_mde_value") OR OLD."notified_on" IS DISTINCT FROM (NEW."notified_on") OR OLD."original_id" IS DISTINCT FROM (NEW."original_id") OR OLD."purchaser_id" IS DISTINCT FROM (NEW."purchaser_id") OR OLD."review_group" IS DISTINCT FROM (NEW."review_group") OR OLD."source_text" IS DISTINCT FROM (NEW."source_text") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."threshold_design_construction" IS DISTINCT FROM (NEW."threshold_design_construction") OR OLD."threshold_mde" IS DISTINCT FROM (NEW."threshold_mde") OR OLD."threshold_total" IS DISTINCT FROM (NEW."threshold_total") OR OLD."total_value" IS DISTINCT FROM (NEW."total_value") OR OLD."transmittal_number" IS DISTINCT FROM (NEW."transmittal_number"))',
                    func='INSERT INTO "notifications_notificationhistory" ("created_at", "created_by_id", "description", "emergency", "formal_review_days", "id", "implementing_agency_id", "informal_review_started_on", "kind", "mde_value", "non_mde_value", "notified_on", "original_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "purchaser_id", "review_group", "source_text", "status", "threshold_design_construction", "threshold_mde", "threshold_total", "total_value", "transmittal_number") VALUES (NEW."created_at", NEW."created_by_id", NEW."description", NEW."emergency", NEW."formal_review_days", NEW."id", NEW."implementing_agency_id", NEW."informal_review_started_on", NEW."kind", NEW."mde_value", NEW."non_mde_value", NEW."notified_on", NEW."original_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."purchaser_id", NEW."review_group", NEW."source_text", NEW."status", NEW."threshold_design_construction", NEW."threshold_mde", NEW."threshold_total", NEW."total_value", NEW."transmittal_number"); RETURN NULL;',
                    hash="4769ca794e6d238b7d486c90a12a69d85949826d",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_5de92",
                    table="cases_congressionalnotification",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="congressionalnotification",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "notifications_notificationhistory" ("created_at", "created_by_id", "description", "emergency", "formal_review_days", "id", "implementing_agency_id", "informal_review_started_on", "kind", "mde_value", "non_mde_value", "notified_on", "original_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "purchaser_id", "review_group", "source_text", "status", "threshold_design_construction", "threshold_mde", "threshold_total", "total_value", "transmittal_number") VALUES (OLD."created_at", OLD."created_by_id", OLD."description", OLD."emergency", OLD."formal_review_days", OLD."id", OLD."implementing_agency_id", OLD."informal_review_started_on", OLD."kind", OLD."mde_value", OLD."non_mde_value", OLD."notified_on", OLD."original_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."purchaser_id", OLD."review_group", OLD."source_text", OLD."status", OLD."threshold_design_construction", OLD."threshold_mde", OLD."threshold_total", OLD."total_value", OLD."transmittal_number"); RETURN NULL;',
                    hash="662b182f2b965b7adc853d980cab1f5d5dc9728e",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_df189",
                    table="cases_congressionalnotification",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="congressionalnotification",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["36b1", "36b5a", "36b5c"])), name="notification_kind_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="congressionalnotification",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["draft", "notified"])), name="notification_status_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="congressionalnotification",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("review_group", ""), ("review_group__in", ["nato_plus_5", "other", "nato_org"]), _connector="OR"
                ),
                name="notification_review_group_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="congressionalnotification",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("transmittal_number__isnull", True),
                    models.Q(("kind", "36b1"), ("transmittal_number__regex", "^[0-9]{2}-[0-9]{1,3}$")),
                    models.Q(("kind", "36b5a"), ("transmittal_number__regex", "^[0-9][A-Z]-[0-9]{2}$")),
                    models.Q(("kind", "36b5c"), ("transmittal_number__regex", "^[0-9]{2}-[0-9][A-Z]$")),
                    _connector="OR",
                ),
                name="notification_transmittal_fits_kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="congressionalnotification",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "36b1"), ("original__isnull", True)),
                    models.Q(("kind__in", ("36b5a", "36b5c")), ("original__isnull", False)),
                    _connector="OR",
                ),
                name="notification_original_for_enhancements",
            ),
        ),
        migrations.AddConstraint(
            model_name="congressionalnotification",
            constraint=models.CheckConstraint(
                condition=models.Q(("non_mde_value__gte", 0)), name="notification_non_mde_value_nonnegative"
            ),
        ),
        migrations.AddConstraint(
            model_name="congressionalnotification",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "total_value",
                        django.db.models.expressions.CombinedExpression(
                            models.F("mde_value"), "+", models.F("non_mde_value")
                        ),
                    )
                ),
                name="notification_values_add_up",
            ),
        ),
        migrations.AddConstraint(
            model_name="congressionalnotification",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status", "draft"),
                    models.Q(
                        ("formal_review_days__isnull", False),
                        ("notified_on__isnull", False),
                        ("threshold_total__isnull", False),
                        ("total_value__isnull", False),
                        models.Q(("review_group", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="notification_notified_is_complete",
            ),
        ),
        migrations.AddConstraint(
            model_name="congressionalnotification",
            constraint=models.CheckConstraint(
                condition=models.Q(("version__gte", 1)), name="notification_version_positive"
            ),
        ),
        migrations.AddField(
            model_name="notificationchange",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="notificationchange",
            name="notification",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="changes",
                to="notifications.congressionalnotification",
            ),
        ),
        migrations.AddField(
            model_name="notificationchange",
            name="requested_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="notificationhistory",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="notificationhistory",
            name="implementing_agency",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="reference.implementingagency",
            ),
        ),
        migrations.AddField(
            model_name="notificationhistory",
            name="original",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The 36(b)(1) certification a 36(b)(5)(A) report or 36(b)(5)(C) certification refers to.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="notifications.congressionalnotification",
            ),
        ),
        migrations.AddField(
            model_name="notificationhistory",
            name="pgh_context",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="pghistory.context",
            ),
        ),
        migrations.AddField(
            model_name="notificationhistory",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="history",
                to="notifications.congressionalnotification",
            ),
        ),
        migrations.AddField(
            model_name="notificationhistory",
            name="purchaser",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="reference.purchaser",
            ),
        ),
        migrations.AddConstraint(
            model_name="notificationchange",
            constraint=models.UniqueConstraint(
                fields=("notification", "number"), name="notificationchange_unique_number"
            ),
        ),
        migrations.AddConstraint(
            model_name="notificationchange",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["pending", "approved", "rejected"])),
                name="notificationchange_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="notificationchange",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("decided_at__isnull", True), ("decided_by__isnull", True), ("status", "pending")),
                    models.Q(("decided_by__isnull", False), ("status__in", ["approved", "rejected"])),
                    _connector="OR",
                ),
                name="notificationchange_decided_has_decider",
            ),
        ),
        migrations.AddConstraint(
            model_name="notificationchange",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("decided_by__isnull", True),
                    models.Q(("decided_by", models.F("requested_by")), _negated=True),
                    _connector="OR",
                ),
                name="notificationchange_four_eyes",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="notificationhistory",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="b51835d30140156c773d2d6b074f6f23148e518a",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_407c5",
                    table="notifications_notificationhistory",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.RunSQL(NOTIFICATION_GUARD + CHANGE_GUARD, reverse_sql=DROP_GUARDS),
    ]

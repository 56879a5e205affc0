"""The ledger app takes over ApprovalEvent from cases without moving a row.

The table keeps its name (cases_approvalevent), so creating the model is state only. What the
database does change: the action check no longer lists the cases app's actions (the ledger
records what the apps above it hand it), and the triggers are re-created under the ids
pgtrigger derives from the model's new label, the old ones dropped.
"""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

# The action values the cases app's check listed (fms/cases/migrations/0001_initial.py).
OLD_ACTIONS = [
    "accept", "add", "approve", "cancel", "close", "complete_supply", "create", "edit", "implement",
    "offer", "propose", "reject", "remove", "return", "start_write", "submit", "submit_review",
]  # fmt: skip
DROP_OLD_TRIGGERS = "".join(
    f"DROP TRIGGER IF EXISTS {pgid} ON cases_approvalevent; DROP FUNCTION IF EXISTS {pgid}();"
    for pgid in (
        "pgtrigger_approvalevent_checks_insert_20cda",
        "pgtrigger_approvalevent_append_only_10db5",
        "pgtrigger_approvalevent_no_truncate_f37e2",
    )
)


def content_type_follows_the_model(apps, schema_editor):
    """Keep the content type row (and the permissions and admin log entries pointing at it)."""
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="cases", model="approvalevent").update(app_label="ledger")


def content_type_goes_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="ledger", model="approvalevent").update(app_label="cases")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0003_approvalevent_moves_to_ledger"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApprovalEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "seq",
                            models.PositiveIntegerField(help_text="Position of the event in its case's chain, from 1."),
                        ),
                        (
                            "action",
                            models.CharField(
                                help_text="What happened, in the words of the app that recorded it.", max_length=16
                            ),
                        ),
                        ("from_status", models.CharField(blank=True, max_length=16)),
                        ("to_status", models.CharField(max_length=16)),
                        ("actor_name", models.CharField(max_length=150)),
                        ("comment", models.TextField(blank=True)),
                        ("occurred_at", models.DateTimeField()),
                        ("content_digest", models.CharField(max_length=64)),
                        ("prev_hash", models.CharField(max_length=64)),
                        ("hash", models.CharField(max_length=64, unique=True)),
                        (
                            "txid",
                            models.BigIntegerField(
                                editable=False,
                                help_text="The writing transaction's id, set by the database; orders the event feed.",
                            ),
                        ),
                        (
                            "actor",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="events", to="cases.case"
                            ),
                        ),
                        (
                            "line_item",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="events",
                                to="cases.lineitem",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cases_approvalevent",
                        "ordering": ["case", "seq"],
                        "indexes": [models.Index(fields=["txid", "id"], name="approvalevent_feed_order")],
                        "constraints": [
                            models.UniqueConstraint(fields=("case", "seq"), name="approvalevent_unique_seq_per_case"),
                            models.UniqueConstraint(
                                fields=("case", "prev_hash"), name="approvalevent_chain_does_not_fork"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("seq__gte", 1)), name="approvalevent_seq_positive"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("action__in", OLD_ACTIONS)), name="approvalevent_action_valid"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("content_digest__regex", "^[0-9a-f]{64}$"),
                                    ("prev_hash__regex", "^[0-9a-f]{64}$"),
                                    ("hash__regex", "^[0-9a-f]{64}$"),
                                ),
                                name="approvalevent_hashes_are_sha256_hex",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_follows_the_model, content_type_goes_back),
        migrations.RemoveConstraint(model_name="approvalevent", name="approvalevent_action_valid"),
        migrations.AddConstraint(
            model_name="approvalevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("action__regex", "^[a-z_]{1,16}$")), name="approvalevent_action_is_a_word"
            ),
        ),
        migrations.RunSQL(DROP_OLD_TRIGGERS, reverse_sql=migrations.RunSQL.noop),
        pgtrigger.migrations.AddTrigger(
            model_name="approvalevent",
            trigger=pgtrigger.compiler.Trigger(
                name="approvalevent_checks_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="\n    IF NEW.line_item_id IS NOT NULL THEN\n        IF NOT EXISTS (SELECT 1 FROM cases_lineitem li WHERE li.id = NEW.line_item_id AND li.case_id = NEW.case_id) THEN\n            RAISE EXCEPTION 'line item % does not belong to case %', NEW.line_item_id, NEW.case_id\n                USING ERRCODE = 'foreign_key_violation';\n        END IF;\n        IF NEW.action IN ('approve', 'reject', 'return') AND EXISTS (\n            SELECT 1 FROM cases_lineitem li\n            WHERE li.id = NEW.line_item_id AND NEW.actor_id IN (li.created_by_id, li.updated_by_id)\n        ) THEN\n            RAISE EXCEPTION 'separation of duties: user % created or last changed line item % and cannot % it',\n                NEW.actor_id, NEW.line_item_id, NEW.action\n                USING ERRCODE = 'check_violation', CONSTRAINT = 'approvalevent_separation_of_duties';\n        END IF;\n    END IF;\n    NEW.txid := pg_current_xact_id()::text::bigint;\n    RETURN NEW;\n",
                    hash="3b0a32aacda181a2c4d27a73b822ccb60459b1e3",
                    operation="INSERT",
                    pgid="pgtrigger_approvalevent_checks_insert_7a87a",
                    table="cases_approvalevent",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="approvalevent",
            trigger=pgtrigger.compiler.Trigger(
                name="approvalevent_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="6a5a4423adb9c45c99f1a8e9bc4a80421cf456e8",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_approvalevent_append_only_6c440",
                    table="cases_approvalevent",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="approvalevent",
            trigger=pgtrigger.compiler.Trigger(
                name="approvalevent_no_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'the approval ledger is append-only: TRUNCATE is refused'; RETURN NULL;",
                    hash="4a2f044adc34d6080a842a6af127a294ab4b5f70",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_approvalevent_no_truncate_472c2",
                    table="cases_approvalevent",
                    when="BEFORE",
                ),
            ),
        ),
    ]

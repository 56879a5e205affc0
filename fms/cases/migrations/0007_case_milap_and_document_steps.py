"""The MILAP date (recorded when a case enters write; the BASIC offer's OED counts 85 days from
it) and the label of the open amendment or modification, whose working lines are editable.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_loa_line_constraints"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="case",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="case",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="case",
            name="delete_delete",
        ),
        migrations.AddField(
            model_name="case",
            name="milap_on",
            field=models.DateField(
                blank=True,
                editable=False,
                help_text="When the case entered write.",
                null=True,
                verbose_name="MILAP date",
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="open_document",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                editable=False,
                help_text="The amendment or modification being written (its working lines are editable); set by documents.",
                max_length=5,
            ),
        ),
        migrations.AddField(
            model_name="casehistory",
            name="milap_on",
            field=models.DateField(
                blank=True,
                editable=False,
                help_text="When the case entered write.",
                null=True,
                verbose_name="MILAP date",
            ),
        ),
        migrations.AddField(
            model_name="casehistory",
            name="open_document",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                editable=False,
                help_text="The amendment or modification being written (its working lines are editable); set by documents.",
                max_length=5,
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="case",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "cases_casehistory" ("case_id", "created_at", "created_by_id", "description", "id", "implementing_agency_id", "lor_date", "lor_received_on", "milap_on", "notes", "notification_id", "offer_expires_on", "open_document", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "purchaser_id", "status", "title") VALUES (NEW."case_id", NEW."created_at", NEW."created_by_id", NEW."description", NEW."id", NEW."implementing_agency_id", NEW."lor_date", NEW."lor_received_on", NEW."milap_on", NEW."notes", NEW."notification_id", NEW."offer_expires_on", NEW."open_document", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."purchaser_id", NEW."status", NEW."title"); RETURN NULL;',
                    hash="72263d74eeb17837f87716812691a3bdf90d354a",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_0b483",
                    table="cases_case",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="case",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."case_id" IS DISTINCT FROM (NEW."case_id") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."implementing_agency_id" IS DISTINCT FROM (NEW."implementing_agency_id") OR OLD."lor_date" IS DISTINCT FROM (NEW."lor_date") OR OLD."lor_received_on" IS DISTINCT FROM (NEW."lor_received_on") OR OLD."milap_on" IS DISTINCT FROM (NEW."milap_on") OR OLD."notes" IS DISTINCT FROM (NEW."notes") OR OLD."notification_id" IS DISTINCT FROM (NEW."notification_id") OR OLD."offer_expires_on" IS DISTINCT FROM (NEW."offer_expires_on") OR OLD."open_document" IS DISTINCT FROM (NEW."open_document") OR OLD."purchaser_id" IS DISTINCT FROM (NEW."purchaser_id") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."title" IS DISTINCT FROM (NEW."title"))',
                    func='INSERT INTO "cases_casehistory" ("case_id", "created_at", "created_by_id", "description", "id", "implementing_agency_id", "lor_date", "lor_received_on", "milap_on", "notes", "notification_id", "offer_expires_on", "open_document", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "purchaser_id", "status", "title") VALUES (NEW."case_id", NEW."created_at", NEW."created_by_id", NEW."description", NEW."id", NEW."implementing_agency_id", NEW."lor_date", NEW."lor_received_on", NEW."milap_on", NEW."notes", NEW."notification_id", NEW."offer_expires_on", NEW."open_document", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."purchaser_id", NEW."status", NEW."title"); RETURN NULL;',
                    hash="fe06f9ddc9b1e321f019d8323e19f986fdb3d4c9",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_f5146",
                    table="cases_case",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="case",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "cases_casehistory" ("case_id", "created_at", "created_by_id", "description", "id", "implementing_agency_id", "lor_date", "lor_received_on", "milap_on", "notes", "notification_id", "offer_expires_on", "open_document", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "purchaser_id", "status", "title") VALUES (OLD."case_id", OLD."created_at", OLD."created_by_id", OLD."description", OLD."id", OLD."implementing_agency_id", OLD."lor_date", OLD."lor_received_on", OLD."milap_on", OLD."notes", OLD."notification_id", OLD."offer_expires_on", OLD."open_document", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."purchaser_id", OLD."status", OLD."title"); RETURN NULL;',
                    hash="2e4d5f11014115d2d99adfcd32e48568921b4e10",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_8d49e",
                    table="cases_case",
                    when="AFTER",
                ),
            ),
        ),
    ]

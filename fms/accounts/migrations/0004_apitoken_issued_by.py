"""A token records who issued it (DESIGN §3 `issued_by`): the former `created_by`, renamed."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_apitoken"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="apitoken",
            name="apitoken_scope_immutable",
        ),
        migrations.RenameField(model_name="apitoken", old_name="created_by", new_name="issued_by"),
        migrations.AlterField(
            model_name="apitoken",
            name="issued_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty: the command line.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="apitoken",
            trigger=pgtrigger.compiler.Trigger(
                name="apitoken_scope_immutable",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."user_id" IS DISTINCT FROM (NEW."user_id") OR OLD."prefix" IS DISTINCT FROM (NEW."prefix") OR OLD."digest" IS DISTINCT FROM (NEW."digest") OR OLD."purchaser_id" IS DISTINCT FROM (NEW."purchaser_id") OR OLD."read_only" IS DISTINCT FROM (NEW."read_only") OR OLD."expires_at" IS DISTINCT FROM (NEW."expires_at") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."issued_by_id" IS DISTINCT FROM (NEW."issued_by_id"))',
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update rows from % table', TG_TABLE_NAME;",
                    hash="944d50e10582d4de1f1eb3036392d9b39695d4ad",
                    operation="UPDATE",
                    pgid="pgtrigger_apitoken_scope_immutable_210ee",
                    table="accounts_apitoken",
                    when="BEFORE",
                ),
            ),
        ),
    ]

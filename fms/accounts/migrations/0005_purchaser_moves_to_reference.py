# The purchaser foreign keys now point at fms.reference (same table): state only.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_apitoken_issued_by"),
        ("reference", "0001_purchasers_and_agencies_move_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="apitoken",
                    name="purchaser",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="api_tokens",
                        to="reference.purchaser",
                    ),
                ),
                migrations.AlterField(
                    model_name="user",
                    name="purchaser",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="For client users: the purchaser (country) whose records they may read.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="users",
                        to="reference.purchaser",
                    ),
                ),
            ]
        )
    ]

# Purchaser and ImplementingAgency now live in fms.reference with the same tables: state only,
# so the foreign keys, constraints and rows stay as they are in the database.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_purchaser_moves_to_reference"),
        ("cases", "0007_case_milap_and_document_steps"),
        ("reference", "0001_purchasers_and_agencies_move_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="implementingagency",
                    name="agency_code_format",
                ),
                migrations.AlterField(
                    model_name="casehistory",
                    name="implementing_agency",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="reference.implementingagency",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="implementing_agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="reference.implementingagency",
                    ),
                ),
                migrations.RemoveConstraint(
                    model_name="purchaser",
                    name="purchaser_code_format",
                ),
                migrations.RemoveConstraint(
                    model_name="purchaser",
                    name="purchaser_review_group_valid",
                ),
                migrations.AlterField(
                    model_name="congressionalnotification",
                    name="purchaser",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="notifications",
                        to="reference.purchaser",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="purchaser",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="cases", to="reference.purchaser"
                    ),
                ),
                migrations.AlterField(
                    model_name="casehistory",
                    name="purchaser",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="reference.purchaser",
                    ),
                ),
                migrations.DeleteModel(
                    name="ImplementingAgency",
                ),
                migrations.DeleteModel(
                    name="Purchaser",
                ),
            ]
        )
    ]

# CongressionalNotification moves to fms.notifications (DESIGN §6): state only. The table
# (cases_congressionalnotification), its rows and constraints stay; fms/notifications/migrations/0001
# takes the model over, and the case's foreign key now points there (same table, same column).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_purchaser_and_agency_move_to_reference"),
        ("notifications", "0001_notification_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="congressionalnotification", name="notification_transmittal_format"
                ),
                migrations.RemoveConstraint(
                    model_name="congressionalnotification", name="notification_mde_value_nonnegative"
                ),
                migrations.RemoveConstraint(
                    model_name="congressionalnotification", name="notification_total_value_nonnegative"
                ),
                migrations.AlterField(
                    model_name="casehistory",
                    name="notification",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="notifications.congressionalnotification",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="notification",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="notifications.congressionalnotification",
                    ),
                ),
                migrations.DeleteModel(name="CongressionalNotification"),
            ],
            database_operations=[],
        ),
    ]

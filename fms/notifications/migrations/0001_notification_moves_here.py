"""CongressionalNotification moves here from the cases app: state only. The table keeps its name
(cases_congressionalnotification), so no row moves; its content type follows, so the permissions
granted on it (roles) stay attached."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


def content_type_follows(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="cases", model="congressionalnotification").update(app_label="notifications")


def content_type_goes_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="notifications", model="congressionalnotification").update(app_label="cases")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("reference", "0001_purchasers_and_agencies_move_here"),
        ("cases", "0008_purchaser_and_agency_move_to_reference"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(content_type_follows, content_type_goes_back)],
            state_operations=[
                migrations.CreateModel(
                    name="CongressionalNotification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "transmittal_number",
                            models.CharField(
                                blank=True,
                                help_text="YY-N, YY-NN or YY-NNN; empty until known.",
                                max_length=6,
                                null=True,
                                unique=True,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^[0-9]{2}-[0-9]{1,3}$", "Use YY-N, YY-NN or YY-NNN, e.g. 18-12."
                                    )
                                ],
                            ),
                        ),
                        ("notified_on", models.DateField()),
                        (
                            "mde_value",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                help_text="Empty when not recorded.",
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
                            "total_value",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=15,
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
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "purchaser",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="notifications",
                                to="reference.purchaser",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cases_congressionalnotification",
                        "ordering": ["-notified_on", "-id"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("transmittal_number__regex", "^[0-9]{2}-[0-9]{1,3}$")),
                                name="notification_transmittal_format",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("mde_value__gte", 0)), name="notification_mde_value_nonnegative"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("total_value__gte", 0)), name="notification_total_value_nonnegative"
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]

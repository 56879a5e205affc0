# Purchaser and ImplementingAgency move from the cases app (DESIGN §6: reference data every app
# reads). State only: the tables keep their names, so no row moves; their content types follow, so
# permissions and admin history stay attached.
from django.db import migrations, models


def content_types_follow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="cases", model__in=["purchaser", "implementingagency"]).update(
        app_label="reference"
    )


def content_types_go_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="reference", model__in=["purchaser", "implementingagency"]).update(
        app_label="cases"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0007_case_milap_and_document_steps"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Purchaser",
                    fields=[
                        ("code", models.CharField(max_length=2, primary_key=True, serialize=False)),
                        ("name", models.CharField(max_length=100, unique=True)),
                        (
                            "review_group",
                            models.CharField(
                                choices=[
                                    ("nato_plus_5", "NATO + 5"),
                                    ("other", "Other"),
                                    ("nato_org", "NATO organization"),
                                ],
                                max_length=12,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cases_purchaser",
                        "ordering": ["code"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("code__regex", "^[A-Z0-9]{2}$")), name="purchaser_code_format"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("review_group__in", ["nato_plus_5", "other", "nato_org"])),
                                name="purchaser_review_group_valid",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ImplementingAgency",
                    fields=[
                        ("code", models.CharField(max_length=1, primary_key=True, serialize=False)),
                        ("name", models.CharField(max_length=100, unique=True)),
                    ],
                    options={
                        "db_table": "cases_implementingagency",
                        "verbose_name_plural": "implementing agencies",
                        "ordering": ["code"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("code__regex", "^[A-Z]$")), name="agency_code_format"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[migrations.RunPython(content_types_follow, content_types_go_back)],
        ),
    ]

import datetime as dt

import django.db.models.deletion
from django.db import migrations, models

# Every purchaser's group since the AECA (P.L. 90-629, 22 Oct 1968), closed where it changed:
# - Korea: 36(b) treats it like NATO, Japan, Australia and New Zealand from section 3 of
#   P.L. 110-429 (enacted 15 Oct 2008; DSCA Policy 08-40, SAMM E-Change 123).
# - Finland joined NATO on 4 Apr 2023, Sweden on 7 Mar 2024.
# Finland (FI) and Sweden (SW) are added as purchasers (codes as FIPS 10-4 writes them).
SINCE = dt.date(1968, 10, 22)
NEW_PURCHASERS = [("FI", "Finland", "nato_plus_5"), ("SW", "Sweden", "nato_plus_5")]
CHANGES = {
    "KS": (dt.date(2008, 10, 15), "P.L. 110-429 section 3 (DSCA Policy 08-40)"),
    "FI": (dt.date(2023, 4, 4), "NATO accession"),
    "SW": (dt.date(2024, 3, 7), "NATO accession"),
}


def seed(apps, schema_editor):
    Purchaser = apps.get_model("reference", "Purchaser")
    Dated = apps.get_model("reference", "PurchaserReviewGroup")
    for code, name, group in NEW_PURCHASERS:
        Purchaser.objects.get_or_create(code=code, defaults={"name": name, "review_group": group})
    for purchaser in Purchaser.objects.all():
        change = CHANGES.get(purchaser.code)
        if change is None:
            Dated.objects.create(purchaser=purchaser, review_group=purchaser.review_group, valid_from=SINCE)
            continue
        on, source = change
        Dated.objects.create(purchaser=purchaser, review_group="other", valid_from=SINCE, valid_to=on)
        Dated.objects.create(purchaser=purchaser, review_group=purchaser.review_group, valid_from=on, source=source)


def unseed(apps, schema_editor):
    apps.get_model("reference", "PurchaserReviewGroup").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0001_purchasers_and_agencies_move_here"),
    ]

    operations = [
        migrations.CreateModel(
            name="PurchaserReviewGroup",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "review_group",
                    models.CharField(
                        choices=[("nato_plus_5", "NATO + 5"), ("other", "Other"), ("nato_org", "NATO organization")],
                        max_length=12,
                    ),
                ),
                ("valid_from", models.DateField()),
                ("valid_to", models.DateField(blank=True, help_text="Exclusive; empty while in force.", null=True)),
                ("source", models.CharField(blank=True, help_text="The law or event that set it.", max_length=200)),
                (
                    "purchaser",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="review_groups",
                        to="reference.purchaser",
                    ),
                ),
            ],
            options={
                "ordering": ["purchaser", "valid_from"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("review_group__in", ["nato_plus_5", "other", "nato_org"])),
                        name="purchaserreviewgroup_group_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("valid_to__isnull", True), ("valid_to__gt", models.F("valid_from")), _connector="OR"
                        ),
                        name="purchaserreviewgroup_period_forward",
                    ),
                    models.UniqueConstraint(fields=("purchaser", "valid_from"), name="purchaserreviewgroup_one_start"),
                    models.UniqueConstraint(
                        condition=models.Q(("valid_to__isnull", True)),
                        fields=("purchaser",),
                        name="purchaserreviewgroup_one_open",
                    ),
                ],
            },
        ),
        migrations.RunPython(seed, unseed),
    ]

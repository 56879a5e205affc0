"""Reference data: purchasers (FMS customer codes, not ISO) and implementing agencies.

Codes beyond the six of DESIGN §3 (JA, KS, AT, UK, GY, IS) follow DSCA usage as far as it is
public; confirm them against DSAMS's customer code table before relying on them.
"""

from django.db import migrations

PURCHASERS = [
    ("JA", "Japan", "nato_plus_5"),
    ("KS", "Republic of Korea", "nato_plus_5"),
    ("AT", "Australia", "nato_plus_5"),
    ("UK", "United Kingdom", "nato_plus_5"),
    ("GY", "Germany", "nato_plus_5"),
    ("IS", "Israel", "nato_plus_5"),
    ("NZ", "New Zealand", "nato_plus_5"),
    ("CN", "Canada", "nato_plus_5"),
    ("SR", "Saudi Arabia", "other"),
    ("EG", "Egypt", "other"),
    ("KU", "Kuwait", "other"),
    ("QA", "Qatar", "other"),
    ("NS", "NATO Support and Procurement Agency", "nato_org"),
]

AGENCIES = [
    ("B", "Department of the Army"),
    ("D", "Department of the Air Force"),
    ("P", "Department of the Navy"),
]


def load(apps, schema_editor):
    Purchaser = apps.get_model("cases", "Purchaser")
    ImplementingAgency = apps.get_model("cases", "ImplementingAgency")
    for code, name, group in PURCHASERS:
        Purchaser.objects.update_or_create(code=code, defaults={"name": name, "review_group": group})
    for code, name in AGENCIES:
        ImplementingAgency.objects.update_or_create(code=code, defaults={"name": name})


def unload(apps, schema_editor):
    apps.get_model("cases", "Purchaser").objects.filter(code__in=[p[0] for p in PURCHASERS]).delete()
    apps.get_model("cases", "ImplementingAgency").objects.filter(code__in=[a[0] for a in AGENCIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]

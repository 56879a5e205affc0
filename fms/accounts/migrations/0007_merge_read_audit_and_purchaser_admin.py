# Joins two migrations made in parallel: the read audit and purchaser administration.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_audit_read_audit"),
        ("accounts", "0006_vis_manage_purchaser_users"),
    ]

    operations = []

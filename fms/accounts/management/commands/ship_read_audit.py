"""Ship read-audit rows left in the spool by stopped or killed workers (docs/operations.md).

The servers do it themselves at start and every few seconds; this is for when none is running,
e.g. after the last one stopped, or before a backup."""

from django.core.management.base import BaseCommand

from fms.accounts import audit_spool


class Command(BaseCommand):
    help = "Insert the read-audit rows of spool files no running worker holds, then delete those files."

    def handle(self, *args, **options):
        shipped = audit_spool.ship_orphans()
        self.stdout.write(f"read audit: {shipped} rows shipped from {audit_spool.spool_dir()}")

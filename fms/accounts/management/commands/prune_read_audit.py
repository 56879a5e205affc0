"""Delete read-audit rows older than the retention (READ_AUDIT_RETENTION_DAYS, at least 7 years).

The only way rows leave the read audit: through the database function read_audit_prune(), which
keeps seven years whatever cutoff it is given (docs/operations.md "Read audit"). Run it monthly.
"""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone


class Command(BaseCommand):
    help = "Delete read-audit rows older than READ_AUDIT_RETENTION_DAYS (never fewer than 7 years)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="keep this many days (default: the setting)")

    def handle(self, *args, days: int | None = None, **options):
        keep = days if days is not None else settings.READ_AUDIT_RETENTION_DAYS
        cutoff = timezone.now() - dt.timedelta(days=keep)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT read_audit_prune(%s)", [cutoff])
            removed = cursor.fetchone()[0]
        self.stdout.write(f"read audit: {removed} rows older than {cutoff:%Y-%m-%d} (and than 7 years) deleted")

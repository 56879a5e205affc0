from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from fms.cases.models import CaseHistory, LineItemHistory
from fms.ledger.models import ApprovalEvent, LogEntry, LogNode, SignedTreeHead

# The ledger and the field history are append-only: the application may read and add, never change.
APPEND_ONLY_TABLES = [
    model._meta.db_table for model in (ApprovalEvent, CaseHistory, LineItemHistory, LogEntry, LogNode, SignedTreeHead)
]


class Command(BaseCommand):
    help = (
        "Give a database role what the running application needs, and no UPDATE, DELETE or TRUNCATE on the "
        "ledger and history tables. Run it as the role that owns the tables (the one that migrates)."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the application connects as, e.g. fms_app")

    def handle(self, *args, role: str, **options):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"There is no database role {role!r}; create it first (CREATE ROLE ... LOGIN).")
        quoted = connection.ops.quote_name(role)
        tables = ", ".join(connection.ops.quote_name(table) for table in APPEND_ONLY_TABLES)
        statements = [
            f"GRANT USAGE ON SCHEMA public TO {quoted}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
            f"REVOKE UPDATE, DELETE, TRUNCATE ON {tables} FROM {quoted}",
            f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON django_migrations FROM {quoted}",
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        done = f"{role}: may read and write the application tables; ledger and history are append-only."
        self.stdout.write(self.style.SUCCESS(done))

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from fms.cases.models import CaseHistory, LineItemHistory
from fms.ledger.models import ApprovalEvent, LogEntry, LogNode, SignedTreeHead
from fms.notifications.models import NotificationHistory

# The field history and the transparency log are append-only: the application may read and add, never change.
APPEND_ONLY_TABLES = [
    model._meta.db_table
    for model in (CaseHistory, LineItemHistory, NotificationHistory, LogEntry, LogNode, SignedTreeHead)
]
# The ledger is written only through its function (fms/ledger/migrations/0003_one_way_in.py, 0005).
LEDGER_TABLE = ApprovalEvent._meta.db_table
LEDGER_FUNCTION = "ledger_append(bigint, bigint, text, text, text, bigint, text, text, text, text)"

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Created when missing, tolerating a concurrent creator: roles are shared by every database of the cluster.
CREATE_ROLE = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
        BEGIN
            CREATE ROLE {role} NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
END
$$;
"""


class Command(BaseCommand):
    help = (
        "Give a database role what the running application needs: no UPDATE, DELETE or TRUNCATE on the history "
        "tables, and no INSERT, UPDATE, DELETE or TRUNCATE on the ledger, which it writes only through the "
        "ledger function. Run it as the role that owns the tables (the one that migrates)."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the application connects as, e.g. fms_app")
        parser.add_argument(
            "--create",
            action="store_true",
            help="create the role (NOLOGIN) when missing: for servers where the app runs as a superuser's SET ROLE",
        )

    def handle(self, *args, role: str, create: bool = False, **options):
        if not ROLE_NAME.match(role):
            raise CommandError(f"{role!r} is not a plain role name (lower-case letters, digits and _).")
        with connection.cursor() as cursor:
            if create:
                cursor.execute(CREATE_ROLE.format(role=role))  # the name matched ROLE_NAME: nothing to quote
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"There is no database role {role!r}; create it first (CREATE ROLE ... LOGIN).")
        quoted = connection.ops.quote_name(role)
        history = ", ".join(connection.ops.quote_name(table) for table in APPEND_ONLY_TABLES)
        statements = [
            f"GRANT USAGE ON SCHEMA public TO {quoted}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
            f"REVOKE UPDATE, DELETE, TRUNCATE ON {history} FROM {quoted}",
            f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {connection.ops.quote_name(LEDGER_TABLE)} FROM {quoted}",
            f"GRANT EXECUTE ON FUNCTION {LEDGER_FUNCTION} TO {quoted}",
            f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON django_migrations FROM {quoted}",
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        done = (
            f"{role}: may read and write the application tables; history append-only; ledger only through its function."
        )
        self.stdout.write(self.style.SUCCESS(done))

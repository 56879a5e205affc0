"""Server-side prepared statements for the hot reads: planned once per connection, not per request.

Planning the statements every API read sends (the token lookup, a case document) took PostgreSQL
longer than running them (bench/README.md). Only those use this: the rest of Django binds parameters
on the client, which never prepares (pghistory and pgtrigger send several commands at once, which a
prepared statement refuses). Behind PgBouncer in transaction mode (DATABASE_PREPARED_STATEMENTS off)
a statement prepared in one transaction may be gone in the next: then it is Django's plain cursor.
"""

import psycopg
from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper


class _PreparingCursor(psycopg.Cursor):
    """Binds parameters on the server and prepares the statement (psycopg keeps it per connection by text)."""

    # A prepared statement holds one command, and inside a pghistory context (a write request)
    # pghistory puts a `SELECT set_config(...);` before every statement but SELECTs and those of
    # named cursors (pghistory.runtime._can_inject_variable). The token lookup starts with WITH and
    # writes no table with history: a name keeps it whole.
    name = "prepared"

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


def prepared_cursor(db: BaseDatabaseWrapper):
    """A Django cursor (logged, counted, errors wrapped) over a preparing psycopg cursor on `db`."""
    if not settings.DATABASE_PREPARED_STATEMENTS:
        return db.cursor()
    db.ensure_connection()
    if db.connection.prepare_threshold is None:
        # Django turns preparing off for the connection; its own cursors bind on the client, which
        # never prepares, so this enables it for these cursors only.
        db.connection.prepare_threshold = 0
    raw = _PreparingCursor(db.connection)
    return db.make_debug_cursor(raw) if db.queries_logged else db.make_cursor(raw)


def split_at(sql: str, params, marker: str) -> tuple[str, str, tuple, int]:
    """(SQL before `marker`, SQL after it, parameters, how many of them come before it): a statement compiled
    once whose `marker` is replaced per request by a small query compiled (or filled in) per request."""
    before, _, after = sql.partition(marker)
    placeholders = before.replace("%%", "").count("%s")
    if not after or placeholders + after.replace("%%", "").count("%s") != len(params):
        raise RuntimeError(f"cannot place {marker} in the compiled SQL")
    return before, after, tuple(params), placeholders


def filled(template: tuple[str, str, tuple, int], sql: str, params) -> tuple[str, list]:
    """The template of split_at with `sql` (and its parameters) in the marker's place."""
    before, after, template_params, split = template
    return f"{before}{sql}{after}", [*template_params[:split], *params, *template_params[split:]]

"""The benchmark's own database: built once with COPY, reused while its marker matches.

Loading runs with session_replication_role = replica, which switches off every trigger (the
case-totals trigger, the ledger's insert checks, pghistory, and the foreign-key checks) for the
loading sessions only; stories.py writes rows that satisfy those rules itself, and the totals are
then summed from the lines by one UPDATE with the triggers back on. See bench/README.md for why
the events' txid is the loading transaction's id.
"""

import datetime as dt
import json
import sys
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from bench.stories import (
    CASE_COLUMNS,
    DOCUMENT_TABLES,
    EVENT_COLUMNS,
    LINE_COLUMNS,
    NOTIFICATION_COLUMNS,
    Actors,
    Ids,
    StoryTeller,
)

GENERATOR_VERSION = 2  # 2: the BASIC LOA document of every offered case (what a purchaser reads, DESIGN §8)
TABLES = ("cases_case", "cases_lineitem", "cases_approvalevent", "cases_congressionalnotification", *DOCUMENT_TABLES)

# Users of the stories and of the benchmark's tokens: (username, role, purchaser).
USERS = [
    ("officer", "case_officer", None),
    ("officer2", "case_officer", None),
    ("reviewer", "reviewer", None),
    ("reviewer2", "reviewer", None),
    ("auditor", "auditor", None),
    ("client_ja", "client", "JA"),
    ("client_ks", "client", "KS"),
]

TOTALS_SQL = """
    UPDATE cases_case c SET total_value = t.total, mde_value = t.mde, design_construction_value = t.dc
    FROM (
        SELECT case_id,
               SUM(total_cost) AS total,
               COALESCE(SUM(total_cost) FILTER (WHERE is_mde), 0) AS mde,
               COALESCE(SUM(total_cost) FILTER (WHERE category = 'design_construction'), 0) AS dc
        FROM cases_lineitem WHERE removed_at IS NULL AND case_id >= %(first)s GROUP BY case_id
    ) t
    WHERE c.id = t.case_id
"""


@dataclass
class Marker:
    """What a built data set holds; stored in the table bench_dataset of its database."""

    cases: int
    seed: int
    generator: int
    lines: int = 0
    events: int = 0
    build_seconds: float = 0.0
    built_at: str = ""


def database_url(base_url: str, name: str) -> str:
    """The same server as `base_url`, another database."""
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path="/" + name))


def _connect(url: str, **kwargs) -> psycopg.Connection:
    return psycopg.connect(url, options="-c TimeZone=UTC", **kwargs)


def read_marker(url: str) -> Marker | None:
    try:
        with _connect(url) as conn:
            row = conn.execute("SELECT to_regclass('bench_dataset') IS NOT NULL").fetchone()
            if not row[0]:
                return None
            data = conn.execute("SELECT data FROM bench_dataset").fetchone()
    except psycopg.OperationalError:
        return None  # no such database yet
    return Marker(**data[0]) if data else None


def recreate_database(base_url: str, name: str) -> None:
    with _connect(database_url(base_url, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def write_marker(url: str, marker: Marker) -> None:
    with _connect(url) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_dataset (data jsonb NOT NULL)")
        conn.execute("DELETE FROM bench_dataset")
        conn.execute("INSERT INTO bench_dataset (data) VALUES (%s)", [json.dumps(asdict(marker))])


def create_users() -> Actors:
    """The acting users, with their roles (needs Django set up on the bench database)."""
    from django.contrib.auth.models import Group

    from fms.accounts.models import User
    from fms.accounts.roles import ensure_roles

    ensure_roles()
    ids = {}
    for username, role, purchaser in USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"purchaser_id": purchaser, "is_staff": purchaser is None}
        )
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get(name=role))
        ids[username] = user.pk
    return Actors(
        officers=tuple((ids[name], name) for name in ("officer", "officer2")),
        reviewers=tuple((ids[name], name) for name in ("reviewer", "reviewer2")),
    )


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.started, self.shown = label, total, time.monotonic(), -1

    def update(self, done: int) -> None:
        percent = done * 100 // max(self.total, 1)
        if percent != self.shown:
            self.shown = percent
            bar = "#" * (percent // 4)
            elapsed = time.monotonic() - self.started
            line = f"\r  {self.label} [{bar:<25}] {percent:3d}% {done:,}/{self.total:,} {elapsed:5.1f}s"
            print(line, end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        print(file=sys.stderr, flush=True)


def _copy(cursor: psycopg.Cursor, table: str, columns: tuple[str, ...]):
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    return cursor.copy(statement)


def _loading_session(url: str) -> psycopg.Connection:
    conn = _connect(url)
    conn.execute("SET session_replication_role = replica")  # no triggers, no FK checks: this session only
    conn.execute("SET synchronous_commit = off")
    return conn


def next_ids(url: str) -> Ids:
    """Where new rows continue: after every existing key and designator."""
    with _connect(url) as conn:
        ids = Ids(
            case=conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM cases_case").fetchone()[0],
            line=conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM cases_lineitem").fetchone()[0],
            event=conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM cases_approvalevent").fetchone()[0],
            notification=conn.execute(
                "SELECT COALESCE(MAX(id), 0) + 1 FROM cases_congressionalnotification"
            ).fetchone()[0],
        )
        for table, counter in zip(DOCUMENT_TABLES, ("document", "document_line", "note", "payment"), strict=True):
            query = sql.SQL("SELECT COALESCE(MAX(id), 0) + 1 FROM {}").format(sql.Identifier(table))
            setattr(ids, counter, conn.execute(query).fetchone()[0])
        rows = conn.execute("SELECT purchaser_id, implementing_agency_id, COUNT(*) FROM cases_case GROUP BY 1, 2")
        ids.designators = {(p, a): n for p, a, n in rows}
        for number in conn.execute("SELECT transmittal_number FROM cases_congressionalnotification").fetchall():
            if number[0]:
                year, serial = map(int, number[0].split("-"))
                ids.transmittals[year] = max(ids.transmittals.get(year, 0), serial)
    return ids


def load(url: str, *, cases: int, seed: int, actors: Actors, purchaser=None, status=None, label="cases") -> tuple:
    """COPY `cases` generated stories into the database; returns (lines, events) written."""
    ids = next_ids(url)
    first_case = ids.case
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    start = now - dt.timedelta(days=6 * 365) if purchaser is None else now - dt.timedelta(days=210)
    progress = Progress(label, cases)
    lines = events = 0
    notifications = []
    frozen: dict[str, list[tuple]] = {table: [] for table in DOCUMENT_TABLES}
    with ExitStack() as stack:
        case_conn, line_conn, event_conn = (stack.enter_context(_loading_session(url)) for _ in range(3))
        # Every event is written by this one transaction, so it carries its id, as the trigger would.
        txid = event_conn.execute("SELECT pg_current_xact_id()::text::bigint").fetchone()[0]
        teller = StoryTeller(seed=seed, actors=actors, ids=ids, start=start, end=now, txid=txid)
        case_copy = stack.enter_context(_copy(case_conn.cursor(), "cases_case", CASE_COLUMNS))
        line_copy = stack.enter_context(_copy(line_conn.cursor(), "cases_lineitem", LINE_COLUMNS))
        event_copy = stack.enter_context(_copy(event_conn.cursor(), "cases_approvalevent", EVENT_COLUMNS))
        for done, story in enumerate(teller.stories(cases, purchaser=purchaser, status=status), 1):
            case_copy.write_row(story.case)
            for row in story.lines:
                line_copy.write_row(row)
            for row in story.events:
                event_copy.write_row(row)
            lines += len(story.lines)
            events += len(story.events)
            if story.notification:
                notifications.append(story.notification)
            for table, (_, name) in DOCUMENT_TABLES.items():
                frozen[table] += getattr(story, name)
            if done % 500 == 0 or done == cases:
                progress.update(done)
        progress.close()
    with _loading_session(url) as conn, conn.cursor() as cursor:
        tables = {"cases_congressionalnotification": (NOTIFICATION_COLUMNS, notifications)}
        tables |= {table: (columns, frozen[table]) for table, (columns, _) in DOCUMENT_TABLES.items()}
        for table, (columns, rows) in tables.items():
            with _copy(cursor, table, columns) as copy:
                for row in rows:
                    copy.write_row(row)
    with _connect(url) as conn:
        conn.execute(TOTALS_SQL, {"first": first_case})
        for table in TABLES:
            conn.execute(
                sql.SQL("SELECT setval(pg_get_serial_sequence({}, 'id'), (SELECT MAX(id) FROM {}))").format(
                    sql.Literal(table), sql.Identifier(table)
                )
            )
    with _connect(url, autocommit=True) as conn:
        for table in TABLES:
            conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))
    return lines, events

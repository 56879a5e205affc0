"""The app behind Debian's PgBouncer in transaction mode (DATABASE_POOLER=pgbouncer): the load
scenario's clients (case and line reads, the feed, line writes and submissions) through a pool of
fewer server connections than gunicorn has workers, so consecutive transactions of one worker run
on different server connections. Nothing may fail (a prepared statement, a server-side cursor or a
session setting that outlived its transaction would), nothing is half written or lost, the ledger
verifies, and PgBouncer did carry the transactions."""

import psycopg
import pytest

from reliability.appserver import manage
from reliability.invariants import counts, lost_writes, partial_writes
from reliability.load import Load, create_cases
from tools.pgbouncer import Unavailable, ensure, start, version

CLIENTS = 6
MAX_REQUESTS = 1500
MAX_SECONDS = 15
POOL_SIZE = 2  # < gunicorn's 3 workers, each holding its client connection (CONN_MAX_AGE)
# What the app sends as startup options on a direct connection (fms/settings.py), here PgBouncer's
# connect_query on each server connection it opens.
CONNECT_QUERY = "SET statement_timeout = 20000; SET lock_timeout = 5000"


@pytest.fixture
def bouncer(pg, tmp_path):
    try:
        server = start("127.0.0.1", pg.port, user="postgres", dbname="*", workdir=tmp_path / "pgbouncer",
                       connect_query=CONNECT_QUERY, pool_size=POOL_SIZE)  # fmt: skip
    except Unavailable as missing:
        pytest.skip(str(missing))
    yield server
    server.stop()


def admin_console(bouncer) -> psycopg.Connection:
    # The console speaks the simple query protocol only: a client-side-binding cursor uses it.
    return psycopg.connect(host=bouncer.host, port=bouncer.port, user="postgres", dbname="pgbouncer",
                           autocommit=True, cursor_factory=psycopg.ClientCursor)  # fmt: skip


def test_load_through_pgbouncer_in_transaction_mode(pg, database, tokens, gunicorn, bouncer, figures):
    name = database.rsplit("/", 1)[1]
    server = gunicorn(bouncer.url(name), DATABASE_POOLER="pgbouncer")
    cases = create_cases(server.base, tokens["officer"], CLIENTS, "P0")
    load = Load(server.base, tokens["officer"], cases, max_requests=MAX_REQUESTS, max_seconds=MAX_SECONDS)
    load.start().wait()

    with admin_console(bouncer) as console:
        cursor = console.cursor()
        stats = {row[0]: row for row in cursor.execute("SHOW STATS").fetchall()}
        columns = [column.name for column in cursor.description]
        pools = cursor.execute("SHOW POOLS").fetchall()
        pool_columns = [column.name for column in cursor.description]
    ours = dict(zip(columns, stats[name], strict=True))
    pool = next(dict(zip(pool_columns, row, strict=True)) for row in pools if row[0] == name)
    with pg.connect(name) as conn:
        partial = partial_writes(conn)
        lost = lost_writes(conn, load.acknowledged)
        rows = counts(conn)
    # The pooler's server connections run with the settings the app sends when it connects directly.
    with psycopg.connect(bouncer.url(name), autocommit=True) as conn:
        timeouts = [conn.execute(f"SHOW {setting}").fetchone()[0] for setting in ("statement_timeout", "lock_timeout")]
    ledger = manage(server.env, "verify_ledger", check=False)
    failed = load.failed()
    seconds = load.ended - load.started

    figures(
        f"through PgBouncer {'.'.join(map(str, version(ensure())))} (transaction mode, {POOL_SIZE} server "
        f"connections for 3 workers): {len(load.outcomes)} requests ({load.writes()} writes) by {CLIENTS} "
        f"clients in {seconds:.1f}s ({len(load.outcomes) / seconds:.0f}/s), {len(failed)} failed; "
        f"server connections now: {pool['sv_active'] + pool['sv_idle'] + pool['sv_used']}; PgBouncer counted "
        f"{ours['total_xact_count']} transactions, {ours['total_query_count']} queries"
    )
    figures(
        f"partial writes: {sum(len(v) for v in partial.values())}; acknowledged writes lost: {len(lost)} of "
        f"{len(load.acknowledged.lines)} lines created, {len(load.acknowledged.quantities)} edited, "
        f"{len(load.acknowledged.submitted)} submitted; rows {rows}; "
        f"verify_ledger: exit {ledger.returncode}: {ledger.stdout.strip() or ledger.stderr.strip()}"
    )

    assert failed == [], [(o.operation, o.status, o.problem_type, o.error) for o in failed[:5]]
    assert server.error_lines() == [], server.log_tail()
    assert load.acknowledged.lines, "writes must have been acknowledged"
    assert load.acknowledged.submitted
    assert {o.operation for o in load.outcomes} >= {"case detail", "case list", "event feed", "add line"}
    assert ours["total_xact_count"] >= len(load.outcomes), "the requests' transactions went through PgBouncer"
    assert pool["sv_active"] + pool["sv_idle"] + pool["sv_used"] <= POOL_SIZE
    assert timeouts == ["20s", "5s"]
    assert all(not rows for rows in partial.values()), partial
    assert lost == [], lost
    assert ledger.returncode == 0, ledger.stderr

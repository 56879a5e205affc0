"""pg_dump while writes are running, restored into a new database: every table's row count and
checksum equal those of the snapshot the dump read (taken in that same snapshot, exported from a
REPEATABLE READ transaction and handed to pg_dump --snapshot), the ledger verifies, migrations are
complete, and no invariant is broken."""

import subprocess
import time

from reliability.appserver import app_env, manage
from reliability.checksums import table_checksums
from reliability.invariants import partial_writes
from reliability.load import Load, create_cases
from reliability.pgserver import pg_tool

CLIENTS = 4
MAX_SECONDS = 60  # a bound in case the dump hangs; the load stops once the dump is done


def test_backup_while_writing_restores_exactly_the_snapshot(pg, database, tokens, gunicorn, figures, tmp_path):
    name = database.rsplit("/", 1)[1]
    server = gunicorn(database)
    cases = create_cases(server.base, tokens["officer"], CLIENTS, "B0")
    load = Load(server.base, tokens["officer"], cases, max_seconds=MAX_SECONDS).start()
    time.sleep(4)  # writes are flowing

    dump = tmp_path / "fms.dump"
    with pg.connect(name) as snapshot:
        snapshot.isolation_level = 3  # REPEATABLE READ: one snapshot for the whole transaction
        exported_at = time.monotonic()
        snapshot_id = snapshot.execute("SELECT pg_export_snapshot()").fetchone()[0]
        expected = table_checksums(snapshot)
        time.sleep(1)  # let more writes commit after the snapshot: the dump must still see only the snapshot
        dump_started = time.monotonic()
        subprocess.run(
            [pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot_id}", f"--file={dump}",
             "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", name],
            check=True, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        dumped_at = time.monotonic()
        snapshot.rollback()
    load.stop()

    written_meanwhile = [
        o
        for o in load.between(exported_at, dumped_at)
        if o.ok and o.operation in ("add line", "edit line", "submit line")
    ]
    with pg.connect(name) as live:
        live_now = table_checksums(live)

    pg.create_database("fms_restored")
    restore = subprocess.run(
        [pg_tool("pg_restore"), "--exit-on-error", "--no-owner",
         "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "-d", "fms_restored", str(dump)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert restore.returncode == 0, restore.stderr
    with pg.connect("fms_restored") as restored_conn:
        restored = table_checksums(restored_conn)
        partial = partial_writes(restored_conn)
    restored_env = app_env(pg.url("fms_restored"))
    ledger = manage(restored_env, "verify_ledger", check=False)
    migrations = manage(restored_env, "migrate", "--check", check=False)

    differing = sorted(t for t in expected if restored.get(t) != expected[t])
    changed_live = sorted(t for t in expected if live_now.get(t) != expected[t])
    rows = sum(count for count, _ in expected.values())
    figures(
        f"pg_dump --snapshot took {dumped_at - dump_started:.2f}s ({dump.stat().st_size} bytes) while "
        f"{len(load.outcomes)} requests ran; writes acknowledged between the snapshot and the end of the dump: "
        f"{len(written_meanwhile)}"
    )
    figures(
        f"restored {len(restored)} tables, {sum(c for c, _ in restored.values())} rows; snapshot {len(expected)} "
        f"tables, {rows} rows; tables whose count or checksum differ from the snapshot: {len(differing)} {differing}"
    )
    for table in ("cases_case", "cases_lineitem", "cases_approvalevent", "cases_casehistory", "accounts_apitoken"):
        if table in expected:
            count, md5 = expected[table]
            figures(f"  {table}: {count} rows, md5 {md5}; restored equal: {restored[table] == expected[table]}")
    figures(f"tables changed in the live database since the snapshot (writes went on): {changed_live}")
    figures(
        f"verify_ledger on the restored database: exit {ledger.returncode} ({ledger.stdout.strip()}); "
        f"migrate --check: exit {migrations.returncode}; partial writes: {sum(len(v) for v in partial.values())}"
    )

    assert written_meanwhile, "the dump must have run while writes were acknowledged"
    assert set(restored) == set(expected)
    assert differing == []
    assert "cases_lineitem" in changed_live  # the snapshot is not simply the final state
    assert ledger.returncode == 0, ledger.stderr
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr
    assert all(not rows for rows in partial.values()), partial
    assert load.failed() == [], load.failed()[:5]

"""PostgreSQL stopped and started again under load: while it is down every request is answered
503 problem+json (never a hang, a 500 or a traceback) and /readyz says 503; from 1 s after it is
back nothing fails, without restarting the app; no write is half done and none acknowledged is lost."""

import time

from reliability.appserver import manage
from reliability.invariants import counts, lost_writes, partial_writes
from reliability.load import Load, create_cases
from reliability.probes import ReadyzProbe

CLIENTS = 6
MAX_SECONDS = 30  # a bound in case the scenario hangs; the load stops when it is over
DOWN_AT = 8  # seconds into the load
DOWN_FOR = 3  # seconds the server stays stopped
RECOVERY_GRACE = 1.0  # seconds after it is back from which nothing may fail
RUN_AFTER = 3  # seconds the load goes on after the grace


def test_database_restart_under_load(pg, database, tokens, gunicorn, figures):
    server = gunicorn(database)
    cases = create_cases(server.base, tokens["officer"], CLIENTS, "R0")
    load = Load(server.base, tokens["officer"], cases, max_seconds=MAX_SECONDS)
    probe = ReadyzProbe(server.base).start()
    load.start()

    time.sleep(DOWN_AT)
    down_at = time.monotonic()
    pg.stop("fast")  # disconnects every session, as a restart does
    stopped_at = time.monotonic()
    time.sleep(DOWN_FOR)
    starting_at = time.monotonic()
    pg.start()  # returns once the server accepts connections
    back_at = time.monotonic()
    time.sleep(RECOVERY_GRACE + RUN_AFTER)
    load.stop()
    time.sleep(0.5)
    probe.stop()

    during = load.between(down_at, starting_at)
    recovering = load.between(starting_at, back_at + RECOVERY_GRACE)
    after = load.between(back_at + RECOVERY_GRACE, float("inf"))
    failed_during = load.failed(during)
    bad_answers = [o for o in load.failed() if not o.unavailable_problem]
    hangs = [o for o in load.outcomes if o.status is None]
    tracebacks = [o for o in load.outcomes if o.traceback_in_body]
    ready_down = probe.statuses(stopped_at, starting_at)
    ready_after = probe.statuses(back_at + RECOVERY_GRACE, float("inf"))

    with pg.connect(database.rsplit("/", 1)[1]) as conn:
        partial = partial_writes(conn)
        lost = lost_writes(conn, load.acknowledged)
        rows = counts(conn)
    ledger = manage(server.env, "verify_ledger", check=False)

    figures(
        f"requests sent: {len(load.outcomes)} ({load.writes()} writes) by {CLIENTS} clients in "
        f"{load.ended - load.started:.1f}s; PostgreSQL down from {down_at - load.started:.1f}s to "
        f"{back_at - load.started:.1f}s (stop {stopped_at - down_at:.1f}s + {DOWN_FOR}s stopped + start "
        f"{back_at - starting_at:.1f}s)"
    )
    figures(
        f"while down: {len(during)} requests, {len(failed_during)} failed, all 503 problem+json: "
        f"{all(o.unavailable_problem for o in failed_during)}; "
        f"while starting and in the first {RECOVERY_GRACE:.0f}s back: "
        f"{len(recovering)} requests, {len(load.failed(recovering))} failed"
    )
    figures(
        f"from {RECOVERY_GRACE:.0f}s after it was back: {len(after)} requests, {len(load.failed(after))} failed; "
        f"other failures (not 503 problem+json): {len(bad_answers)}; hangs/no answer: {len(hangs)}; "
        f"tracebacks: {len(tracebacks)}"
    )
    figures(
        f"/readyz while down: {sorted(set(ready_down))} ({len(ready_down)} probes); "
        f"after: {sorted(set(ready_after))} ({len(ready_after)} probes)"
    )
    figures(
        f"partial writes: {sum(len(v) for v in partial.values())} ({len(partial)} invariants checked); "
        f"acknowledged writes lost: {len(lost)} of {len(load.acknowledged.lines)} lines created, "
        f"{len(load.acknowledged.quantities)} edited, {len(load.acknowledged.submitted)} submitted; rows {rows}"
    )
    figures(f"verify_ledger: exit {ledger.returncode}: {ledger.stdout.strip() or ledger.stderr.strip()}")

    assert len(during) > 0, "the load must have run while the database was down"
    assert failed_during, "requests while the database was down cannot have succeeded"
    assert after, "the load must have run once the database was back"
    assert bad_answers == [], bad_answers[:5]
    assert tracebacks == []
    assert load.failed(after) == [], load.failed(after)[:5]
    assert ready_down
    assert set(ready_down) == {503}
    assert ready_after
    assert set(ready_after) == {200}
    assert all(not rows for rows in partial.values()), partial
    assert lost == [], lost
    assert ledger.returncode == 0, ledger.stderr
    assert load.acknowledged.lines, "writes must have been acknowledged"

"""kill -HUP to gunicorn under load (twice): new workers take over, old ones finish what they are
doing, and not one request is dropped or failed."""

import time

from reliability.appserver import manage
from reliability.invariants import lost_writes, partial_writes
from reliability.load import Load, create_cases

CLIENTS = 6
MAX_SECONDS = 30  # a bound in case the scenario hangs; the load stops when it is over
RELOADS_AT = (4, 10)  # seconds into the load
RUN_AFTER = 4  # seconds the load goes on after the last reload


def test_graceful_reload_under_load_drops_nothing(pg, database, tokens, gunicorn, figures):
    server = gunicorn(database)
    cases = create_cases(server.base, tokens["officer"], CLIENTS, "H0")
    workers_before = server.worker_pids()
    load = Load(server.base, tokens["officer"], cases, max_seconds=MAX_SECONDS).start()
    started = time.monotonic()
    reloaded_at = []
    for at in RELOADS_AT:
        time.sleep(max(0.0, started + at - time.monotonic()))
        reloaded_at.append(time.monotonic())
        server.reload()
    time.sleep(RUN_AFTER)
    load.stop()
    workers_after = server.worker_pids()
    with pg.connect(database.rsplit("/", 1)[1]) as conn:
        partial = partial_writes(conn)
        lost = lost_writes(conn, load.acknowledged)
    ledger = manage(server.env, "verify_ledger", check=False)

    failed = load.failed()
    served_by = set(server.served_by())
    across = [len(load.between(at - 1, at + 1)) for at in reloaded_at]
    figures(
        f"requests sent: {len(load.outcomes)} ({load.writes()} writes) by {CLIENTS} clients in "
        f"{load.ended - load.started:.1f}s with {len(RELOADS_AT)} x kill -HUP; dropped or failed: {len(failed)}; "
        f"requests sent within a second of each reload: {across}"
    )
    figures(
        f"workers before: {len(workers_before)}, after: {len(workers_after)}, replaced: "
        f"{not (workers_before & workers_after)}; distinct workers that answered: {len(served_by)}"
    )
    figures(
        f"partial writes: {sum(len(v) for v in partial.values())}; acknowledged writes lost: {len(lost)}; "
        f"verify_ledger exit {ledger.returncode}"
    )
    assert all(across), "the load must run across every reload"
    assert failed == [], failed[:5]
    assert len(workers_after) == 3
    assert not (workers_before & workers_after)  # every worker was replaced
    assert len(served_by) > 3  # old and new workers both answered
    assert all(not rows for rows in partial.values()), partial
    assert lost == []
    assert ledger.returncode == 0

"""kill -9 of a gunicorn worker right after it answered: every read it answered is still in the
read audit (issue #14 item 3). The worker spooled each row to its file before sending the response;
the flusher is told to wait an hour, so nothing was shipped before the kill; the worker that the
master starts in its place ships the dead one's file at start."""

import os
import signal
import time
import uuid

import requests

ROUNDS = 5
READS_PER_ROUND = 20
SHIP_WITHIN_SECONDS = 30


def wait_for_new_worker(server, dead: set[int], seconds: float = 60) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        workers = server.worker_pids() - dead
        if workers:
            server.wait_until_serving()
            return workers.pop()
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker after the kill")


def audited(pg, database: str, request_ids: list[str]) -> dict[str, int]:
    with pg.connect(database.rsplit("/", 1)[1]) as conn:
        rows = conn.execute(
            "SELECT request_id, count(*) FROM accounts_readaudit WHERE request_id = ANY(%s) GROUP BY request_id",
            [request_ids],
        ).fetchall()
    return dict(rows)


def test_no_read_audit_row_is_lost_when_a_worker_is_killed_after_answering(pg, database, tokens, gunicorn, tmp_path,
                                                                           figures):  # fmt: skip
    spool = tmp_path / "spool"
    server = gunicorn(
        database, workers=1, READ_AUDIT_SPOOL_DIR=str(spool), READ_AUDIT_FLUSH_SECONDS="3600", READ_AUDIT_BATCH="100000"
    )
    headers = {"Authorization": f"Bearer {tokens['client_ja']}"}
    case_id = requests.get(f"{server.base}/api/v1/cases/", headers=headers, timeout=10).json()["results"][0]["case_id"]
    sent: list[str] = []
    killed: set[int] = set()
    worker = server.worker_pids().pop()
    spooled_at_kill = []
    for _ in range(ROUNDS):
        for _ in range(READS_PER_ROUND):
            request_id = f"kill9-{uuid.uuid4().hex}"
            response = requests.get(
                f"{server.base}/api/v1/cases/{case_id}/", headers={**headers, "X-Request-ID": request_id}, timeout=10
            )
            assert response.status_code == 200
            sent.append(request_id)
        # Right after the last answer: nothing shipped yet, the rows are only in the dead worker's file.
        spooled_at_kill.append(len(audited(pg, database, sent)))
        os.kill(worker, signal.SIGKILL)
        killed.add(worker)
        worker = wait_for_new_worker(server, killed)

    deadline = time.monotonic() + SHIP_WITHIN_SECONDS
    counts = audited(pg, database, sent)
    while len(counts) < len(sent) and time.monotonic() < deadline:
        time.sleep(0.5)
        counts = audited(pg, database, sent)
    lost = [request_id for request_id in sent if request_id not in counts]
    doubled = [request_id for request_id, n in counts.items() if n != 1]
    figures(
        f"{len(sent)} audited reads, {ROUNDS} x kill -9 of the worker right after its last answer; "
        f"in the database at the kills (before shipping): {spooled_at_kill}; lost: {len(lost)}, recorded twice: "
        f"{len(doubled)}; spool files left: {len(list(spool.glob('*.spool')))}"
    )
    assert lost == []
    assert doubled == []
    assert server.error_lines() == []

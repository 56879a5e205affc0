"""A request blocked on a row lock that another connection holds gets 409 problem+json within the
lock timeout (DB_LOCK_TIMEOUT_MS), far below gunicorn's worker timeout; reads are not blocked."""

import time

import requests

from reliability.appserver import WORKER_TIMEOUT

LOCK_TIMEOUT_MS = 2000


def test_a_request_blocked_on_a_held_row_lock_gets_409_within_the_lock_timeout(pg, database, tokens, gunicorn, figures):
    server = gunicorn(database, DB_LOCK_TIMEOUT_MS=str(LOCK_TIMEOUT_MS), DB_STATEMENT_TIMEOUT_MS="10000")
    officer = {"Authorization": f"Bearer {tokens['officer']}"}
    # A case whose header may still change (from the offer on it is frozen: 409 header-frozen).
    listed = requests.get(f"{server.base}/api/v1/cases/?status=development&page_size=1", headers=officer, timeout=10)
    case_id = listed.json()["results"][0]["case_id"]
    case = requests.get(f"{server.base}/api/v1/cases/{case_id}/", headers=officer, timeout=10)
    etag, title = case.headers["ETag"], case.json()["title"]

    with pg.connect(database.rsplit("/", 1)[1]) as holder:  # a transaction holding the case's row lock
        holder.execute("SELECT 1 FROM cases_case WHERE case_id = %s FOR UPDATE", [case_id])
        started = time.monotonic()
        blocked = requests.patch(
            f"{server.base}/api/v1/cases/{case_id}/",
            json={"title": "Changed while locked"},
            headers={**officer, "If-Match": etag},
            timeout=WORKER_TIMEOUT + 5,
        )
        waited = time.monotonic() - started
        read_started = time.monotonic()
        read = requests.get(f"{server.base}/api/v1/cases/{case_id}/", headers=officer, timeout=10)
        read_seconds = time.monotonic() - read_started
        holder.rollback()

    figures(
        f"PATCH blocked on a held row lock: {blocked.status_code} {blocked.headers.get('Content-Type')} "
        f"{blocked.json().get('type')} after {waited:.2f}s (lock timeout {LOCK_TIMEOUT_MS / 1000:.1f}s, "
        f"worker timeout {WORKER_TIMEOUT}s); a read meanwhile: {read.status_code} in {read_seconds:.2f}s"
    )
    assert blocked.status_code == 409
    assert blocked.headers["Content-Type"] == "application/problem+json"
    assert blocked.json()["type"] == "/api/problems/#lock-timeout"
    assert blocked.headers["Retry-After"] == "1"
    # It waited for the lock, then gave up at the lock timeout: generous upper bound on a busy machine.
    assert LOCK_TIMEOUT_MS / 1000 - 0.05 <= waited < LOCK_TIMEOUT_MS / 1000 + 8
    assert read.status_code == 200
    assert read.json()["title"] == title  # nothing was written

    # Once the lock is gone the same request goes through.
    after = requests.patch(
        f"{server.base}/api/v1/cases/{case_id}/", json={"title": "Changed"}, headers={**officer, "If-Match": etag},
        timeout=10,
    )  # fmt: skip
    figures(f"the same PATCH once the lock was released: {after.status_code}")
    assert after.status_code == 200
    assert server.error_lines() == []

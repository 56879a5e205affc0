"""Rate limits hold across gunicorn's workers: the counters are shared and atomic (a PostgreSQL table,
or Redis when REDIS_URL is set), so 3 workers answering at once allow the limit once, exactly."""

import os
import socket
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

LIMIT = 30
SENT = 45


def redis_url() -> str | None:
    url = os.environ.get("REDIS_URL")
    if url:
        return url
    with socket.socket() as probe:  # the machine's Redis, when it runs
        probe.settimeout(1)
        return "redis://127.0.0.1:6379/0" if probe.connect_ex(("127.0.0.1", 6379)) == 0 else None


BACKENDS = ["database", "redis"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_token_rate_limit_holds_across_workers(database, tokens, gunicorn, figures, backend):
    env = {"RATE_LIMIT_TOKEN": f"{LIMIT}/min"}
    if backend == "redis":
        url = redis_url()
        if url is None:
            pytest.skip("no Redis: set REDIS_URL or run one on 127.0.0.1:6379")
        env |= {"REDIS_URL": url, "CACHE_KEY_PREFIX": f"fms-reliability-{uuid.uuid4().hex}"}
    server = gunicorn(database, **env)
    headers = {"Authorization": f"Bearer {tokens['client_ja']}", "Connection": "close"}
    served_before = len(server.served_by())
    # All at once from several threads: the counter is atomic, so the limit is exact even so.
    with ThreadPoolExecutor(6) as pool:
        answers = list(
            pool.map(lambda _: requests.get(f"{server.base}/api/v1/cases/", headers=headers, timeout=30), range(SENT))
        )
    workers = set(server.served_by()[served_before:])
    statuses = [a.status_code for a in answers]
    limited = [a for a in answers if a.status_code == 429]
    other = requests.get(f"{server.base}/api/v1/cases/", headers={"Authorization": f"Bearer {tokens['client_ks']}"})

    retry_after = sorted({a.headers.get("Retry-After") for a in limited})
    content_types = sorted({a.headers.get("Content-Type") for a in limited})
    figures(
        f"{backend} counters: {SENT} concurrent requests with one token, limit {LIMIT}/min, "
        f"answered by {len(workers)} workers: "
        f"{statuses.count(200)} x 200, {len(limited)} x 429 (Retry-After {retry_after}, {content_types}); "
        f"another token meanwhile: {other.status_code}"
    )
    assert len(workers) >= 2  # the requests really were spread over several workers
    assert (statuses.count(200), statuses.count(429)) == (LIMIT, SENT - LIMIT)
    for answer in limited:
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert answer.json()["type"] == "/api/problems/#rate-limited"
        assert 1 <= int(answer.headers["Retry-After"]) <= 61
    assert other.status_code == 200

"""Measurements other than throughput: queries per request, cursor walks, CSV memory, verify_ledger."""

import contextlib
import os
import subprocess
import sys
import threading
import time
import urllib.request
from urllib.parse import urlsplit

from bench.load import Request
from bench.servers import ROOT, Server

CASE_LIST = "/api/v1/cases/?expand=lines"
FEED = "/api/v1/events/"
CSV_LINES = "/api/v1/cases/?format=csv&expand=lines"


def bearer(secret: str) -> tuple[tuple[str, str], ...]:
    return (("Authorization", f"Bearer {secret}"),)


def get(url: str, secret: str) -> bytes:
    request = urllib.request.Request(url, headers=dict(bearer(secret)))
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.read()


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def walk_cases(server: Server, secret: str, page_size: int = 50) -> dict:
    """Follow next links from the first page to the end: the deepest full page and the pages seen."""
    import orjson

    url, pages, deepest, rows = f"{server.url}{CASE_LIST}&page_size={page_size}", 0, None, 0
    started = time.monotonic()
    while url:
        page = orjson.loads(get(url, secret))
        pages += 1
        rows += len(page["results"])
        if len(page["results"]) == page_size:
            deepest = path_of(url)
        url = page["next_url"]
    return {"pages": pages, "rows": rows, "deep_path": deepest, "walk_seconds": round(time.monotonic() - started, 2)}


def query_counts(secrets: dict[str, str], detail_id: str, approve: Request | None, document: str) -> dict:
    """SQL statements per request, through Django's test client on the benchmark database."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def count(secret: str, path: str, method: str = "get", **extra) -> int:
        client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}")
        client.get(CASE_LIST + "&page_size=1")  # the token's once-a-minute last_used_at write is not counted
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(path, **extra)
        assert response.status_code < 300, (path, response.status_code, response.content[:300])
        return len(queries.captured_queries)

    client = secrets["client_ja"]
    counts = {f"case_list_page_{n}": count(client, f"{CASE_LIST}&page_size={n}") for n in (1, 50, 500)}
    counts["case_detail"] = count(client, f"/api/v1/cases/{detail_id}/")
    counts["event_feed"] = count(client, FEED)
    counts["document"] = count(client, document)
    if approve is not None:
        headers = dict(approve.headers)
        counts["line_approve"] = count(
            headers["Authorization"].removeprefix("Bearer "),
            approve.path,
            "post",
            data=approve.body,
            content_type="application/json",
            headers={"If-Match": headers["If-Match"]},
        )
    return counts


def csv_export(server: Server, secret: str) -> dict:
    """Stream a CSV export; time it and sample the workers' RSS every 10 ms while it runs."""
    before = {w.pid: w.memory_info().rss for w in server.workers()}
    peak = dict(before)
    result: dict = {}

    def download() -> None:
        started = time.monotonic()
        request = urllib.request.Request(server.url + CSV_LINES, headers=dict(bearer(secret)))
        size = rows = 0
        with urllib.request.urlopen(request, timeout=600) as response:
            while chunk := response.read(1 << 16):
                size += len(chunk)
                rows += chunk.count(b"\n")
        result.update(seconds=round(time.monotonic() - started, 2), bytes=size, rows=rows - 1)

    thread = threading.Thread(target=download)
    thread.start()
    while thread.is_alive():
        for worker in server.workers():
            with contextlib.suppress(OSError):  # a worker may be gone between listing and reading
                peak[worker.pid] = max(peak.get(worker.pid, 0), worker.memory_info().rss)
        time.sleep(0.01)
    thread.join()
    growth = max((peak[pid] - rss) for pid, rss in before.items())
    result["peak_rss_growth_mb"] = round(growth / 2**20, 1)
    result["peak_rss_mb"] = round(max(peak.values()) / 2**20, 1)
    return result


def verify_ledger(env: dict[str, str]) -> dict:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "manage.py", "verify_ledger"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = round(time.monotonic() - started, 2)
    lines = (done.stdout + done.stderr).strip().splitlines()
    return {"seconds": seconds, "ok": done.returncode == 0, "output": lines[-1] if lines else ""}

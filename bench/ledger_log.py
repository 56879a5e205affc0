"""`python -m bench.ledger_log`: the transparency log at the benchmark's scale (100,000 cases, about
1,000,000 events; `--small` for 10,000 cases). It builds or reuses bench's data set, then times:

- the sequencer catching up (every event appended to the log, stored nodes computed and checked
  by the database's triggers), once per data set;
- signing a checkpoint (`tree_head_sign`) with nothing new, and after new events;
- inclusion proofs for random events and consistency proofs between random sizes, through the
  API routes in-process (Django's test client: routing, auth, selector, SQL, JSON), with queries;
- verify_ledger's transparency-log pass (the whole tree recomputed, every head checked).

Timings are medians (and p95) on this machine; they are printed, never asserted (DESIGN §7).
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time

from bench.run import ROOT, prepare, step
from bench.run import parse_args as bench_args


def _timed(function, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def _summary(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms over {len(ordered)}"


def _stats(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {"median_ms": round(statistics.median(ordered) * 1000, 2), "p95_ms": round(p95 * 1000, 2),
            "count": len(ordered)}  # fmt: skip


def measure(proofs: int) -> dict:
    """The log brought up to every event, then timed: checkpoints and proofs through the API routes."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fms.accounts.models import User
    from fms.accounts.services import token_issue
    from fms.ledger.models import ApprovalEvent, LogEntry
    from fms.ledger.proofs import log_size
    from fms.ledger.signing import read_signer
    from fms.ledger.transparency import log_append_settled, tree_head_sign

    signer = read_signer()
    out: dict = {"events": ApprovalEvent.objects.count(), "log_before": log_size()}
    step(f"{out['events']:,} events; the log has {out['log_before']:,} entries")
    seconds, appended = _timed(log_append_settled)
    out["catch_up"] = {"appended": appended, "seconds": round(seconds, 1)}
    if appended:
        step(f"sequencer: appended {appended:,} events in {seconds:.1f} s ({appended / seconds:,.0f} events/s)")
    seconds, head = _timed(tree_head_sign, signer=signer)
    out["checkpoint_ms"] = round(seconds * 1000, 1) if head else None
    seconds, head = _timed(tree_head_sign, signer=signer)
    out["checkpoint_unchanged_ms"] = round(seconds * 1000, 1)
    size = out["size"] = log_size()

    user = User.objects.get(username="auditor")
    _, secret = token_issue(actor=None, user=user, days=1, name="benchmark")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_HOST="127.0.0.1")
    rng = random.Random(2018)
    indices = [rng.randrange(size) for _ in range(proofs)]
    event_ids = dict(LogEntry.objects.filter(log_index__in=indices).values_list("log_index", "event_id"))
    requests = {
        "inclusion": [("/api/v1/ledger/proof/inclusion/", {"event": event_ids[i], "size": size}) for i in indices],
        "consistency": [
            ("/api/v1/ledger/proof/consistency/", {"from": rng.randrange(1, size), "to": size}) for _ in range(proofs)
        ],
    }
    for kind, calls in requests.items():
        timings, queries = [], set()
        for path, params in calls:
            with CaptureQueriesContext(connection) as captured:
                seconds, response = _timed(client.get, path, params)
            assert response.status_code == 200, response.content
            timings.append(seconds)
            queries.add(len(captured))
        out[kind] = {**_stats(timings), "queries": sorted(queries)}
        step(f"{kind} proof at size {size:,} (GET, in-process): {_summary(timings)}; SQL queries {sorted(queries)}")
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not os.environ.get("DATABASE_URL"):
        # Under tools/devdb.py, which starts (and stops) the embedded PostgreSQL, as `python -m bench` does.
        devdb = [sys.executable, str(ROOT / "tools" / "devdb.py"), "--"]
        return subprocess.run([*devdb, sys.executable, "-m", "bench.ledger_log", *argv], check=False).returncode
    parser = argparse.ArgumentParser(prog="python -m bench.ledger_log", description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--database", help="the data set's database (as python -m bench --database)")
    parser.add_argument("--proofs", type=int, default=200, help="proofs of each kind to time (default 200)")
    own = parser.parse_args(argv)
    data, _env = prepare(
        bench_args([*(["--small"] if own.small else []), *(["--database", own.database] if own.database else [])])
    )
    step(f"data set {data['database']}")
    measure(own.proofs)

    from fms.ledger.log_verification import verify_log

    seconds, result = _timed(verify_log)
    step(
        f"verify_ledger's log pass over {result.size:,} entries and {result.heads} heads: "
        f"{seconds:.1f} s, ok={result.ok}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

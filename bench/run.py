"""`python -m bench`: build or reuse the data set, serve the product and the floor, measure, report."""

import argparse
import contextlib
import os
import secrets
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench import dataset, measure, report, servers
from bench.load import Load, Request, find_wrk
from fms.ledger.signing import create_key_file

ROOT = servers.ROOT
RESULTS = ROOT / "bench" / "results"
REVIEWERS = ("reviewer", "reviewer2")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--small", action="store_true", help="10,000 cases, shorter rounds (a quick run)")
    parser.add_argument("--cases", type=int, help="data set size in cases (default 100,000; 10,000 with --small)")
    parser.add_argument("--rounds", type=int, help="alternating rounds per comparison (default 5; 3 with --small)")
    parser.add_argument("--duration", type=float, help="seconds per side per round (default 10; 5 with --small)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections (default 8)")
    parser.add_argument("--seed", type=int, default=2018, help="data set seed")
    parser.add_argument("--rebuild", action="store_true", help="build the data set again even if it exists")
    parser.add_argument("--no-install", action="store_true", help="do not try to apt-get install wrk")
    parser.add_argument("--python-load", action="store_true", help="use the Python load generator, not wrk")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json", help="where to write the results")
    parser.add_argument("--database", help="the data set's database (default fms_bench, fms_bench_small, fms_bench_N)")
    parser.add_argument("--ports", default="8100-8199", help="ports for the servers, FIRST-LAST (default 8100-8199)")
    ledger = parser.add_mutually_exclusive_group()
    ledger.add_argument("--ledger", action="store_true", default=None, help="time checkpoints and proofs (default "
                        "on at 100,000 cases: about 1,000,000 events; off with --small)")  # fmt: skip
    ledger.add_argument("--no-ledger", action="store_false", dest="ledger", help="skip the ledger's timings")
    parser.add_argument("--no-pgbouncer", action="store_true", help="do not measure through PgBouncer")
    parser.add_argument("--proofs", type=int, default=100, help="proofs of each kind to time (default 100)")
    args = parser.parse_args(argv)
    args.cases = args.cases or (10_000 if args.small else 100_000)
    args.rounds = args.rounds or (3 if args.small else 5)
    args.duration = args.duration or (5.0 if args.small else 10.0)
    args.ledger = (args.cases >= LEDGER_CASES) if args.ledger is None else args.ledger
    first, _, last = args.ports.partition("-")
    args.ports = range(int(first), int(last or first) + 1)
    return args


LEDGER_CASES = 100_000  # the default data set: about 1,000,000 events


def bench_ledger_key() -> Path:
    """The ledger's signing key for the benchmark's servers, created on first use."""
    path = ROOT / "var" / "bench-ledger-signing.key"
    with contextlib.suppress(FileExistsError):
        create_key_file(path, "bench.localhost/ledger")
    return path


def with_database(argv: list[str]) -> int:
    """No DATABASE_URL: run again under tools/devdb.py, which starts (and stops) the embedded server."""
    command = [sys.executable, str(ROOT / "tools" / "devdb.py"), "--", sys.executable, "-m", "bench", *argv]
    return subprocess.run(command, check=False).returncode


def step(text: str) -> None:
    print(f"==> {text}", flush=True)


def prepare(args) -> tuple[dict, dict]:
    """The data set, ready, and the environment the servers (and manage.py) run with."""
    name = args.database or {10_000: "fms_bench_small", 100_000: "fms_bench"}.get(args.cases, f"fms_bench_{args.cases}")
    url = dataset.database_url(os.environ["DATABASE_URL"], name)
    marker = None if args.rebuild else dataset.read_marker(url)
    fits = marker is not None and (marker.cases, marker.seed, marker.generator) == (
        args.cases,
        args.seed,
        dataset.GENERATOR_VERSION,
    )
    env = {
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "TOKEN_HMAC_KEY": secrets.token_hex(32),
        "STATIC_COLLECTED": "0",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        # Every request is still counted against its token's rate limit (that cost is measured),
        # but the limit is out of reach: the load would otherwise measure 429 answers.
        "RATE_LIMIT_TOKEN": os.environ.get("BENCH_RATE_LIMIT", "1000000000/min"),
        # Production refuses to serve without the ledger's signing key (fms/wsgi.py).
        "LEDGER_SIGNING_KEY_FILE": str(bench_ledger_key()),
        # The read audit's spool of this data set's servers: never shipped into another database.
        "READ_AUDIT_SPOOL_DIR": str(RESULTS / "read-audit" / name),
    }
    if not fits:
        step(f"building the data set in database {name} ({args.cases:,} cases)")
        dataset.recreate_database(os.environ["DATABASE_URL"], name)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fms.settings")
    import django
    from django.core.management import call_command

    django.setup()
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    actors = dataset.create_users()
    if fits:
        step(f"reusing the data set in database {name} (built in {marker.build_seconds:.0f}s on {marker.built_at})")
    else:
        lines, events = dataset.load(url, cases=args.cases, seed=args.seed, actors=actors)
        marker = dataset.Marker(
            cases=args.cases,
            seed=args.seed,
            generator=dataset.GENERATOR_VERSION,
            lines=lines,
            events=events,
            build_seconds=round(time.monotonic() - started, 1),
            built_at=time.strftime("%Y-%m-%d %H:%M:%S"),
        )
        dataset.write_marker(url, marker)
        step(f"built {args.cases:,} cases, {lines:,} lines, {events:,} events in {marker.build_seconds:.0f}s")
    info = {"database": name, "reused": fits, **vars(marker)}
    return info, {**env, "_actors": actors}


def approve_pool(url: str, actors, size: int, tokens: dict[str, str], seed: int) -> list[Request]:
    """Submitted lines a reviewer may approve now, topped up with fresh cases (purchaser NS) when short."""
    import psycopg

    query = """
        SELECT c.case_id, l.line_number, l.version FROM cases_lineitem l JOIN cases_case c ON c.id = l.case_id
        WHERE l.review_status = 'submitted' AND l.removed_at IS NULL AND c.status IN ('development', 'write', 'review')
          AND l.created_by_id <> ALL(%(reviewers)s) AND l.updated_by_id <> ALL(%(reviewers)s)
        ORDER BY l.id DESC LIMIT %(size)s"""
    reviewers = [pk for pk, _ in actors.reviewers]
    with psycopg.connect(url) as conn:
        rows = conn.execute(query, {"reviewers": reviewers, "size": size}).fetchall()
    if len(rows) < size:
        extra = (size - len(rows)) // 3 + 10  # a case in write has ~3 submitted lines
        step(f"topping up the pool of submitted lines: {extra} new cases of purchaser NS")
        dataset.load(
            url, cases=extra, seed=seed + len(rows), actors=actors, purchaser="NS", status="write", label="pool"
        )
        with psycopg.connect(url) as conn:
            rows = conn.execute(query, {"reviewers": reviewers, "size": size}).fetchall()
    return [
        Request(
            "POST",
            f"/api/v1/cases/{case_id}/lines/{number}/approve/",
            (
                ("Authorization", f"Bearer {tokens[REVIEWERS[n % 2]]}"),
                ("If-Match", f'"{version}"'),
                ("Content-Type", "application/json"),
            ),
            '{"comment": "Checked by the benchmark."}',
        )
        for n, (case_id, number, version) in enumerate(rows)
    ]


def issue_tokens() -> dict[str, str]:
    from fms.accounts.models import User
    from fms.accounts.services import token_issue

    return {
        name: token_issue(actor=None, user=User.objects.get(username=name), days=1, name="benchmark")[1]
        for name in ("client_ja", *REVIEWERS, "auditor")
    }


def compare(load: Load, pairs: dict, rounds: int, seconds: float) -> dict:
    """Each round runs every pair's two sides back to back, in alternating order; medians of ratios."""
    runs = {name: {"a": [], "b": []} for name in pairs}
    for number in range(rounds):
        for name, (a, b) in pairs.items():
            order = [("a", a), ("b", b)] if number % 2 == 0 else [("b", b), ("a", a)]
            for side, (base, request) in order:
                runs[name][side].append(load.run(base, request, seconds))
        print(f"    round {number + 1}/{rounds}: " + ", ".join(
            f"{name} {r['a'][-1].rps:.0f}/{r['b'][-1].rps:.0f}" for name, r in runs.items()
        ), flush=True)  # fmt: skip
    results = {}
    for name, r in runs.items():
        ratios = [a.rps / b.rps if b.rps else 0.0 for a, b in zip(r["a"], r["b"], strict=True)]
        results[name] = {
            "a": [x.as_dict() for x in r["a"]],
            "b": [x.as_dict() for x in r["b"]],
            "ratios": [round(x, 3) for x in ratios],
            "median_ratio": round(statistics.median(ratios), 3),
            "median_rps_a": round(statistics.median(x.rps for x in r["a"]), 1),
            "median_rps_b": round(statistics.median(x.rps for x in r["b"]), 1),
        }
    return results


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not os.environ.get("DATABASE_URL"):
        return with_database(argv)
    args = parse_args(argv)
    began = time.monotonic()
    results: dict = {"machine": report.machine(), "started_at": time.strftime("%Y-%m-%d %H:%M:%S")}
    data, env = prepare(args)
    actors = env.pop("_actors")
    results["dataset"] = data
    results["machine"]["postgresql"] = server_version(env["DATABASE_URL"])
    wrk = None if args.python_load else find_wrk(install=not args.no_install)
    load = Load(wrk, args.connections)
    results["config"] = {
        "rounds": args.rounds,
        "seconds_per_side": args.duration,
        "connections": args.connections,
        "load_tool": load.tool,
        "gunicorn": "2 sync workers, 127.0.0.1",
    }
    tokens = issue_tokens()
    pool = approve_pool(env["DATABASE_URL"], actors, int(400 * args.duration) + 1, tokens, args.seed)
    detail_id = first_case_of(env["DATABASE_URL"], "JA")
    document_path = document_of(env["DATABASE_URL"], "JA")
    step("counting SQL queries per request (Django test client)")
    results["queries"] = measure.query_counts(tokens, detail_id, pool.pop(), document_path)
    results["queries"]["floor_any_request"] = 1
    feed_deep = feed_cursor_at(env["DATABASE_URL"], "JA", 0.9)

    RESULTS.mkdir(parents=True, exist_ok=True)
    ports = servers.free_ports(4, args.ports)
    step(
        f"starting gunicorn: the product on {ports[0]}, the floor on {ports[1]}, without the read audit on "
        f"{ports[2]}, through PgBouncer on {ports[3]}"
    )
    with contextlib.ExitStack() as running:
        ours = running.enter_context(servers.started("ours", "fms.wsgi:application", ports[0], env, RESULTS))
        floor = running.enter_context(servers.started("floor", "bench.floor:application", ports[1], env, RESULTS))
        # The same product with READ_AUDIT_ENABLED=0, only to show what the read audit costs.
        unaudited = running.enter_context(
            servers.started("unaudited", "fms.wsgi:application", ports[2], {**env, **NO_AUDIT}, RESULTS)
        )
        bounced, results["pgbouncer"] = None, {"measured": False, "reason": "--no-pgbouncer"}
        if not args.no_pgbouncer:
            bounced, results["pgbouncer"] = through_pgbouncer(running, env, ports[3])
        urls = Urls(detail_id, feed_deep, document_path)
        results.update(measure_servers(args, load, Sides(ours, floor, unaudited, bounced), tokens, urls, pool))

    if args.ledger:
        step("the transparency log: catch-up, checkpoints, inclusion and consistency proofs")
        from bench import ledger_log

        results["ledger"] = ledger_log.measure(proofs=args.proofs)
    else:
        results["ledger"] = None

    step("verify_ledger over every event")
    results["verify_ledger"] = measure.verify_ledger(env)
    results["total_seconds"] = round(time.monotonic() - began, 1)
    report.finish(results, args.out)
    return 0


# Cases a purchaser sees (DESIGN §8): a document of them was offered (an offer event in the ledger).
OFFERED_CASES = """SELECT c.case_id FROM cases_case c WHERE c.purchaser_id = %s AND EXISTS (
    SELECT 1 FROM cases_approvalevent e WHERE e.case_id = c.id AND e.line_item_id IS NULL AND e.action = 'offer')"""


def first_case_of(url: str, purchaser: str) -> str:
    """The purchaser's latest case it can see: the first of its list."""
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(f"{OFFERED_CASES} ORDER BY c.updated_at DESC, c.id DESC LIMIT 1", [purchaser]).fetchone()[0]


def document_of(url: str, purchaser: str) -> str:
    """The path of the BASIC document of the purchaser's latest accepted case (the one in force)."""
    import psycopg

    query = f"{OFFERED_CASES} AND c.status = 'accepted' ORDER BY c.updated_at DESC, c.id DESC LIMIT 1"
    with psycopg.connect(url) as conn:
        case_id = conn.execute(query, [purchaser]).fetchone()[0]
    return f"/api/v1/cases/{case_id}/documents/BASIC/"


def server_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def feed_cursor_at(url: str, purchaser: str, depth: float) -> str:
    """The feed cursor `depth` of the way through a purchaser's events (as a client would hold it):
    the purchaser's own sealed id of that event (fms.core.opaque, keyed as the servers are)."""
    import psycopg

    from fms.core.opaque import seal_pair

    with psycopg.connect(url) as conn:
        visible = (
            "FROM cases_approvalevent e JOIN cases_case c ON c.id = e.case_id WHERE c.purchaser_id = %s "
            f"AND e.line_item_id IS NULL AND e.action IN {MILESTONES} AND c.case_id IN ({OFFERED_CASES})"
        )
        count = conn.execute(f"SELECT COUNT(*) {visible}", [purchaser, purchaser]).fetchone()[0]
        query = f"SELECT e.txid, e.id {visible} ORDER BY e.txid, e.id OFFSET %s LIMIT 1"
        txid, event_id = conn.execute(query, [purchaser, purchaser, int(count * depth)]).fetchone()
        return seal_pair(f"events:{purchaser}", txid, event_id)


MILESTONES = ("offer", "accept", "implement", "complete_supply", "close", "cancel", "issue")


NO_AUDIT = {"READ_AUDIT_ENABLED": "0"}


@dataclass(frozen=True)
class Sides:
    ours: servers.Server
    floor: servers.Server
    unaudited: servers.Server
    bounced: servers.Server | None  # the product through PgBouncer; None when it could not be had


@dataclass(frozen=True)
class Urls:
    detail_id: str
    feed_after: str
    document: str


def through_pgbouncer(running: contextlib.ExitStack, env: dict, port: int) -> tuple:
    """The product through Debian's PgBouncer in transaction mode, or (None, why not)."""
    from urllib.parse import urlsplit

    from django.conf import settings

    from tools import pgbouncer

    url = urlsplit(env["DATABASE_URL"])
    # Session settings of a direct connection: here the pooler's, on each server connection it opens.
    timeouts = (
        f"SELECT set_config('statement_timeout', '{settings.DB_STATEMENT_TIMEOUT_MS}', false), "
        f"set_config('lock_timeout', '{settings.DB_LOCK_TIMEOUT_MS}', false)"
    )
    try:
        bouncer = pgbouncer.start(
            url.hostname,
            url.port or 5432,
            user=url.username or "postgres",
            dbname=url.path.lstrip("/"),
            workdir=RESULTS / "pgbouncer",
            connect_query=timeouts,
        )
    except pgbouncer.Unavailable as missing:
        step(f"PgBouncer not measured: {missing}")
        return None, {"measured": False, "reason": str(missing)}
    running.callback(bouncer.stop)
    version = ".".join(map(str, pgbouncer.version(pgbouncer.ensure())))
    pooled = {**env, "DATABASE_URL": bouncer.url(), "DATABASE_POOLER": "pgbouncer"}
    server = running.enter_context(servers.started("pgbouncer", "fms.wsgi:application", port, pooled, RESULTS))
    return server, {"measured": True, "version": version, "mode": "transaction", "port": bouncer.port}


def measure_servers(args, load: Load, sides: Sides, tokens: dict, urls: Urls, pool: list) -> dict:
    ours, floor = sides.ours, sides.floor
    client = measure.bearer(tokens["client_ja"])
    out: dict = {}
    step("checking that the floor answers with the product's documents")
    out["floor_matches"] = report.same_documents(ours, floor, tokens["client_ja"], urls.detail_id, urls.document)
    step("walking the client's case list to its last page")
    out["walk"] = measure.walk_cases(ours, tokens["client_ja"])
    first = Request("GET", measure.CASE_LIST, client)
    deep = Request("GET", out["walk"]["deep_path"], client)
    detail = Request("GET", f"/api/v1/cases/{urls.detail_id}/", client)
    document = Request("GET", urls.document, client)
    feed = Request("GET", measure.FEED, client)
    feed_deep = Request("GET", f"{measure.FEED}?after={urls.feed_after}", client)
    healthz = Request("GET", "/healthz")
    for server in (ours, floor, sides.unaudited, sides.bounced):  # warm them all: connections, caches
        for request in (first, deep, detail, document, feed, feed_deep) if server else ():
            load.run(server.url, request, 1)
    pairs = {
        "case_list": ((ours.url, first), (floor.url, first)),
        "case_detail": ((ours.url, detail), (floor.url, detail)),
        "event_feed": ((ours.url, feed), (floor.url, feed)),
        "document": ((ours.url, document), (floor.url, document)),
        # Django and the whole middleware stack answering without a query, against the floor's detail:
        # the headroom above the floor that Django itself leaves.
        "django_floor": ((ours.url, healthz), (floor.url, detail)),
        "deep_vs_first_page": ((ours.url, deep), (ours.url, first)),
        "floor_deep_vs_first_page": ((floor.url, deep), (floor.url, first)),
        "feed_deep_vs_first_page": ((ours.url, feed_deep), (ours.url, feed)),
        # One read-audit row spooled per response (fsync as READ_AUDIT_FSYNC says), against none.
        "case_detail_audit_on_vs_off": ((ours.url, detail), (sides.unaudited.url, detail)),
    }
    if sides.bounced:
        pairs["pgbouncer_vs_direct"] = ((sides.bounced.url, first), (ours.url, first))
    step(
        f"{args.rounds} alternating rounds x {args.duration:g}s per side ({load.tool}, {args.connections} connections)"
    )
    out["throughput"] = compare(load, pairs, args.rounds, args.duration)
    out["rss_mb"] = {"ours_after_load": ours.worker_rss_mb(), "floor_after_load": floor.worker_rss_mb()}

    step(f"line approve: {len(pool):,} submitted lines, {args.duration:g}s")
    result = load.run(ours.url, pool, args.duration)
    out["approve"] = {**result.as_dict(), "pool": len(pool)}

    step("CSV export of the client's lines, then of every line (auditor)")
    out["csv"] = {
        "client_ja": measure.csv_export(ours, tokens["client_ja"]),
        "all_lines": measure.csv_export(ours, tokens["auditor"]),
    }
    out["rss_mb"]["ours_after_run"] = ours.worker_rss_mb()
    return out


if __name__ == "__main__":
    sys.exit(main())

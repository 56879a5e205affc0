"""The benchmark's report and options, on made-up results (nothing is timed here)."""

from bench import report
from bench.run import parse_args

ISSUE_16_TARGETS = [
    "case detail, ours/floor",
    "event feed, ours/floor",
    "case list, ours/floor",
    "a document, ours/floor",
    "queries per line approval",
    "detail with read audit on vs off",
    "through PgBouncer vs direct (list)",
]


def comparison(ratio: float) -> dict:
    run = {"rps": 100.0, "p50_ms": 5.0, "p99_ms": 9.0, "requests": 1000, "errors": 0}
    return {"a": [run], "b": [run], "ratios": [ratio], "median_ratio": ratio, "median_rps_a": 100.0 * ratio,
            "median_rps_b": 100.0}  # fmt: skip


def results(*, pgbouncer: bool = True, ledger: dict | None = None) -> dict:
    ratios = {
        "case_list": 0.85, "case_detail": 0.55, "event_feed": 0.95, "document": 0.61, "django_floor": 1.2,
        "deep_vs_first_page": 1.0, "floor_deep_vs_first_page": 1.0, "feed_deep_vs_first_page": 1.0,
        "case_detail_audit_on_vs_off": 0.98,
    }  # fmt: skip
    if pgbouncer:
        ratios["pgbouncer_vs_direct"] = 0.89
    queries = {"case_list_page_1": 3, "case_list_page_50": 3, "case_list_page_500": 3, "case_detail": 3,
               "event_feed": 3, "document": 4, "line_approve": 7}  # fmt: skip
    csv = {"seconds": 1.0, "bytes": 2**20, "rows": 10, "peak_rss_growth_mb": 1.0, "peak_rss_mb": 80.0}
    return {
        "dataset": {
            "database": "fms_bench_small",
            "reused": True,
            "cases": 10_000,
            "lines": 49_929,
            "events": 107_754,
            "build_seconds": 9.0,
        },
        "config": {"rounds": 3, "seconds_per_side": 5, "load_tool": "wrk", "connections": 8},
        "queries": queries,
        "throughput": {name: comparison(ratio) for name, ratio in ratios.items()},
        "pgbouncer": {"measured": True, "version": "1.18.0", "mode": "transaction"}
        if pgbouncer
        else {"measured": False, "reason": "pgbouncer is not installed"},
        "walk": {"pages": 3, "rows": 133},
        "approve": {"rps": 120.0, "p99_ms": 90.0, "requests": 600, "errors": 0},
        "rss_mb": {"ours_after_load": [80.0], "ours_after_run": [81.0], "floor_after_load": [45.0]},
        "csv": {"client_ja": csv, "all_lines": csv},
        "verify_ledger": {"seconds": 3.0, "ok": True, "output": "Ledger verified"},
        "floor_matches": {"case_list": True},
        "ledger": ledger,
        "total_seconds": 200.0,
    }


def test_every_target_of_issue_16_is_reported_with_its_value_and_whether_it_is_met():
    found = {target["name"]: target for target in report.targets(results()) if target["issue"] == 16}
    assert list(found) == ISSUE_16_TARGETS
    assert {name: (target["value"], target["met"]) for name, target in found.items()} == {
        "case detail, ours/floor": (0.55, False),
        "event feed, ours/floor": (0.95, True),
        "case list, ours/floor": (0.85, True),
        "a document, ours/floor": (0.61, True),
        "queries per line approval": (7, True),
        "detail with read audit on vs off": (0.98, True),
        "through PgBouncer vs direct (list)": (0.89, False),
    }
    assert found["event feed, ours/floor"]["moonshot"] is True
    assert found["case list, ours/floor"]["moonshot"] is False


def test_the_printed_table_has_every_target_row_and_the_new_request_rows():
    r = results(ledger={"events": 1_075_366, "size": 1_075_366, "catch_up": {"appended": 0, "seconds": 0.1},
                        "checkpoint_ms": 102.0, "checkpoint_unchanged_ms": 58.0,
                        "inclusion": {"median_ms": 85.0, "p95_ms": 183.0, "count": 100, "queries": [9, 10]},
                        "consistency": {"median_ms": 31.0, "p95_ms": 53.0, "count": 100, "queries": [4]}})  # fmt: skip
    r["targets"] = report.targets(r)
    printed = report.table(r).splitlines()
    for name in ISSUE_16_TARGETS:
        (row,) = [line for line in printed if line.startswith(name)]
        assert row.rstrip().endswith(("met", "NOT MET", "met (moonshot too)")), row
    assert next(line for line in printed if line.startswith("case detail, ours/floor")).endswith("NOT MET")
    for label in ("a document (BASIC, accepted)", "Django floor: /healthz", "case list, PgBouncer vs direct",
                  "case detail, read audit on vs off", "line approve (ours only)"):  # fmt: skip
        assert any(line.startswith(label) for line in printed), label
    assert any("checkpoint" in line and "102.0 ms" in line for line in printed)
    assert any(line.strip().startswith("inclusion proof") and "median 85.0 ms" in line for line in printed)


def test_without_pgbouncer_its_row_says_not_measured_and_why():
    r = results(pgbouncer=False)
    r["targets"] = report.targets(r)
    (target,) = [t for t in r["targets"] if t["name"] == "through PgBouncer vs direct (list)"]
    assert (target["value"], target["met"]) == (None, None)
    printed = report.table(r)
    assert "through PgBouncer vs direct (list)" in printed
    assert "not measured: pgbouncer is not installed" in printed
    assert "ledger at scale: not measured in this run" in printed


def test_the_ledger_timings_run_by_default_on_the_full_data_set_only():
    assert parse_args([]).ledger is True
    assert parse_args(["--small"]).ledger is False
    assert parse_args(["--small", "--ledger"]).ledger is True
    assert parse_args(["--no-ledger"]).ledger is False
    assert parse_args(["--ports", "8330-8339"]).ports == range(8330, 8340)


def test_a_floor_slower_than_the_product_is_not_judged_as_met():
    r = results()
    r["throughput"]["event_feed"] = comparison(6.8)
    r["targets"] = report.targets(r)
    (target,) = [t for t in r["targets"] if t["name"] == "event feed, ours/floor"]
    assert (target["value"], target["met"]) == (6.8, None)
    (row,) = [line for line in report.table(r).splitlines() if line.startswith("event feed, ours/floor")]
    assert "not judged: the floor was slower than ours" in row

"""The terminal table, the targets of issue 6, and bench/results/latest.json."""

import json
import os
import platform
import subprocess
from pathlib import Path

import orjson

from bench import measure

CSV_GROWTH_LIMIT_MB = 30


def machine() -> dict:
    cpu = ""
    if Path("/proc/cpuinfo").exists():
        names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("model name")]  # fmt: skip
        cpu = names[0] if names else ""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False) if _has("wrk") else None
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "python": platform.python_version(),
        "wrk": (wrk.stdout or wrk.stderr).split("\n")[0] if wrk else None,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _has(tool: str) -> bool:
    from shutil import which

    return which(tool) is not None


def same_documents(ours, floor, secret: str, case_id: str, document: str) -> dict:
    """Whether the floor returns exactly the product's documents (page links compared by path)."""

    def fetch(server, path):
        return orjson.loads(measure.get(server.url + path, secret))

    def strip(page: dict) -> dict:
        return {k: measure.path_of(v) if isinstance(v, str) and v.startswith("http") else v for k, v in page.items()}

    paths = {
        "case_list": measure.CASE_LIST,
        "case_detail": f"/api/v1/cases/{case_id}/",
        "event_feed": measure.FEED,
        "document": document,
    }
    return {name: strip(fetch(ours, path)) == strip(fetch(floor, path)) for name, path in paths.items()}


# Issue 16's targets: (name, value key, wanted, limit, moonshot, kind). Ratios are medians of per-round ratios.
TARGETS = [
    ("case detail, ours/floor", "case_detail", 0.6, 0.8, "min"),
    ("event feed, ours/floor", "event_feed", 0.7, 0.9, "min"),
    ("case list, ours/floor", "case_list", 0.8, 0.9, "min"),
    ("a document, ours/floor", "document", 0.6, 0.8, "min"),
    ("queries per line approval", "line_approve", 8, 5, "max"),
    ("detail with read audit on vs off", "case_detail_audit_on_vs_off", 0.9, 0.97, "min"),
    ("through PgBouncer vs direct (list)", "pgbouncer_vs_direct", 0.9, 1.0, "min"),
]


# Ratios against the floor: above 1.0 the floor's statement was the slower side, so the ratio says
# nothing about the product's distance from the floor and is not judged.
FLOOR_RATIOS = ("case_detail", "event_feed", "case_list", "document")
FLOOR_SLOWER = "the floor was slower than ours: its statement, not the product, needs work"


def _target_value(r: dict, key: str):
    if key == "line_approve":
        return r["queries"].get("line_approve")
    if key not in r["throughput"]:
        return None
    return r["throughput"][key]["median_ratio"]


def _why_missing(r: dict, key: str) -> str:
    if key == "pgbouncer_vs_direct":
        return r.get("pgbouncer", {}).get("reason") or "PgBouncer not started"
    return "not measured in this run"


def targets(r: dict) -> list[dict]:
    """Issue 16's targets, then the earlier ones (issue 6) the run still checks."""
    out = []
    for name, key, limit, moonshot, kind in TARGETS:
        value = _target_value(r, key)
        sign = ">=" if kind == "min" else "<="
        row = {"name": name, "value": value, "target": f"{sign} {limit} ({moonshot} moonshot)", "issue": 16}
        if value is None:
            out.append({**row, "met": None, "note": _why_missing(r, key)})
            continue
        if key in FLOOR_RATIOS and value > 1.0:
            out.append({**row, "met": None, "note": FLOOR_SLOWER})
            continue
        met = value >= limit if kind == "min" else value <= limit
        moon = value >= moonshot if kind == "min" else value <= moonshot
        out.append({**row, "met": met, "moonshot": moon})
    q = r["queries"]
    list_counts = [q[f"case_list_page_{n}"] for n in (1, 50, 500)]
    events = r["dataset"]["events"]
    rows = [
        ("deep page vs first page", r["throughput"]["deep_vs_first_page"]["median_ratio"], ">= 0.9", 0.9, "min"),
        ("SQL queries per list request", max(list_counts), "<= 5, same for 1/50/500", 5, "max"),
        ("worker RSS after the run (MB)", max(r["rss_mb"]["ours_after_run"]), "<= 150", 150, "max"),
        ("CSV all lines: peak RSS growth (MB)", r["csv"]["all_lines"]["peak_rss_growth_mb"], "< 30", 30, "below"),
        (f"verify_ledger, {events:,} events (s)", r["verify_ledger"]["seconds"], "< 60 at 1M events", 60, "below"),
        ("data-set build (s)", r["dataset"]["build_seconds"], "< 300", 300, "below"),
    ]
    for name, value, text, limit, kind in rows:
        met = {"min": value >= limit, "max": value <= limit, "below": value < limit}[kind]
        if name.startswith("SQL"):
            met = met and len(set(list_counts)) == 1
        if name.startswith("verify"):
            met = met and r["verify_ledger"]["ok"]
        out.append({"name": name, "value": value, "target": text, "met": met, "issue": 6})
    return out


def _met(target: dict) -> str:
    if target["met"] is None:
        return f"not judged: {target['note']}" if target["value"] is not None else f"not measured: {target['note']}"
    if target["met"] and target.get("moonshot"):
        return "met (moonshot too)"
    return "met" if target["met"] else "NOT MET"


def _ratio_row(label: str, x: dict, queries="") -> str:
    p99a = max(run["p99_ms"] for run in x["a"])
    p99b = max(run["p99_ms"] for run in x["b"])
    return (
        f"{label:<34}{x['median_rps_a']:>11.0f}{x['median_rps_b']:>13.0f}{x['median_ratio']:>8.2f}"
        f"{p99a:>8.1f}ms{p99b:>9.1f}ms{queries:>9}"
    )


def ledger_lines(ledger: dict | None) -> list[str]:
    if ledger is None:
        return ["ledger at scale: not measured in this run (python -m bench --ledger; on by default at 100,000 cases)"]
    catch_up = ledger["catch_up"]
    lines = [
        f"ledger: {ledger['events']:,} events, log of {ledger['size']:,} entries "
        f"(sequencer caught up {catch_up['appended']:,} events in {catch_up['seconds']:.1f}s)",
        f"  checkpoint (ledger_checkpoint's signing) of {ledger['size']:,} entries: "
        + (f"{ledger['checkpoint_ms']:.1f} ms" if ledger["checkpoint_ms"] is not None else "nothing new to sign")
        + f"; with nothing new: {ledger['checkpoint_unchanged_ms']:.1f} ms",
    ]
    for kind in ("inclusion", "consistency"):
        x = ledger[kind]
        lines.append(
            f"  {kind} proof (GET, in-process, auditor): median {x['median_ms']:.1f} ms, p95 {x['p95_ms']:.1f} ms "
            f"over {x['count']}; SQL queries {x['queries']}"
        )
    return lines


def table(r: dict) -> str:
    d, t, q = r["dataset"], r["throughput"], r["queries"]
    lines = [
        "",
        f"FMS Records benchmark: {d['cases']:,} cases, {d['lines']:,} lines, {d['events']:,} events "
        f"(database {d['database']}, {'reused' if d['reused'] else 'built now'})",
        f"{r['config']['rounds']} rounds x {r['config']['seconds_per_side']:g}s per side, {r['config']['load_tool']}, "
        f"{r['config']['connections']} connections; req/s: medians over rounds; ratios: medians of per-round ratios",
        "",
        f"{'request (client JA token)':<34}{'ours req/s':>11}{'floor req/s':>13}{'ratio':>8}{'ours p99':>10}"
        f"{'floor p99':>11}{'queries':>9}",
        _ratio_row("case list, 50/page, lines", t["case_list"], q["case_list_page_50"]),
        _ratio_row("case detail with lines", t["case_detail"], q["case_detail"]),
        _ratio_row("event feed page", t["event_feed"], q["event_feed"]),
        _ratio_row("a document (BASIC, accepted)", t["document"], q["document"]),
        _ratio_row("Django floor: /healthz", t["django_floor"], 0) + "   (second column: the floor's case detail)",
    ]
    deep, floor_deep, walk = t["deep_vs_first_page"], t["floor_deep_vs_first_page"], r["walk"]
    lines += [
        _ratio_row("deep page vs first (ours)", deep)
        + f"   (page {walk['pages'] - 1 if walk['rows'] % 50 else walk['pages']} of {walk['pages']};"
        " first page in the second column)",
        _ratio_row("deep page vs first (floor)", floor_deep),
        _ratio_row("feed 90% deep vs first (ours)", t["feed_deep_vs_first_page"]),
        _ratio_row("case detail, read audit on vs off", t["case_detail_audit_on_vs_off"])
        + "   (second column: the product with READ_AUDIT_ENABLED=0)",
    ]
    if "pgbouncer_vs_direct" in t:
        bouncer = r["pgbouncer"]
        lines.append(
            _ratio_row("case list, PgBouncer vs direct", t["pgbouncer_vs_direct"])
            + f"   (PgBouncer {bouncer['version']}, {bouncer['mode']} mode; second column: direct)"
        )
    else:
        lines.append(f"{'case list, PgBouncer vs direct':<34}not measured: {r['pgbouncer']['reason']}")
    approve = r["approve"]
    lines += [
        f"{'line approve (ours only)':<34}{approve['rps']:>11.0f}{'':>13}{'':>8}{approve['p99_ms']:>8.1f}ms"
        f"{'':>11}{q.get('line_approve', '-'):>9}   ({approve['requests']} approvals, {approve['errors']} errors)",
        "",
        f"SQL queries per list request, page size 1 / 50 / 500: "
        f"{q['case_list_page_1']} / {q['case_list_page_50']} / {q['case_list_page_500']}; the floor: 1",
        f"worker RSS (MB): ours {r['rss_mb']['ours_after_load']} after the load, {r['rss_mb']['ours_after_run']} "
        f"after approve and CSV; floor {r['rss_mb']['floor_after_load']}",
    ]
    for key, who in (("client_ja", "client JA's lines"), ("all_lines", "every line (auditor)")):
        c = r["csv"][key]
        lines.append(
            f"CSV export of {who}: {c['rows']:,} rows, {c['bytes'] / 2**20:.1f} MB in {c['seconds']:.1f}s; "
            f"worker peak RSS {c['peak_rss_mb']} MB (+{c['peak_rss_growth_mb']} MB)"
        )
    v = r["verify_ledger"]
    lines += [
        *ledger_lines(r.get("ledger")),
        f"verify_ledger: {v['seconds']:.1f}s, {'ok' if v['ok'] else 'FAILED'}: {v['output']}",
        f"data set: {'built' if not d['reused'] else 'reused; built'} in {d['build_seconds']:.0f}s",
        f"the floor returns the product's documents: {r['floor_matches']}",
    ]
    for issue, title in ((16, "targets of issue 16"), (6, "earlier targets (issue 6)")):
        lines += ["", f"{title:<42}{'value':>10}  {'wanted':<26}met"]
        for target in (x for x in r["targets"] if x["issue"] == issue):
            value = "-" if target["value"] is None else target["value"]
            lines.append(f"{target['name']:<42}{value:>10}  {target['target']:<26}{_met(target)}")
    lines.append(f"\nwhole run: {r['total_seconds']:.0f}s")
    return "\n".join(lines)


def finish(results: dict, out: Path) -> None:
    t = results["throughput"]
    results["ratios"] = {name: t[name]["median_ratio"] for name in t}
    results["targets"] = targets(results)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(table(results))
    print(f"results: {out}")

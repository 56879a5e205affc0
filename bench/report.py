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


def same_documents(ours, floor, secret: str, case_id: str) -> dict:
    """Whether the floor returns exactly the product's documents (page links compared by path)."""

    def fetch(server, path):
        return orjson.loads(measure.get(server.url + path, secret))

    def strip(page: dict) -> dict:
        return {k: measure.path_of(v) if isinstance(v, str) and v.startswith("http") else v for k, v in page.items()}

    paths = {
        "case_list": measure.CASE_LIST,
        "case_detail": f"/api/v1/cases/{case_id}/",
        "event_feed": measure.FEED,
    }
    return {name: strip(fetch(ours, path)) == strip(fetch(floor, path)) for name, path in paths.items()}


def targets(r: dict) -> list[dict]:
    t, q = r["throughput"], r["queries"]
    list_counts = [q[f"case_list_page_{n}"] for n in (1, 50, 500)]
    events = r["dataset"]["events"]
    rows = [
        ("case list ratio ours/floor", t["case_list"]["median_ratio"], ">= 0.7 (0.9 moonshot)", 0.7, "min"),
        ("case detail ratio ours/floor", t["case_detail"]["median_ratio"], ">= 0.7 (0.9 moonshot)", 0.7, "min"),
        ("deep page vs first page", t["deep_vs_first_page"]["median_ratio"], ">= 0.9", 0.9, "min"),
        ("case detail, read audit on/off", t["case_detail_audit_on_vs_off"]["median_ratio"], ">= 0.9", 0.9, "min"),
        ("SQL queries per list request", max(list_counts), "<= 5, same for 1/50/500", 5, "max"),
        ("worker RSS after the run (MB)", max(r["rss_mb"]["ours_after_run"]), "<= 150", 150, "max"),
        ("CSV all lines: peak RSS growth (MB)", r["csv"]["all_lines"]["peak_rss_growth_mb"], "< 30", 30, "below"),
        (f"verify_ledger, {events:,} events (s)", r["verify_ledger"]["seconds"], "< 60 at 1M events", 60, "below"),
        ("data-set build (s)", r["dataset"]["build_seconds"], "< 300", 300, "below"),
    ]
    out = []
    for name, value, text, limit, kind in rows:
        met = {"min": value >= limit, "max": value <= limit, "below": value < limit}[kind]
        if name.startswith("SQL"):
            met = met and len(set(list_counts)) == 1
        if name.startswith("verify"):
            met = met and r["verify_ledger"]["ok"]
        out.append({"name": name, "value": value, "target": text, "met": met})
    return out


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
    ]
    rows = [
        ("case list, 50/page, lines", "case_list", q["case_list_page_50"]),
        ("case detail with lines", "case_detail", q["case_detail"]),
        ("event feed page", "event_feed", q["event_feed"]),
    ]
    for label, key, queries in rows:
        x = t[key]
        p99a = max(run["p99_ms"] for run in x["a"])
        p99b = max(run["p99_ms"] for run in x["b"])
        lines.append(
            f"{label:<34}{x['median_rps_a']:>11.0f}{x['median_rps_b']:>13.0f}{x['median_ratio']:>8.2f}"
            f"{p99a:>8.1f}ms{p99b:>9.1f}ms{queries:>9}"
        )
    deep, floor_deep, walk = t["deep_vs_first_page"], t["floor_deep_vs_first_page"], r["walk"]
    lines += [
        f"{'deep page vs first (ours)':<34}{deep['median_rps_a']:>11.0f}{deep['median_rps_b']:>13.0f}"
        f"{deep['median_ratio']:>8.2f}   (page {walk['pages'] - 1 if walk['rows'] % 50 else walk['pages']}"
        f" of {walk['pages']}; first page in the second column)",
        f"{'deep page vs first (floor)':<34}{floor_deep['median_rps_a']:>11.0f}{floor_deep['median_rps_b']:>13.0f}"
        f"{floor_deep['median_ratio']:>8.2f}",
        f"{'feed 90% deep vs first (ours)':<34}{t['feed_deep_vs_first_page']['median_rps_a']:>11.0f}"
        f"{t['feed_deep_vs_first_page']['median_rps_b']:>13.0f}{t['feed_deep_vs_first_page']['median_ratio']:>8.2f}",
        f"{'case detail, read audit on vs off':<34}{t['case_detail_audit_on_vs_off']['median_rps_a']:>11.0f}"
        f"{t['case_detail_audit_on_vs_off']['median_rps_b']:>13.0f}{t['case_detail_audit_on_vs_off']['median_ratio']:>8.2f}"
        "   (second column: the product with READ_AUDIT_ENABLED=0)",
        f"{'line approve (ours only)':<34}{r['approve']['rps']:>11.0f}{'':>13}{'':>8}{r['approve']['p99_ms']:>8.1f}ms"
        f"{'':>11}{q.get('line_approve', '-'):>9}   ({r['approve']['requests']} approvals, "
        f"{r['approve']['errors']} errors)",
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
        f"verify_ledger: {v['seconds']:.1f}s, {'ok' if v['ok'] else 'FAILED'}: {v['output']}",
        f"data set: {'built' if not d['reused'] else 'reused; built'} in {d['build_seconds']:.0f}s",
        f"the floor returns the product's documents: {r['floor_matches']}",
        "",
        f"{'target':<42}{'value':>10}  {'wanted':<26}met",
    ]
    for target in r["targets"]:
        lines.append(
            f"{target['name']:<42}{target['value']:>10}  {target['target']:<26}{'yes' if target['met'] else 'NO'}"
        )
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

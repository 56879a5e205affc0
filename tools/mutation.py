"""make mutation: run mutmut over the pure rule modules and fail below the kill threshold of any module.

mutmut (configured under [tool.mutmut] in pyproject.toml) copies the code into mutants/, runs only
the fast test files named there, and records an exit code per mutant in mutants/<file>.meta. This
script reads those records, prints the score of each module and the diff of every mutant that was
not killed, and exits 1 when a module is below the threshold. A mutant that no test reaches ("no
tests") counts as not killed; equivalent mutants are excluded in the code with `# pragma: no mutate`
and a reason, never by lowering the threshold. Then the hand-made mutants of the module-level
tables (tools/table_mutants.py), which mutmut does not touch, must each be killed too.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

import table_mutants

ROOT = Path(__file__).resolve().parent.parent
THRESHOLD = 95.0
# mutmut's own mapping (mutmut.stats.status_by_exit_code); a timeout means the tests noticed.
KILLED = {1, 3, 36, 24, -24, 152, 255, 37}
SURVIVED = {0}
NO_TESTS = {5, 33}
SKIPPED = {34}


# The settings need a DATABASE_URL; the fast tests never connect (pytest-django would refuse them).
ENV = {"DATABASE_URL": "postgres://unused@127.0.0.1:1/fast-tests-use-no-database", **os.environ}


def pytest_options() -> list[str]:
    """The pytest options mutmut runs with (the table mutants use them too)."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]["pytest_add_cli_args"]


def mutmut(*args: str, **options) -> subprocess.CompletedProcess:
    command = [str(ROOT / ".venv" / "bin" / "mutmut"), *args]
    return subprocess.run(command, cwd=ROOT, env=ENV, text=True, **options)  # noqa: S603 (the venv's mutmut)


def status(code: int | None) -> str:
    if code in KILLED:
        return "killed"
    if code in SURVIVED:
        return "survived"
    if code in NO_TESTS:
        return "no tests"
    if code in SKIPPED:
        return "skipped"
    return "not checked" if code is None else f"suspicious (exit {code})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=THRESHOLD, help="percent killed required per module")
    parser.add_argument("--no-run", action="store_true", help="only report the last run's results")
    args = parser.parse_args()

    if not args.no_run:
        # A fresh copy every time: mutmut's cache would otherwise keep verdicts of tests changed since.
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
        started = time.monotonic()
        log = ROOT / "var" / "mutmut.log"
        log.parent.mkdir(exist_ok=True)
        with log.open("w") as out:
            run = mutmut("run", stdout=out, stderr=subprocess.STDOUT)
        print(f"mutmut run: {time.monotonic() - started:.0f} s (its output: {log.relative_to(ROOT)})")
        if run.returncode != 0:
            print(log.read_text()[-3000:], file=sys.stderr)
            print(f"mutmut run failed with exit code {run.returncode}", file=sys.stderr)
            return 1

    failed = False
    metas = sorted((ROOT / "mutants").rglob("*.py.meta"))
    if not metas:
        print("no mutmut results under mutants/", file=sys.stderr)
        return 1
    for meta in metas:
        module = str(meta.relative_to(ROOT / "mutants")).removesuffix(".meta")
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        statuses = {name: status(code) for name, code in codes.items()}
        counts = Counter(statuses.values())
        considered = len(statuses) - counts["skipped"]
        score = 100.0 * counts["killed"] / considered if considered else 100.0
        ok = considered > 0 and score >= args.threshold
        failed |= not ok
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        print(f"{'ok  ' if ok else 'FAIL'} {module}: {score:.1f}% killed ({summary})")
        for name, state in sorted(statuses.items()):
            if state != "killed" and state != "skipped":
                shown = mutmut("show", name, capture_output=True)
                print(f"  {state}: {name}")
                print("    " + shown.stdout.strip().replace("\n", "\n    "))
    print(f"threshold: {args.threshold:.0f}% killed in every module")

    if not args.no_run:
        for mutant, outcome in table_mutants.run(ENV, pytest_options()):
            failed = True
            print(f"  survived: {mutant.path}: {mutant.what}: {mutant.old!r} -> {mutant.new!r} ({outcome})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

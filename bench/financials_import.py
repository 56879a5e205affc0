"""Import speed of financial transactions (issue 15): a generated CSV of N rows through
`manage.py import_financials`, timed, with the importing process's peak memory.

    python -m bench.financials_import --rows 100000 [--case JA-P-SAA]

Runs against DATABASE_URL (a database with the demo loaded); each run uses fresh source_refs, then a
second run of the same file measures the idempotent pass (nothing new written). Numbers are
printed, never asserted (DESIGN §7).
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid

KINDS = ("obligation", "expenditure", "billing", "collection")


def write_csv(path: str, rows: int, case_id: str) -> None:
    run = uuid.uuid4().hex[:8]
    with open(path, "w") as out:
        out.write("source_ref,case_id,line_number,kind,amount,posted_on,description\n")
        for n in range(rows):
            line = "" if n % 3 == 0 else f"00{n % 3}"
            out.write(
                f"B{run}-{n},{case_id},{line},{KINDS[n % 4]},{(n % 9999) + 0.01:.2f},2026-0{n % 9 + 1}-15,bench\n"
            )


def timed_import(path: str) -> tuple[float, str, int]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "manage.py", "import_financials", path, "--no-progress"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DEBUG": "1"},
    )
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return time.monotonic() - started, result.stdout.strip(), peak_kb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--case", default="JA-P-SAA")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "bench.csv")
        write_csv(path, args.rows, args.case)
        for label in ("first import", "same file again"):
            seconds, output, peak_kb = timed_import(path)
            rate = args.rows / seconds
            print(f"{label}: {args.rows} rows in {seconds:.1f} s = {rate:,.0f} rows/s (whole command, start-up")
            print(f"  included); peak RSS of the commands so far {peak_kb / 1024:.0f} MB")
            print(f"  {output}")


if __name__ == "__main__":
    main()

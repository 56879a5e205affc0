"""schemathesis over the whole schema against a live gunicorn, for every role's token and with none,
every phase (examples, coverage, fuzzing, stateful) and every check: 0 failures. Bounded: a fixed
number of examples per operation, a seed, one worker, and a time limit per role."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ST = str(Path(sys.executable).parent / "st")
ROLES = ["officer", "reviewer", "auditor", "client_ja", "client_ks", "anonymous"]
MAX_EXAMPLES = 10
# A run ends after MAX_EXAMPLES per operation and phase; with the seed and one worker it is the same
# run every time (st's --max-time would instead repeat fuzzing until the time is spent, exploring
# more or less with the machine's load). This is only the bound past which the test fails.
MAX_SECONDS = 180


@pytest.mark.parametrize("role", ROLES)
def test_the_whole_api_for_each_role(database, tokens, gunicorn, figures, role, tmp_path):
    # gunicorn answers a request line over 4094 bytes with its own 414 text/html before the app sees it
    # (a proxy in front has such a limit too): outside the API's contract. Lifted here, so that the
    # long URLs schemathesis makes reach the API's own checks.
    server = gunicorn(database, options=("--limit-request-line", "0"))
    report = tmp_path / "report.json"
    auth = [] if role == "anonymous" else ["-H", f"Authorization: Bearer {tokens[role]}"]
    command = [
        ST, "--config-file", str(HERE / "schemathesis.toml"), "run", f"{server.base}/api/schema/",
        "--url", server.base,
        *auth,
        "--checks", "all",
        "--phases", "examples,coverage,fuzzing,stateful",
        "--max-examples", str(MAX_EXAMPLES),

        "--seed", "20261126",
        "--workers", "1",
        "--request-timeout", "30",
        "--suppress-health-check", "all",
        "--no-shrink",
        "--report", "json", "--report-json-path", str(report),
        "--output-truncate", "true",
    ]  # fmt: skip
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=MAX_SECONDS)
    output = result.stdout + result.stderr
    (tmp_path / "st.log").write_text(output)
    run = json.loads(report.read_text())
    operations, cases = run["operations"], run["test_cases"]
    phases = ", ".join(f"{name} {phase['status']}" for name, phase in run["phases"].items())
    figures(
        f"{role}: {operations['tested']}/{operations['total']} operations, {cases['generated']} test cases "
        f"in {run['running_time']:.0f}s; failures {len(run['failures'])} "
        f"(unique {cases['unique_failures']}), errors {len(run['errors'])}; phases: {phases}; exit {result.returncode}"
    )
    assert result.returncode == 0, output[-6000:]
    assert operations["tested"] == operations["total"]
    assert run["failures"] == []
    assert run["errors"] == []
    assert {name: run["phases"][name]["status"] for name in ("coverage", "fuzzing", "stateful")} == dict.fromkeys(
        ("coverage", "fuzzing", "stateful"), "success"
    )
    assert server.error_lines() == [], server.error_lines()[:5]

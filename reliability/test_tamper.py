"""The ledger against someone with database access (DESIGN §9), on a production-shaped server.

Each scenario: gunicorn serving as the application role (DATABASE_ROLE, as docker/entrypoint.sh
does), a line approved through the API, a signed checkpoint, a purchaser-side head saved by the
standalone verifier (docs/verify_ledger_proofs.py); then one attack, and what each check says
afterwards: the app role's own write refused, `verify_ledger` (exit status and reason), the
standalone verifier against the live server. The table is printed with the run's figures.
"""

import itertools
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import requests

from fms.ledger import merkle
from fms.ledger.signing import read_signer
from reliability.appserver import ROOT, Gunicorn, app_env, ledger_key, manage
from reliability.pgserver import TEMPLATE

APP_ROLE = "fms_app"
CASE = "KS-B-TMP"
_copies = itertools.count(1)


@dataclass
class Ledger:
    base: str
    database: str
    env: dict[str, str]
    state: Path
    auditor: str

    def superuser(self) -> psycopg.Connection:
        return psycopg.connect(self.database, autocommit=True)

    def verify_ledger(self) -> subprocess.CompletedProcess:
        return manage(self.env, "verify_ledger", check=False)

    def purchaser_script(self) -> subprocess.CompletedProcess:
        command = [sys.executable, str(ROOT / "docs" / "verify_ledger_proofs.py"), "--url", self.base]
        command += [
            "--token",
            self.auditor,
            "--vkey",
            read_signer(ledger_key()).verifier.vkey,
            "--state",
            str(self.state),
        ]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    def checkpoint(self) -> None:
        manage(self.env, "ledger_checkpoint")


def api(base: str, token: str, method: str, path: str, version: str | None = None, **body) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if version:
        headers["If-Match"] = version
    response = requests.request(method, f"{base}/api/v1/{path}", json=body or None, headers=headers, timeout=30)
    assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
    return response


def without_triggers(conn: psycopg.Connection, sql: str, params=()) -> None:
    conn.execute("SET session_replication_role = replica")
    conn.execute(sql, params)
    conn.execute("SET session_replication_role = DEFAULT")


def rebuild_log_nodes(conn: psycopg.Connection) -> None:
    """What a careful attacker does after changing events: recompute every stored tree node."""
    hashes = [bytes.fromhex(h) for (h,) in conn.execute("SELECT hash FROM cases_approvalevent ORDER BY txid, id")]
    frontier = merkle.Frontier()
    rows = [node for leaf in hashes for node in frontier.append(leaf)]
    without_triggers(conn, "DELETE FROM ledger_lognode")
    without_triggers(
        conn,
        "INSERT INTO ledger_lognode (level, index, hash)"
        " SELECT * FROM unnest(%s::smallint[], %s::bigint[], %s::bytea[])",
        ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]),
    )


@pytest.fixture(scope="module")
def prepared(pg, tmp_path_factory) -> tuple[str, str]:
    """Once for the module: a database where a line was approved through the API and a signed head
    covers it, and the head the purchaser's verifier saved; each attack gets a copy of it."""
    name = "fms_tamper"
    pg.create_database(name, template=TEMPLATE)
    database = pg.url(name)
    manage(app_env(database), "grant_app_role", APP_ROLE, "--create")  # the role is cluster-wide, grants per database
    server = Gunicorn(app_env(database, DATABASE_ROLE=APP_ROLE), tmp_path_factory.mktemp("tamper"), workers=1).start()
    tokens = pg.tokens
    try:
        officer, reviewer = tokens["officer"], tokens["reviewer"]
        body = {"case_id": CASE, "title": "Tamper scenario", "lor_received_on": "2026-10-01"}
        api(server.base, officer, "POST", "cases/", **body)
        line = {"category": "other", "description": "Counter-battery radar", "quantity": 2, "unit_cost": "100.00"}
        api(server.base, officer, "POST", f"cases/{CASE}/lines/", **line)
        api(server.base, officer, "POST", f"cases/{CASE}/lines/001/submit/", version='"1"')
        api(server.base, reviewer, "POST", f"cases/{CASE}/lines/001/approve/", version='"2"', comment="Matches the LOR")
        state = tmp_path_factory.mktemp("head") / "head.txt"
        honest = Ledger(server.base, database, app_env(database, DATABASE_ROLE=APP_ROLE), state, tokens["auditor"])
        honest.checkpoint()
        verify, script = honest.verify_ledger(), honest.purchaser_script()
        assert verify.returncode == 0, verify.stdout + verify.stderr
        assert script.returncode == 0, script.stdout + script.stderr
    finally:
        server.stop()
    return name, state.read_text()


@pytest.fixture
def ledger(pg, prepared, tokens, gunicorn, tmp_path) -> Ledger:
    template, saved_head = prepared
    name = f"{template}_{next(_copies)}"
    pg.create_database(name, template=template)
    database = pg.url(name)
    server = gunicorn(database, workers=1, DATABASE_ROLE=APP_ROLE)
    state = tmp_path / "head.txt"
    state.write_text(saved_head)
    return Ledger(server.base, database, app_env(database, DATABASE_ROLE=APP_ROLE), state, tokens["auditor"])


def approval_id(conn: psycopg.Connection) -> int:
    return conn.execute(
        "SELECT e.id FROM cases_approvalevent e JOIN cases_case c ON c.id = e.case_id"
        " WHERE c.case_id = %s AND e.action = 'approve'",
        [CASE],
    ).fetchone()[0]


def report(figures, attack: str, write: str, verify: subprocess.CompletedProcess, script: subprocess.CompletedProcess):
    def reason(result):
        lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
        verdicts = [line for line in lines if line.startswith(("BROKEN", "FAILED", "OK", "Ledger verified"))]
        return (verdicts or lines or [""])[0][:160]

    figures(
        f"{attack}: write {write}; verify_ledger exit {verify.returncode} ({reason(verify)}); "
        f"purchaser's verifier exit {script.returncode} ({reason(script)})"
    )


def test_the_app_role_cannot_write_the_ledger_or_self_approve(ledger, figures):
    with psycopg.connect(ledger.database, autocommit=True, options=f"-c role={APP_ROLE}") as app:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("INSERT INTO cases_approvalevent (seq) VALUES (99)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("UPDATE cases_approvalevent SET comment = 'rewritten'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("SET pgtrigger.ignore = 'cases:cases_approvalevent:append_only'")
            app.execute("DELETE FROM cases_approvalevent")
    verify, script = ledger.verify_ledger(), ledger.purchaser_script()
    report(figures, "app role INSERT/UPDATE/DELETE on the ledger", "refused (permission denied)", verify, script)
    assert (verify.returncode, script.returncode) == (0, 0)


def test_a_rewritten_and_rehashed_event_is_detected(ledger, figures):
    with ledger.superuser() as conn:
        target = approval_id(conn)
        without_triggers(
            conn,
            "UPDATE cases_approvalevent SET comment = 'Approved without conditions', hash = repeat('ab', 32)"
            " WHERE id = %s",
            [target],
        )
        rebuild_log_nodes(conn)
    verify, script = ledger.verify_ledger(), ledger.purchaser_script()
    report(figures, "superuser rewrites an approval, re-hashes it, rebuilds the log", "done", verify, script)
    assert verify.returncode == 1
    assert "does not match the tree recomputed from the events" in verify.stdout + verify.stderr
    assert script.returncode == 1


def test_a_deleted_approval_with_the_line_set_back_is_detected(ledger, figures):
    with ledger.superuser() as conn:
        target = approval_id(conn)
        without_triggers(conn, "DELETE FROM ledger_logentry WHERE event_id = %s", [target])
        without_triggers(conn, "DELETE FROM cases_approvalevent WHERE id = %s", [target])
        without_triggers(
            conn,
            "UPDATE cases_lineitem SET review_status = 'submitted' FROM cases_case c"
            " WHERE c.id = cases_lineitem.case_id AND c.case_id = %s AND line_number = '001'",
            [CASE],
        )
        rebuild_log_nodes(conn)
    verify, script = ledger.verify_ledger(), ledger.purchaser_script()
    report(figures, "superuser deletes the tail approval, sets the line back, rebuilds the log", "done", verify, script)
    assert verify.returncode == 1
    assert "covers" in verify.stdout + verify.stderr
    assert script.returncode == 1


def test_an_approved_lines_price_raised_in_sql_is_detected(ledger, figures):
    with ledger.superuser() as conn:
        without_triggers(
            conn,
            "UPDATE cases_lineitem SET unit_cost = 99999999.00 FROM cases_case c"
            " WHERE c.id = cases_lineitem.case_id AND c.case_id = %s",
            [CASE],
        )
    verify, script = ledger.verify_ledger(), ledger.purchaser_script()
    report(figures, "superuser raises an approved line's price (100.00 -> 99,999,999.00)", "done", verify, script)
    assert verify.returncode == 1
    assert "content" in (verify.stdout + verify.stderr).lower()
    # The purchaser's verifier checks events and the log, not line content: it still passes.
    assert script.returncode == 0


def test_a_forged_head_signature_is_detected(ledger, figures):
    with ledger.superuser() as conn:
        head = conn.execute("SELECT id, checkpoint FROM ledger_signedtreehead ORDER BY id DESC LIMIT 1").fetchone()
        body, signature = head[1].split("\n\n", 1)
        forged = body.replace(body.split("\n")[1], str(int(body.split("\n")[1]) + 1), 1) + "\n\n" + signature
        without_triggers(conn, "UPDATE ledger_signedtreehead SET checkpoint = %s WHERE id = %s", [forged, head[0]])
    verify, script = ledger.verify_ledger(), ledger.purchaser_script()
    report(figures, "superuser rewrites the latest signed head (size + 1)", "done", verify, script)
    assert verify.returncode == 1
    assert "signature does not hold" in verify.stdout + verify.stderr
    assert script.returncode == 1


def test_a_forged_approval_after_the_last_signed_head_is_the_known_limit(ledger, tokens, figures):
    """Events newer than the last signed head are protected only by the chain: a superuser who appends a
    correctly chained event through the ledger function before the next checkpoint is not detected.
    docs/operations.md says so, and why checkpoints run every minute (docker-compose) to bound it."""
    api(ledger.base, tokens["officer"], "POST", f"cases/{CASE}/lines/", category="other", description="Spares",
        quantity=1, unit_cost="10.00")  # fmt: skip
    api(ledger.base, tokens["officer"], "POST", f"cases/{CASE}/lines/002/submit/", version='"1"')
    with ledger.superuser() as conn:
        reviewer2 = conn.execute("SELECT id FROM accounts_user WHERE username = 'reviewer2'").fetchone()[0]
        line = conn.execute("SELECT l.id, c.id FROM cases_lineitem l JOIN cases_case c ON c.id = l.case_id"
                            " WHERE c.case_id = %s AND l.line_number = '002'", [CASE]).fetchone()  # fmt: skip
        recorded = conn.execute(
            "SELECT content_digest FROM cases_approvalevent WHERE line_item_id = %s AND action IN ('add', 'edit')"
            " ORDER BY seq DESC LIMIT 1",
            [line[0]],
        ).fetchone()[0]
        conn.execute(
            "SELECT ledger_append(%s, %s, 'approve', 'submitted', 'approved', %s, 'forged', %s, 'session')",
            [line[1], line[0], reviewer2, recorded],
        )
        conn.execute("UPDATE cases_lineitem SET review_status = 'approved' WHERE id = %s", [line[0]])
    verify, script = ledger.verify_ledger(), ledger.purchaser_script()
    report(figures, "superuser appends a chained approval after the last signed head", "done", verify, script)
    assert (verify.returncode, script.returncode) == (0, 0)

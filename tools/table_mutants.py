"""Hand-made mutants of the module-level tables and constants, which mutmut does not mutate.

mutmut changes function bodies only; the workflow tables, the 36(b) thresholds, the identifier
patterns and the ledger's field lists are module-level data. Each mutant below is one plausible
slip in that data; tools/mutation.py applies it to a copy of the code and runs the fast tests
there, and every one of them must make a test fail.
"""

import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW, RULES, DIGESTS = "fms/cases/workflow.py", "fms/cases/rules.py", "fms/cases/digests.py"
CANONICAL, CHAIN = "fms/ledger/canonical.py", "fms/ledger/chain.py"
NOTIFICATION_RULES = "fms/notifications/rules.py"

# The fast test files that check each module's tables: a table mutant runs only these (a new pytest
# process per mutant is the cost here). A mutant that only another module's tests would kill shows up
# as a survivor, never as a silent pass.
_CASE_TESTS = ["tests/cases/test_workflow.py", "tests/cases/test_workflow_remedies.py"]
_RULE_TESTS = ["tests/cases/test_rules.py", "tests/notifications/test_rules.py"]
_LEDGER_TESTS = [
    "tests/ledger/test_known_answers.py",
    "tests/ledger/test_event_format_2.py",
    "tests/ledger/test_chain_tampering.py",
    "tests/cases/test_digests.py",
]
TESTS_OF = {
    WORKFLOW: _CASE_TESTS,
    RULES: _RULE_TESTS,
    NOTIFICATION_RULES: _RULE_TESTS,
    DIGESTS: _LEDGER_TESTS,
    CANONICAL: _LEDGER_TESTS,
    CHAIN: _LEDGER_TESTS,
}


@dataclass(frozen=True)
class Mutant:
    path: str
    old: str
    new: str
    what: str
    occurrence: int = 1  # which occurrence of `old` to replace (the thresholds repeat)


def _dropped(path: str, tuple_name: str, fields: tuple[str, ...]) -> list[Mutant]:
    """One mutant per field, each dropping that field's line from `tuple_name` (not from a tuple before it)."""
    source = (ROOT / path).read_text()
    before = source[: source.index(f"\n{tuple_name} = (")]
    mutants = []
    for name in fields:
        line = f'    "{name}",\n'
        mutants.append(Mutant(path, line, "", f"{name} dropped from {tuple_name}", occurrence=before.count(line) + 1))
    return mutants


EVENT_FIELDS = ("seq", "action", "from_status", "to_status", "actor_id", "actor_name", "comment", "occurred_at",
                "content_digest", "prev_hash")  # fmt: skip
LINE_FIELDS = ("line_number", "category", "description", "masl", "quantity", "unit_of_issue", "unit_cost", "is_mde",
               "is_sme")  # fmt: skip
CASE_FIELDS = ("case_id", "purchaser_id", "implementing_agency_id", "title", "description", "lor_date",
               "lor_received_on", "offer_expires_on", "notification_id")  # fmt: skip

MUTANTS: list[Mutant] = [
    # The workflow tables.
    Mutant(
        WORKFLOW,
        "LINES_EDITABLE_IN = (S.DEVELOPMENT, S.WRITE)",
        "LINES_EDITABLE_IN = (S.DEVELOPMENT, S.WRITE, S.REVIEW)",
        "review added to the states in which lines are editable",
    ),
    Mutant(
        WORKFLOW,
        "LINES_EDITABLE_IN = (S.DEVELOPMENT, S.WRITE)",
        "LINES_EDITABLE_IN = (S.WRITE,)",
        "development removed from the editable states",
    ),
    Mutant(
        WORKFLOW,
        "LINES_DECIDABLE_IN = (S.DEVELOPMENT, S.WRITE, S.REVIEW)",
        "LINES_DECIDABLE_IN = (S.DEVELOPMENT, S.WRITE, S.REVIEW, S.PROPOSED)",
        "decisions allowed once proposed",
    ),
    Mutant(
        WORKFLOW,
        "CaseTransition(CaseAction.RETURN, S.REVIEW, S.WRITE, REVIEW)",
        "CaseTransition(CaseAction.RETURN, S.REVIEW, S.WRITE, STAFF)",
        "an officer sends a case back from review",
    ),
    Mutant(
        WORKFLOW,
        "CaseTransition(CaseAction.PROPOSE, S.REVIEW, S.PROPOSED, REVIEW,",
        "CaseTransition(CaseAction.PROPOSE, S.REVIEW, S.PROPOSED, STAFF,",
        "an officer proposes their own case",
    ),
    Mutant(
        WORKFLOW,
        "CaseTransition(CaseAction.RETURN, S.WRITE, S.DEVELOPMENT, STAFF)",
        "CaseTransition(CaseAction.RETURN, S.WRITE, S.REVIEW, STAFF)",
        "return from write goes to review",
    ),
    Mutant(WORKFLOW, "(has_lines, lor_received)", "(has_lines,)", "start write no longer needs the LOR date"),
    Mutant(
        WORKFLOW,
        "(has_lines, lines_approved)",
        "(has_lines, lines_submitted_or_approved)",
        "propose with lines only submitted",
    ),
    Mutant(WORKFLOW, "S.OFFERED, S.ACCEPTED)", "S.OFFERED)", "an accepted case can no longer be cancelled"),
    Mutant(
        WORKFLOW,
        "S.OFFERED, S.ACCEPTED)",
        "S.OFFERED, S.ACCEPTED, S.IMPLEMENTED)",
        "an implemented case can be cancelled",
    ),
    Mutant(
        WORKFLOW,
        "L.APPROVED, DECIDE, LINES_DECIDABLE_IN, decision=True)",
        "L.APPROVED, DECIDE, LINES_DECIDABLE_IN)",
        "separation of duties off for approve",
    ),
    Mutant(
        WORKFLOW,
        "L.RETURNED, DECIDE, LINES_DECIDABLE_IN, decision=True)",
        "L.RETURNED, DECIDE, LINES_DECIDABLE_IN)",
        "separation of duties off for return",
    ),
    Mutant(
        WORKFLOW,
        "(L.DRAFT, L.SUBMITTED, L.APPROVED, L.RETURNED),",
        "(L.DRAFT, L.SUBMITTED, L.APPROVED),",
        "a returned line can no longer be edited",
    ),
    Mutant(WORKFLOW, '"cases.delete_lineitem"', '"cases.change_lineitem"', "remove needs only the change permission"),
    Mutant(
        WORKFLOW,
        "(L.SUBMITTED,), L.REJECTED",
        "(L.SUBMITTED, L.APPROVED), L.REJECTED",
        "an approved line can be rejected",
    ),
    # The 36(b) rules (fms.notifications.rules, which fms.cases.rules asks) and identifier formats.
    Mutant(
        NOTIFICATION_RULES,
        'NATO_PLUS_5: Thresholds(Decimal("25000000.00")',
        'NATO_PLUS_5: Thresholds(Decimal("25000000.01")',
        "NATO+5 MDE threshold a cent higher",
    ),
    Mutant(
        NOTIFICATION_RULES,
        'OTHER: Thresholds(Decimal("14000000.00"), Decimal("50000000.00")',
        'OTHER: Thresholds(Decimal("14000000.00"), Decimal("49999999.99")',
        "Other total a cent lower",
    ),
    Mutant(
        NOTIFICATION_RULES,
        'NATO_ORG: Thresholds(Decimal("14000000.00"), Decimal("50000000.00"), Decimal("200000000.00")',
        'NATO_ORG: Thresholds(Decimal("14000000.00"), Decimal("50000000.00"), Decimal("300000000.00")',
        "NATO organisation design and construction threshold",
    ),
    Mutant(
        NOTIFICATION_RULES,
        'Decimal("200000000.00"), 15)',
        'Decimal("200000000.00"), 30)',
        "NATO organisation review period",
    ),
    Mutant(
        NOTIFICATION_RULES, "INFORMAL_REVIEW_DAYS = 20", "INFORMAL_REVIEW_DAYS = 21", "informal review a day longer"
    ),
    Mutant(RULES, "OFFER_VALIDITY_DAYS = 85", "OFFER_VALIDITY_DAYS = 84", "offers valid one day less"),
    Mutant(
        RULES, "[A-Z0-9]{3}[A-HJ-NP-Z0-9]{13}$", "[A-Z0-9]{3}[A-HJ-NP-Z0-9]{12,13}$", "a 15-character MASL accepted"
    ),
    Mutant(RULES, "[A-Z0-9]{3}[A-HJ-NP-Z0-9]{13}$", "[A-Z0-9]{3}[A-Z0-9]{13}$", "I and O accepted in the MASL number"),
    Mutant(RULES, 'r"^[A-Z]{2}$"', 'r"^[A-Z]{2,3}$"', "a 3-letter unit of issue accepted"),
    Mutant(
        RULES,
        'r"^[A-Z0-9]{2}-[A-Z]-[A-Z0-9]{3}$"',
        'r"^[A-Z0-9]{2}-[A-Z0-9]-[A-Z0-9]{3}$"',
        "a digit accepted as implementing agency",
    ),
    Mutant(RULES, "|[1-9][0-9]{2})$", "|[0-9][0-9]{2})$", "line number 000 accepted"),
    Mutant(
        NOTIFICATION_RULES,
        '[0-9]{2}-[0-9]{1,3}$"',
        '[0-9]{2}-[0-9]{1,4}$"',
        "a 4-digit transmittal sequence accepted",
    ),
    Mutant(
        RULES,
        'MONEY_MAX = Decimal("9999999999999.99")',
        'MONEY_MAX = Decimal("999999999999.99")',
        "the largest amount a digit shorter",
    ),
    # The ledger's format.
    Mutant(CHAIN, 'GENESIS = "0" * 64', 'GENESIS = "0" * 63 + "1"', "another genesis hash"),
    Mutant(
        CANONICAL,
        'strftime("%Y-%m-%dT%H:%M:%S.%fZ")',
        'strftime("%Y-%m-%dT%H:%M:%SZ")',
        "datetimes hashed without microseconds",
    ),
    *_dropped(CHAIN, "EVENT_FIELDS", EVENT_FIELDS),
    *_dropped(DIGESTS, "LINE_CONTENT_FIELDS", LINE_FIELDS),
    *_dropped(DIGESTS, "CASE_CONTENT_FIELDS", CASE_FIELDS),
]


def _apply(source: str, mutant: Mutant) -> str:
    parts = source.split(mutant.old)
    if len(parts) <= mutant.occurrence:
        raise ValueError(f"{mutant.path}: occurrence {mutant.occurrence} of {mutant.old!r} not found ({mutant.what})")
    return mutant.old.join(parts[: mutant.occurrence]) + mutant.new + mutant.old.join(parts[mutant.occurrence :])


def _copy_project(into: Path) -> None:
    for name in ("fms", "tests"):
        shutil.copytree(ROOT / name, into / name, ignore=shutil.ignore_patterns("__pycache__", "artifacts"))
    for name in ("manage.py", "pyproject.toml"):
        shutil.copy2(ROOT / name, into / name)


def _fast_tests(env: dict, cwd: Path, pytest_args: list[str]) -> subprocess.CompletedProcess:
    command = [str(ROOT / ".venv" / "bin" / "python"), "-m", "pytest", "-x", *pytest_args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)  # noqa: S603 (our venv's pytest)


def _run_on_a_copy(env: dict, options: list[str], mutants: list[Mutant]) -> list[tuple[Mutant, str]]:
    """Apply each mutant in turn to one scratch copy of the code; a control run of the unmutated copy first."""
    survivors = []
    with tempfile.TemporaryDirectory(prefix="fms-table-mutants-") as tmp:
        copy = Path(tmp)
        _copy_project(copy)
        control = _fast_tests(env, copy, [*options, *dict.fromkeys(f for files in TESTS_OF.values() for f in files)])
        if control.returncode != 0:
            raise RuntimeError(f"the fast tests fail on the unmutated copy:\n{control.stdout[-3000:]}")
        for mutant in mutants:
            target = copy / mutant.path
            original = target.read_text()
            target.write_text(_apply(original, mutant))
            try:
                result = _fast_tests(env, copy, [*options, *TESTS_OF[mutant.path]])
            finally:
                target.write_text(original)
            if result.returncode == 0:
                survivors.append((mutant, result.stdout.strip().splitlines()[-1]))
            elif result.returncode != 1:  # 1: tests failed; anything else is a broken run, not a kill
                survivors.append((mutant, f"pytest exit {result.returncode}: {result.stdout[-500:]}"))
    return survivors


def run(env: dict, options: list[str]) -> list[tuple[Mutant, str]]:
    """Every mutant that survived, with what happened: one copy of the code and one pytest at a time per core."""
    started = time.monotonic()
    workers = max(1, min(os.cpu_count() or 1, len(MUTANTS)))
    with ThreadPoolExecutor(workers) as pool:
        shares = [pool.submit(_run_on_a_copy, env, options, MUTANTS[n::workers]) for n in range(workers)]
        survivors = [survivor for share in shares for survivor in share.result()]
    print(f"table mutants: {len(MUTANTS) - len(survivors)} of {len(MUTANTS)} killed "
          f"({time.monotonic() - started:.0f} s)")  # fmt: skip
    return survivors

"""Financial transactions imported from DFAS-style CSV (DESIGN §4.5): all or nothing, idempotent.

Columns (a header row with these names, in any order; `line_number` and `description` may be empty):

    source_ref, case_id, line_number, kind, amount, posted_on, description

`source_ref` is the source's own id: a row already imported with the same content is skipped, one
with the same source_ref and different content is an error. The file is streamed into a temporary
table with COPY (constant memory whatever its size); every row is checked, in Python for its own
fields and in SQL against the cases and the rows already recorded; if any row is bad, nothing is
written and every bad row is named by its line number in the file (the header is line 1).
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction

from fms.accounts.models import User
from fms.accounts.roles import holds_role_permission
from fms.cases import rules as case_rules
from fms.cases.choices import ExecutionStep
from fms.cases.models import Case
from fms.core.errors import NotAllowed, ValidationFailed
from fms.execution.choices import TransactionKind
from fms.execution.services import record_event

COLUMNS = ("source_ref", "case_id", "line_number", "kind", "amount", "posted_on", "description")
REQUIRED = ("source_ref", "case_id", "kind", "amount", "posted_on")
MONEY = re.compile(r"^[0-9]{1,13}(\.[0-9]{1,2})?$", re.ASCII)
LINE_NUMBER = re.compile(case_rules.LINE_NUMBER_PATTERN)
MAX_ERRORS_LISTED = 1000  # every bad row is counted; the first thousand are listed
PROGRESS_EVERY = 5000

Progress = Callable[[int, int], None]  # (rows read, bytes read)


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    cases: list[str] = field(default_factory=list)


class ImportRefused(ValidationFailed):
    """The file has bad rows: nothing was written. `errors` maps "line N" to what is wrong with it."""

    type = "import-refused"
    title = "The file was refused: nothing was imported"

    def __init__(self, errors: dict[str, list[str]], bad_rows: int) -> None:
        shown = "" if bad_rows <= MAX_ERRORS_LISTED else f" (the first {MAX_ERRORS_LISTED} are listed)"
        super().__init__(errors, detail=f"{bad_rows} bad row{'s' if bad_rows != 1 else ''}{shown}; nothing imported.")
        self.bad_rows = bad_rows


def _row_problems(row: dict) -> tuple[list[str], tuple | None]:
    problems = [f"{name} is empty" for name in REQUIRED if not row.get(name, "").strip()]
    if problems:
        return problems, None
    source_ref, case_id = row["source_ref"].strip(), row["case_id"].strip().upper()
    line_number = (row.get("line_number") or "").strip()
    kind, amount_text = row["kind"].strip().lower(), row["amount"].strip()
    description = (row.get("description") or "").strip()
    if len(source_ref) > 64:
        problems.append("source_ref is longer than 64 characters")
    if line_number and not LINE_NUMBER.match(line_number):
        problems.append(f"line_number {line_number!r} is not 001-999")
    if kind not in TransactionKind.values:
        problems.append(f"kind {kind!r} is not one of {', '.join(TransactionKind.values)}")
    amount = None
    if amount_text.startswith("-"):
        problems.append(f"amount {amount_text} is negative: a correction is a transaction of its own kind")
    elif not MONEY.match(amount_text):
        problems.append(f"amount {amount_text!r} is not dollars with up to 2 decimals")
    else:
        try:
            amount = Decimal(amount_text).quantize(Decimal("0.01"))
        except InvalidOperation:
            problems.append(f"amount {amount_text!r} is not a number")
    try:
        posted_on = dt.date.fromisoformat(row["posted_on"].strip())
    except ValueError:
        problems.append(f"posted_on {row['posted_on'].strip()!r} is not a date (YYYY-MM-DD)")
        posted_on = None
    if len(description) > 200:
        problems.append("description is longer than 200 characters")
    if problems:
        return problems, None
    return [], (source_ref, case_id, line_number, kind, amount, posted_on, description)


def _lines(binary: io.BufferedIOBase, counter: list[int]) -> Iterable[str]:
    for raw in binary:
        counter[0] += len(raw)
        yield raw.decode("utf-8-sig" if counter[0] == len(raw) else "utf-8")


_STAGE = """
    DROP TABLE IF EXISTS pg_temp.financial_import;
    CREATE TEMP TABLE financial_import (
        file_line integer, source_ref text, case_code text, line_number text, kind text, amount numeric(15,2),
        posted_on date, description text
    ) ON COMMIT DROP
"""
# Each check: (SQL giving file_line and a message, in file order).
_CHECKS = (
    """SELECT i.file_line, 'case ' || i.case_code || ' does not exist' FROM financial_import i
       LEFT JOIN cases_case c ON c.case_id = i.case_code WHERE c.id IS NULL""",
    """SELECT i.file_line, 'case ' || i.case_code || ' has no line ' || i.line_number FROM financial_import i
       JOIN cases_case c ON c.case_id = i.case_code
       WHERE i.line_number <> '' AND NOT EXISTS (
           SELECT 1 FROM cases_lineitem l WHERE l.case_id = c.id AND l.line_number = i.line_number)""",
    """SELECT i.file_line, 'source_ref ' || i.source_ref || ' is already recorded with different content'
       FROM financial_import i JOIN execution_financialtransaction t ON t.source_ref = i.source_ref
       JOIN cases_case c ON c.id = t.case_id
       WHERE (c.case_id, t.line_number, t.kind, t.amount, t.posted_on, t.description)
          IS DISTINCT FROM (i.case_code, i.line_number, i.kind, i.amount, i.posted_on, i.description)""",
    """SELECT i.file_line, 'source_ref ' || i.source_ref || ' appears again with different content (first on line '
              || f.first_line || ')'
       FROM financial_import i JOIN (
           SELECT source_ref, min(file_line) AS first_line FROM financial_import GROUP BY source_ref
           HAVING count(DISTINCT (case_code, line_number, kind, amount, posted_on, description)) > 1
       ) f ON f.source_ref = i.source_ref WHERE i.file_line <> f.first_line""",
)
# What was inserted comes back summed per case, so memory stays flat whatever the file's size.
_INSERT = """
    WITH inserted AS (
        INSERT INTO execution_financialtransaction
            (case_id, line_number, kind, amount, posted_on, source_ref, description, recorded_by_id, recorded_at)
        SELECT DISTINCT ON (i.source_ref) c.id, i.line_number, i.kind, i.amount, i.posted_on, i.source_ref,
               i.description, %s, now()
        FROM financial_import i JOIN cases_case c ON c.case_id = i.case_code
        ORDER BY i.source_ref, i.file_line
        ON CONFLICT (source_ref) DO NOTHING
        RETURNING case_id, amount
    )
    SELECT case_id, count(*), coalesce(sum(amount), 0) FROM inserted GROUP BY case_id ORDER BY case_id
"""


def require_importer(actor: User) -> None:
    if not holds_role_permission(actor, "execution.add_financialtransaction"):
        raise NotAllowed("You do not have permission to import financial transactions (a finance officer may).")


def financials_import(
    *, actor: User, binary: io.BufferedIOBase, source_name: str, progress: Progress | None = None
) -> ImportResult:
    """Import a CSV file (opened in binary); ImportRefused listing every bad row, or what was imported."""
    require_importer(actor)
    counter = [0]
    reader = csv.DictReader(_lines(binary, counter))
    missing = [name for name in REQUIRED if name not in (reader.fieldnames or ())]
    if missing:
        raise ValidationFailed(
            {"file": [f"The header row lacks: {', '.join(missing)} (columns: {', '.join(COLUMNS)})."]}
        )
    errors: dict[str, list[str]] = {}
    bad = 0
    result = ImportResult()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_STAGE)
            with cursor.copy("COPY financial_import FROM STDIN") as copy:
                for row in reader:
                    result.rows += 1
                    problems, values = _row_problems(row)
                    if problems:
                        bad += 1
                        if len(errors) < MAX_ERRORS_LISTED:
                            errors[f"line {reader.line_num}"] = problems
                    else:
                        copy.write_row((reader.line_num, *values))
                    if progress and result.rows % PROGRESS_EVERY == 0:
                        progress(result.rows, counter[0])
            if progress:
                progress(result.rows, counter[0])
            for check in _CHECKS:
                cursor.execute(check)
                for file_line, message in cursor.fetchall():
                    bad += 1
                    if len(errors) < MAX_ERRORS_LISTED:
                        errors.setdefault(f"line {file_line}", []).append(message)
            if bad:
                cursor.execute("DROP TABLE financial_import")
                transaction.set_rollback(True)
                raise ImportRefused(dict(sorted(errors.items(), key=lambda item: int(item[0][5:]))), bad)
            cursor.execute(_INSERT, [actor.pk])
            per_case = cursor.fetchall()
            cursor.execute("DROP TABLE financial_import")
        result.created = sum(count for _, count, _ in per_case)
        result.unchanged = result.rows - result.created
        result.cases = _record_per_case(actor, per_case, source_name)
    return result


def _record_per_case(actor: User, per_case: list[tuple], source_name: str) -> list[str]:
    """One event per case that received transactions: how many, what total, from which file."""
    totals = {case_pk: (count, total) for case_pk, count, total in per_case}
    cases = []
    for case in Case.objects.select_for_update(of=("self",)).filter(pk__in=totals).order_by("case_id"):
        count, total = totals[case.pk]
        comment = f"{count} financial transactions imported from {source_name} (${total:,.2f} in all)"
        record_event(case=case, action=ExecutionStep.POST_FINANCIALS, actor=actor, comment=comment,
                     content={"source": source_name, "count": count, "total": total})  # fmt: skip
        cases.append(case.case_id)
    return cases

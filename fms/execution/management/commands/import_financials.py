import os
import sys
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from fms.core.errors import DomainError
from fms.execution.importing import COLUMNS, ImportRefused, financials_import


class Command(BaseCommand):
    help = (
        "Import financial transactions from a CSV file (columns: " + ", ".join(COLUMNS) + "). All or nothing; "
        "idempotent by source_ref."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--user", default="finance", help="the finance officer recorded as importing (finance)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, path: str, user: str, no_progress: bool, **options):
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"No user {user}: name a finance officer with --user.")
        try:
            size = os.path.getsize(path)
            binary = open(path, "rb")  # noqa: SIM115 (closed below, after the import)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        started = time.monotonic()
        show = None if no_progress else _bar(size, started)
        try:
            with binary:
                result = financials_import(
                    actor=actor, binary=binary, source_name=os.path.basename(path), progress=show
                )
        except ImportRefused as refused:
            for where, problems in refused.errors.items():
                self.stderr.write(f"{where}: {'; '.join(problems)}")
            raise CommandError(refused.detail) from refused
        except DomainError as refused:
            raise CommandError(refused.detail) from refused
        finally:
            if show:
                sys.stderr.write("\n")
        seconds = max(time.monotonic() - started, 1e-6)
        self.stdout.write(
            f"{result.rows} rows read in {seconds:.1f} s ({result.rows / seconds:,.0f} rows/s): "
            f"{result.created} imported, {result.unchanged} already recorded; cases: {', '.join(result.cases) or '-'}."
        )


def _bar(size: int, started: float):
    width = 30

    def show(rows: int, read: int) -> None:
        done = read / size if size else 1.0
        filled = int(width * done)
        rate = rows / max(time.monotonic() - started, 1e-6)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:4.0%} {rows:>9,} rows {rate:>9,.0f} rows/s")
        sys.stderr.flush()

    return show

import time

from django.core.management.base import BaseCommand, CommandError

from fms.cases.ledger import verify_ledger
from fms.cases.models import Case


class Command(BaseCommand):
    help = "Recompute the hash chain of every case (or of one) and name the first broken link of each."

    def add_arguments(self, parser):
        parser.add_argument("case_id", nargs="?", help="verify only this case, e.g. JA-P-SAA")

    def handle(self, *args, case_id: str | None = None, **options):
        case_pks = None
        if case_id:
            case = Case.objects.filter(case_id=case_id.upper()).first()
            if case is None:
                raise CommandError(f"No case {case_id}.")
            case_pks = [case.pk]
        started = time.monotonic()
        result = verify_ledger(case_pks)
        seconds = time.monotonic() - started
        for broken in result.breaks:
            self.stderr.write(f"BROKEN {broken}")
        summary = f"{result.events} events in {result.cases} cases checked in {seconds:.2f}s"
        if not result.ok:
            raise CommandError(f"{len(result.breaks)} broken chain(s); {summary}.")
        self.stdout.write(self.style.SUCCESS(f"Ledger verified: {summary}; every chain is intact."))

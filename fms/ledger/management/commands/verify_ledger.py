import time

from django.core.management.base import BaseCommand, CommandError

from fms.ledger.models import ApprovalEvent
from fms.ledger.verification import verify_ledger


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = "Recompute the hash chain of every case (or of one) and name the first broken link of each."

    def add_arguments(self, parser):
        parser.add_argument("case_id", nargs="?", help="verify only this case, e.g. JA-P-SAA")

    def handle(self, *args, case_id: str | None = None, **options):
        case_pks = None
        if case_id:
            case_pk = ApprovalEvent.objects.filter(case__case_id=case_id.upper()).values_list("case_id", flat=True)
            case_pks = list(case_pk[:1])
            if not case_pks:
                raise CommandError(f"No case {case_id} in the ledger.")
        started = time.monotonic()
        result = verify_ledger(case_pks)
        seconds = time.monotonic() - started
        for broken in result.breaks:
            self.stderr.write(f"BROKEN {broken}")
        summary = f"{plural(result.events, 'event')} in {plural(result.cases, 'case')} checked in {seconds:.2f}s"
        if not result.ok:
            raise CommandError(f"{plural(len(result.breaks), 'broken chain')}; {summary}.")
        self.stdout.write(self.style.SUCCESS(f"Ledger verified: {summary}; every chain is intact."))

import time

from django.core.management.base import BaseCommand, CommandError

from fms.ledger.log_verification import LogVerification, verify_log
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
        # The transparency log covers every case: it is recomputed whole, or not at all for one case.
        log = verify_log() if case_pks is None else None
        seconds = time.monotonic() - started
        for broken in result.breaks:
            self.stderr.write(f"BROKEN {broken}")
        summary = f"{plural(result.events, 'event')} in {plural(result.cases, 'case')} checked in {seconds:.2f}s"
        if log is not None:
            summary += self.report_log(log)
        if not result.ok:
            raise CommandError(f"{plural(len(result.breaks), 'broken chain')}; {summary}.")
        if log is not None and not log.ok:
            raise CommandError(f"the transparency log does not hold; {summary}.")
        self.stdout.write(self.style.SUCCESS(f"Ledger verified: {summary}; every chain is intact."))

    def report_log(self, log: LogVerification) -> str:
        for broken in log.breaks:
            self.stderr.write(f"BROKEN {broken}")
        for head in log.unchecked:
            self.stderr.write(f"NOT CHECKED {head}")
        unchecked = f", {len(log.unchecked)} not checked (see above)" if log.unchecked else ""
        return (
            f"; transparency log of {log.size} {'entry' if log.size == 1 else 'entries'}, "
            f"{plural(log.heads_checked, 'signed head')} "
            f"checked{unchecked}"
        )

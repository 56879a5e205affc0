"""manage.py ledger_checkpoint [--every SECONDS]: append settled events to the transparency log and
sign its head with the key in LEDGER_SIGNING_KEY_FILE.

Run it as its own process (docker-compose's `checkpoint` service), not as a thread inside gunicorn:
with several app containers or workers each thread would sign, and while the app is scaled down or
restarting none would; one process is one schedule. Two running at once are safe (the log's writer
lock serialises them) but pointless.
"""

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections

from fms.ledger.signing import SigningKeyUnavailable, read_signer
from fms.ledger.transparency import LogInconsistent, log_append_settled, tree_head_sign


class Command(BaseCommand):
    help = "Append settled events to the transparency log and sign its head (once, or every N seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, metavar="SECONDS", help="keep running, one checkpoint per period")

    def handle(self, *args, every: int | None, **options):
        if every is not None and every < 1:
            raise CommandError("--every takes a number of seconds, at least 1")
        try:
            signer = read_signer()
        except SigningKeyUnavailable as error:
            raise CommandError(str(error)) from error
        if every is None:
            self.checkpoint(signer)
            return
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        while not stopping:
            try:
                self.checkpoint(signer)
            except DatabaseError as error:  # the database restarting: try again next period
                self.stderr.write(f"checkpoint skipped: {error}")
                close_old_connections()
            deadline = time.monotonic() + every
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(1.0, deadline - time.monotonic()))

    def checkpoint(self, signer) -> None:
        appended = log_append_settled()
        try:
            head = tree_head_sign(signer=signer)
        except LogInconsistent as error:
            raise CommandError(str(error)) from error
        if head is None:
            self.stdout.write(f"appended {appended} events; the latest signed head already covers the log")
        else:
            signed = f"signed the head of {head.tree_size} entries, root {head.root_hash}"
            self.stdout.write(f"appended {appended} events; {signed}")

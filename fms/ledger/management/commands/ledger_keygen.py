"""manage.py ledger_keygen PATH --origin HOST/ledger: a new signing key for the transparency log."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fms.ledger.checkpoint import NoteError
from fms.ledger.signing import create_key_file


class Command(BaseCommand):
    help = "Create a new Ed25519 signing key for the ledger's checkpoints (never overwrites a file)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the new key file (mode 0600) for LEDGER_SIGNING_KEY_FILE")
        parser.add_argument(
            "--origin",
            default=settings.LEDGER_LOG_ORIGIN,
            help="the log's name: its checkpoints' origin line and the key name, e.g. fms.example.org/ledger",
        )

    def handle(self, *args, path: Path, origin: str, **options):
        try:
            key = create_key_file(path, origin)
        except FileExistsError as error:
            raise CommandError(f"{path} exists: a signing key is never overwritten (see docs/operations.md)") from error
        except NoteError as error:
            raise CommandError(f"--origin {origin!r}: {error} (no spaces, no '+')") from error
        self.stdout.write(f"Wrote {path}. Give purchasers this verifier key:")
        self.stdout.write(key.verifier.vkey)

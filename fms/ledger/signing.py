"""The log's signing key: a Go note signer key string in the file LEDGER_SIGNING_KEY_FILE.

The key is not in the database, so a database superuser cannot sign a rewritten history. `make run`
creates one under var/ when missing; with DEBUG off the app refuses to start without a readable
one (fms/wsgi.py), and `ledger_checkpoint` refuses to run. docs/operations.md says how to keep and
rotate it.
"""

import contextlib
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from fms.ledger.checkpoint import NoteError, SignerKey, VerifierKey


class SigningKeyUnavailable(ImproperlyConfigured):
    """The signing key file is missing, unreadable or not a signer key."""


def key_path() -> Path:
    return Path(settings.LEDGER_SIGNING_KEY_FILE)


def read_signer(path: Path | None = None) -> SignerKey:
    path = path or key_path()
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError as error:
        raise SigningKeyUnavailable(
            f"LEDGER_SIGNING_KEY_FILE {path} does not exist: the ledger's checkpoints cannot be signed. "
            "Create a key with `manage.py ledger_keygen PATH --origin HOST/ledger` and set LEDGER_SIGNING_KEY_FILE "
            "to it (docs/operations.md)."
        ) from error
    except (OSError, UnicodeDecodeError) as error:
        raise SigningKeyUnavailable(f"LEDGER_SIGNING_KEY_FILE {path} cannot be read: {error}") from error
    try:
        return SignerKey.parse(text)
    except NoteError as error:
        raise SigningKeyUnavailable(f"LEDGER_SIGNING_KEY_FILE {path} is not a signer key: {error}") from error


def create_key_file(path: Path, origin: str) -> SignerKey:
    """Write a new key, readable by its owner only; never overwrite one (FileExistsError)."""
    key = SignerKey.generate(origin)
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two processes starting at once both read back the one key that won.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key.skey + "\n")
    return key


def signer_created_when_missing() -> SignerKey:
    """The key, created first when missing: for make run and the tests only."""
    with contextlib.suppress(FileExistsError):
        create_key_file(key_path(), settings.LEDGER_LOG_ORIGIN)
    return read_signer()


def verifier() -> VerifierKey:
    return read_signer().verifier


def check_at_start() -> None:
    """Serving needs the key: created in development, required in production."""
    if settings.DEBUG:
        signer_created_when_missing()
    else:
        read_signer()

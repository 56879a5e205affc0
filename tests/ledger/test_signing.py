"""The signing key: created in development, required (and checked) in production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fms.ledger import signing
from fms.ledger.checkpoint import SignerKey

ROOT = Path(__file__).resolve().parents[2]


def test_a_missing_key_is_named(settings, tmp_path):
    settings.LEDGER_SIGNING_KEY_FILE = tmp_path / "none.key"
    with pytest.raises(signing.SigningKeyUnavailable, match=r"none.key does not exist: the ledger's checkpoints"):
        signing.read_signer()


def test_an_unreadable_key_is_named(settings, tmp_path):
    path = tmp_path / "secret.key"
    path.write_bytes(b"\xff\xfe")
    settings.LEDGER_SIGNING_KEY_FILE = path
    with pytest.raises(signing.SigningKeyUnavailable, match=r"secret.key cannot be read"):
        signing.read_signer()


def test_a_file_that_is_not_a_signer_key_is_refused(settings, tmp_path):
    path = tmp_path / "public.key"
    path.write_text(SignerKey.generate("fms.example/ledger").verifier.vkey)
    settings.LEDGER_SIGNING_KEY_FILE = path
    with pytest.raises(signing.SigningKeyUnavailable, match=r"public.key is not a signer key"):
        signing.read_signer()


def test_a_created_key_is_private_and_never_overwritten(tmp_path):
    path = tmp_path / "var" / "ledger.key"
    key = signing.create_key_file(path, "fms.example/ledger")
    assert path.stat().st_mode & 0o777 == 0o600
    assert signing.read_signer(path) == key
    with pytest.raises(FileExistsError):
        signing.create_key_file(path, "fms.example/ledger")
    assert signing.read_signer(path) == key


def test_development_creates_the_key_once(settings, tmp_path):
    settings.DEBUG = True
    settings.LEDGER_SIGNING_KEY_FILE = tmp_path / "dev.key"
    settings.LEDGER_LOG_ORIGIN = "dev.example/ledger"
    signing.check_at_start()
    first = signing.read_signer()
    signing.check_at_start()
    assert signing.read_signer() == first
    assert first.name == "dev.example/ledger"


def test_production_does_not_create_a_key(settings, tmp_path):
    settings.DEBUG = False
    settings.LEDGER_SIGNING_KEY_FILE = tmp_path / "prod.key"
    with pytest.raises(signing.SigningKeyUnavailable, match="does not exist"):
        signing.check_at_start()
    assert not (tmp_path / "prod.key").exists()


def _load_wsgi(**env) -> subprocess.CompletedProcess:
    base = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "SECRET_KEY": "s" * 50,
        "DEBUG": "0",
    }
    return subprocess.run(
        [sys.executable, "-c", "import fms.wsgi; print('serving')"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_serve_without_the_key(tmp_path):
    missing = tmp_path / "missing.key"
    result = _load_wsgi(LEDGER_SIGNING_KEY_FILE=str(missing))
    assert result.returncode != 0
    assert f"LEDGER_SIGNING_KEY_FILE {missing} does not exist" in result.stderr
    assert "serving" not in result.stdout


def test_production_serves_with_the_key(tmp_path):
    path = tmp_path / "ledger.key"
    signing.create_key_file(path, "fms.example/ledger")
    assert _load_wsgi(LEDGER_SIGNING_KEY_FILE=str(path)).stdout.strip() == "serving"

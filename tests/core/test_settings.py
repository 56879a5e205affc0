"""Settings come from the environment; production refuses unsafe defaults."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start_django(**env) -> subprocess.CompletedProcess:
    """Import the settings and set Django up in a fresh interpreter with exactly this environment."""
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "fms.settings"}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


DB = "postgres://postgres@127.0.0.1:5432/fms"


def test_refuses_to_start_with_debug_off_and_the_default_secret_key():
    result = start_django(DATABASE_URL=DB, DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is the development key but DEBUG is off" in result.stderr


def test_starts_with_debug_on_or_a_real_secret_key():
    assert start_django(DATABASE_URL=DB, DEBUG="1").stdout.strip() == "started"
    assert start_django(DATABASE_URL=DB, SECRET_KEY="x" * 50).stdout.strip() == "started"


def test_postgresql_only_and_database_url_required():
    no_url = start_django(DEBUG="1")
    assert no_url.returncode != 0
    assert "DATABASE_URL is not set" in no_url.stderr
    sqlite = start_django(DEBUG="1", DATABASE_URL="sqlite:///x.db")
    assert sqlite.returncode != 0
    assert "PostgreSQL only" in sqlite.stderr


def test_runtime_settings(settings):
    assert settings.TIME_ZONE == "UTC"
    assert settings.USE_TZ is True
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE

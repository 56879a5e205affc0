import subprocess
import sys

import pytest

from tests.core.test_settings import ROOT


@pytest.mark.django_db
def test_healthz_and_readyz_answer(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok", "database": "ok"}


def test_readyz_is_503_when_the_database_does_not_answer():
    # A real unreachable server: nothing listens on port 1.
    code = (
        "import django; django.setup(); from django.test import Client; c = Client();"
        "print(c.get('/healthz').status_code, c.get('/readyz').status_code)"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "fms.settings",
        "DEBUG": "1",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/fms",
        "ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1].split() == ["200", "503"], result.stderr


def test_the_favicon_is_served_from_static_files(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("fms/favicon.svg")

"""Docker cannot run here: check what can be checked of the compose file and the Dockerfile."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_postgres_is_pinned_with_a_volume_and_a_healthcheck():
    db = COMPOSE["services"]["db"]
    assert re.fullmatch(r"postgres:\d+\.\d+[\w.-]*", db["image"])
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in db["volumes"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert "pgdata" in COMPOSE["volumes"]


def test_the_app_is_built_here_and_waits_for_a_healthy_database():
    app = COMPOSE["services"]["app"]
    assert app["build"] == "."
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert "/readyz" in " ".join(app["healthcheck"]["test"])


def test_the_app_runs_as_a_role_without_ledger_rights_and_migrates_as_the_owner():
    env = COMPOSE["services"]["app"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://fms_app:")
    assert env["MIGRATE_DATABASE_URL"].startswith("postgres://fms_owner:")
    assert env["DEBUG"] == "0"
    assert "SECRET_KEY" in env
    assert "ALLOWED_HOSTS" in env
    entrypoint = (ROOT / "docker" / "entrypoint.sh").read_text()
    assert "migrate --no-input" in entrypoint
    assert "grant_app_role" in entrypoint
    initdb = (ROOT / "docker" / "initdb" / "10-roles.sh").read_text()
    assert "CREATE ROLE fms_app" in initdb
    assert "CREATE ROLE fms_owner" in initdb


def test_the_image_serves_with_gunicorn_and_collects_static_files():
    assert re.search(r'CMD \["gunicorn", "fms\.wsgi"', DOCKERFILE)
    assert "--no-control-socket" in DOCKERFILE
    assert "collectstatic" in DOCKERFILE
    assert "HEALTHCHECK" in DOCKERFILE
    assert re.search(r"^USER (?!root)\w+", DOCKERFILE, re.M)
    for source in re.findall(r"^COPY (\S+)", DOCKERFILE, re.M):
        assert (ROOT / source).exists(), source


def test_a_separate_process_signs_checkpoints_with_the_key_outside_the_database():
    services = COMPOSE["services"]
    assert services["checkpoint"]["command"] == ["python", "manage.py", "ledger_checkpoint", "--every", "60"]
    for name in ("app", "checkpoint"):
        assert services[name]["environment"]["LEDGER_SIGNING_KEY_FILE"] == "/run/secrets/ledger_signing_key"
        assert services[name]["secrets"] == ["ledger_signing_key"]
    assert "ledger_signing_key" in COMPOSE["secrets"]
    assert "ledger_signing_key" not in str(services["db"])

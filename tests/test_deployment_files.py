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
    # The ledger function's owner (migration ledger.0003); the owner role hands the function over to it.
    assert "CREATE ROLE fms_ledger NOLOGIN" in initdb
    assert "GRANT fms_ledger TO fms_owner" in initdb


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


def test_the_scale_profile_runs_a_replica_and_pgbouncer_in_front_of_both():
    services = COMPOSE["services"]
    assert {name for name, service in services.items() if "scale" in service.get("profiles", [])} == {
        "replica", "pgbouncer", "app-scaled"
    }  # fmt: skip
    assert all("profiles" not in services[name] for name in ("db", "app", "checkpoint"))
    replica = services["replica"]
    assert replica["image"] == services["db"]["image"]
    assert replica["depends_on"]["db"]["condition"] == "service_healthy"
    assert re.search(r"pg_basebackup -h db -U fms_replicator .*-R", " ".join(replica["command"]))
    assert "hot_standby=on" in " ".join(replica["command"])
    assert any(volume.startswith("replicadata:") for volume in replica["volumes"])
    initdb = (ROOT / "docker" / "initdb" / "10-roles.sh").read_text()
    assert "CREATE ROLE fms_replicator REPLICATION LOGIN" in initdb
    assert "host replication fms_replicator all scram-sha-256" in initdb

    pgbouncer = (ROOT / "docker" / "pgbouncer").resolve()
    assert (ROOT / services["pgbouncer"]["build"]).resolve() == pgbouncer
    dockerfile = (pgbouncer / "Dockerfile").read_text()
    assert re.search(r"^FROM debian:bookworm", dockerfile, re.M)
    assert re.search(r"apt-get install .*pgbouncer", dockerfile)
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)
    for source in re.findall(r"^COPY (\S+)", dockerfile, re.M):
        assert (pgbouncer / source).exists(), source
    ini = (pgbouncer / "pgbouncer.ini").read_text()
    assert re.search(r"^pool_mode = transaction$", ini, re.M)
    databases = dict(re.findall(r"^(\w+) = (host=.*)$", ini, re.M))
    assert set(databases) == {"fms", "fms_replica"}
    assert "host=db " in databases["fms"]
    assert "host=replica " in databases["fms_replica"]
    # The session settings the app sends itself on a direct connection (fms/settings.py defaults).
    for target in databases.values():
        assert "connect_query='SET statement_timeout = 20000; SET lock_timeout = 5000'" in target


def test_the_scaled_app_goes_through_pgbouncer_and_reads_purchasers_data_from_the_replica():
    app, scaled = COMPOSE["services"]["app"], COMPOSE["services"]["app-scaled"]
    env = scaled["environment"]
    assert env["DATABASE_POOLER"] == "pgbouncer"
    assert re.fullmatch(r"postgres://fms_app:\S+@pgbouncer:6432/fms", env["DATABASE_URL"])
    assert re.fullmatch(r"postgres://fms_app:\S+@pgbouncer:6432/fms_replica", env["DATABASE_REPLICA_URL"])
    assert env["MIGRATE_DATABASE_URL"] == ""  # `app` migrates, once
    assert scaled["depends_on"]["app"]["condition"] == "service_healthy"
    assert env["SECRET_KEY"] == app["environment"]["SECRET_KEY"]  # the same tokens and sessions
    assert env["LEDGER_SIGNING_KEY_FILE"] == "/run/secrets/ledger_signing_key"
    assert scaled["secrets"] == ["ledger_signing_key"]
    assert set(scaled["ports"]).isdisjoint(app["ports"])
    assert set(scaled["volumes"]).isdisjoint(app["volumes"])  # a read-audit spool of its own
    assert "/readyz" in " ".join(scaled["healthcheck"]["test"])

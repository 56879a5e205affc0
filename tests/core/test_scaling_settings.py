"""DATABASE_POOLER and DATABASE_REPLICA_URL (docs/operations.md "Scaling out"): what the app sends
to PostgreSQL through a transaction-mode pooler, and the replica's connection. The routing itself
is proven against a real replica and PgBouncer in the reliability suite."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRIMARY = "postgres://postgres@127.0.0.1:5432/fms"
REPLICA = "postgres://reader@10.0.0.2:5433/fms?sslmode=require"


def databases(**env) -> subprocess.CompletedProcess:
    """settings.DATABASES (and whether documents prepare), as JSON, from a fresh interpreter with this environment."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({'databases': settings.DATABASES, 'prepared': settings.DATABASE_PREPARED_STATEMENTS, "
        "'routers': settings.DATABASE_ROUTERS}, default=str))"
    )
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "fms.settings", "DEBUG": "1"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=60
    )


def loaded(**env) -> dict:
    result = databases(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_direct_connections_set_the_timeouts_and_role_at_connect_time_and_prepare_documents():
    found = loaded(DATABASE_URL=PRIMARY, DATABASE_ROLE="fms_app")
    default = found["databases"]["default"]
    assert default["OPTIONS"]["options"] == "-c statement_timeout=20000 -c lock_timeout=5000 -c role=fms_app"
    assert default["DISABLE_SERVER_SIDE_CURSORS"] is False
    assert found["prepared"] is True
    assert set(found["databases"]) == {"default"}
    assert found["routers"] == []  # every query to the primary, no router asked


def test_through_pgbouncer_nothing_outlives_a_transaction():
    found = loaded(DATABASE_URL=PRIMARY, DATABASE_POOLER="pgbouncer")
    default = found["databases"]["default"]
    assert "options" not in default["OPTIONS"]  # PgBouncer 1.18 refuses the startup parameter
    assert default["OPTIONS"]["connect_timeout"] == 5
    assert "prepare_threshold" not in default["OPTIONS"]  # Django's default: None, never prepare
    assert default["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert found["prepared"] is False


def test_a_pooler_with_a_role_or_an_unknown_pooler_is_refused():
    with_role = databases(DATABASE_URL=PRIMARY, DATABASE_POOLER="pgbouncer", DATABASE_ROLE="fms_app")
    assert with_role.returncode != 0
    assert "DATABASE_ROLE cannot pass through PgBouncer" in with_role.stderr
    unknown = databases(DATABASE_URL=PRIMARY, DATABASE_POOLER="pgpool")
    assert unknown.returncode != 0
    assert "DATABASE_POOLER='pgpool'" in unknown.stderr


def test_the_replica_is_a_second_connection_with_the_same_session_settings_and_no_test_database():
    found = loaded(DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL=REPLICA, CONN_MAX_AGE="30")
    replica = found["databases"]["replica"]
    assert (replica["HOST"], replica["PORT"], replica["USER"], replica["NAME"]) == ("10.0.0.2", 5433, "reader", "fms")
    assert replica["OPTIONS"]["options"] == "-c statement_timeout=20000 -c lock_timeout=5000"
    assert replica["OPTIONS"]["sslmode"] == "require"  # the URL's own options are kept
    assert replica["CONN_MAX_AGE"] == 30
    assert replica["TEST"]["MIRROR"] == "default"
    assert found["routers"] == ["fms.core.replica.ReplicaRouter"]
    pooled = loaded(DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL=REPLICA, DATABASE_POOLER="pgbouncer")
    assert "options" not in pooled["databases"]["replica"]["OPTIONS"]
    assert pooled["databases"]["replica"]["DISABLE_SERVER_SIDE_CURSORS"] is True

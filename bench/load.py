"""HTTP load: wrk when it is there (installed from Debian if possible), else a bounded Python generator."""

import http.client
import itertools
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers and socket errors

    def as_dict(self) -> dict:
        return {"rps": round(self.rps, 1), "p50_ms": self.p50_ms, "p99_ms": self.p99_ms, "requests": self.requests,
                "errors": self.errors}  # fmt: skip


def find_wrk(install: bool) -> str | None:
    """wrk on PATH; with `install`, try Debian's package once (as root, without asking)."""
    if shutil.which("wrk") or not install:
        return shutil.which("wrk")
    if shutil.which("apt-get"):
        print("bench: wrk is missing; trying apt-get install -y wrk ...", flush=True)
        install = ["apt-get", "install", "-y", "-q", "wrk"]
        if subprocess.run(install, capture_output=True, timeout=300, check=False).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], capture_output=True, timeout=300, check=False)
            subprocess.run(install, capture_output=True, timeout=300, check=False)
    return shutil.which("wrk")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return round(float(number) * _UNITS[unit], 2)


def parse_wrk(output: str) -> Result:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    return Result(rps, p50, p99, requests, errors)


def _lua(requests: list[Request]) -> str:
    """A wrk script sending each request once, in order (then the last one again)."""

    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    rows = []
    for r in requests:
        headers = ", ".join(f"[{quote(k)}] = {quote(v)}" for k, v in r.headers)
        rows.append(f"  {{{quote(r.method)}, {quote(r.path)}, {{{headers}}}, {quote(r.body)}}},")
    return "\n".join(
        [
            "local targets = {",
            *rows,
            "}",
            "local i = 0",
            "request = function()",
            "  i = i + 1",
            "  local t = targets[i] or targets[#targets]",
            "  return wrk.format(t[1], t[2], t[3], t[4])",
            "end",
        ]
    )


class Load:
    def __init__(self, wrk: str | None, connections: int):
        self.wrk, self.connections = wrk, connections

    @property
    def tool(self) -> str:
        return "wrk" if self.wrk else "python"

    def run(self, base_url: str, requests: Request | list[Request], seconds: float) -> Result:
        """GET one request over and over, or send a list of requests once each, for `seconds`."""
        if self.wrk:
            return self._wrk(base_url, requests, seconds)
        return _python_load(base_url, requests, seconds, self.connections)

    def _wrk(self, base_url: str, requests, seconds: float) -> Result:
        command = [
            self.wrk,
            "-t1",
            f"-c{self.connections}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "--timeout",
            "30s",
        ]
        with tempfile.TemporaryDirectory() as folder:
            if isinstance(requests, list):
                script = Path(folder) / "requests.lua"
                script.write_text(_lua(requests))
                command += ["-s", str(script), base_url + requests[0].path]
            else:
                for name, value in requests.headers:
                    command += ["-H", f"{name}: {value}"]
                command.append(base_url + requests.path)
            done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
        return parse_wrk(done.stdout)


def _python_load(base_url: str, requests, seconds: float, connections: int) -> Result:
    """Threads with keep-alive connections, bounded by time (and by the list, when given one)."""
    host = urlsplit(base_url)
    source = iter(requests) if isinstance(requests, list) else itertools.repeat(requests)
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    deadline = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                request = next(source, None)
            if request is None:
                return
            started = time.monotonic()
            try:
                conn.request(request.method, request.path, body=request.body or None, headers=dict(request.headers))
                response = conn.getresponse()
                response.read()
                ok = response.status < 400
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
                ok = False
            with lock:
                latencies.append((time.monotonic() - started) * 1000)
                errors[0] += not ok
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))], 2) if latencies else 0.0

    return Result(len(latencies) / elapsed, pct(0.5), pct(0.99), len(latencies), errors[0])

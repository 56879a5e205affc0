"""A /readyz prober running beside the load: what the readiness probe said, and when."""

import threading
import time

import requests


class ReadyzProbe:
    def __init__(self, base: str, interval: float = 0.2) -> None:
        self.base, self.interval = base, interval
        self.samples: list[tuple[float, int | None]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "ReadyzProbe":
        self._thread.start()
        return self

    def stop(self) -> "ReadyzProbe":
        self._stop.set()
        self._thread.join(30)
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            at = time.monotonic()
            try:
                status = requests.get(self.base + "/readyz", timeout=10).status_code
            except requests.RequestException:
                status = None
            self.samples.append((at, status))
            self._stop.wait(self.interval)

    def statuses(self, start: float, end: float) -> list[int | None]:
        return [status for at, status in self.samples if start <= at < end]

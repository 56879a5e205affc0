"""A bounded load generator: a few client threads reading and writing through the API, each on its
own case, until a fixed number of requests is sent or a time limit passes. Every request is recorded
(when, what, how it ended); the writes the server acknowledged are kept to check none is lost."""

import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

REQUEST_TIMEOUT = 15  # seconds: longer than any answer may take (lock and statement timeouts); a hang


@dataclass
class Outcome:
    operation: str
    started: float
    ended: float
    status: int | None  # None: no HTTP answer (connection error, or no answer in REQUEST_TIMEOUT)
    content_type: str = ""
    problem_type: str = ""
    error: str = ""
    traceback_in_body: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 400

    @property
    def unavailable_problem(self) -> bool:
        """The answer the API gives while the database is down: 503 problem+json."""
        return (
            self.status == 503
            and self.content_type == "application/problem+json"
            and self.problem_type == "/api/problems/#service-unavailable"
        )


@dataclass
class Acknowledged:
    """Writes the server answered 2xx to: they must all be in the database afterwards."""

    lines: dict[tuple[str, str], dict] = field(default_factory=dict)  # (case, line) -> content sent
    submitted: set[tuple[str, str]] = field(default_factory=set)
    quantities: dict[tuple[str, str], int] = field(default_factory=dict)  # last quantity PATCHed


class Load:
    def __init__(
        self, base: str, token: str, cases: list[str], *, max_seconds: float, max_requests: int | None = None, seed=7
    ):
        self.base, self.cases = base, cases
        self.headers = {"Authorization": f"Bearer {token}"}
        self.max_requests, self.max_seconds = max_requests, max_seconds
        self.seed = seed
        self.outcomes: list[Outcome] = []
        self.acknowledged = Acknowledged()
        self._lock = threading.Lock()
        self._sent = 0
        self._stopped = False
        self._threads: list[threading.Thread] = []
        self.started = self.ended = 0.0

    # ---- running ------------------------------------------------------------------------------

    def start(self) -> "Load":
        self.started = time.monotonic()
        for index, case in enumerate(self.cases):
            thread = threading.Thread(target=self._client, args=(index, case), daemon=True)
            self._threads.append(thread)
            thread.start()
        return self

    def wait(self) -> "Load":
        for thread in self._threads:
            thread.join(self.max_seconds + REQUEST_TIMEOUT + 30)
        self.ended = time.monotonic()
        return self

    def stop(self) -> "Load":
        """Ends the load once a scenario is over (each client finishes the request it is in), so that
        the load spans the whole scenario however fast the app answers; a count of requests would run
        out sooner the faster it gets."""
        with self._lock:
            self._stopped = True
        return self.wait()

    def _may_send(self) -> bool:
        with self._lock:
            if (
                self._stopped
                or (self.max_requests is not None and self._sent >= self.max_requests)
                or time.monotonic() - self.started >= self.max_seconds
            ):
                return False
            self._sent += 1
            return True

    def _client(self, index: int, case: str) -> None:
        rng = random.Random(self.seed * 1000 + index)
        session = requests.Session()
        session.headers.update(self.headers)
        my_lines: list[str] = []  # this client's draft lines
        operations: list[tuple[int, Callable[[], None]]] = [
            (3, lambda: self._read(session, "case detail", f"/api/v1/cases/{case}/")),
            (2, lambda: self._read(session, "case list", "/api/v1/cases/?page_size=20&expand=lines")),
            (1, lambda: self._read(session, "event feed", "/api/v1/events/?page_size=50")),
            (3, lambda: self._add_line(session, rng, case, my_lines)),
            (2, lambda: self._edit_line(session, rng, case, my_lines)),
            (1, lambda: self._submit_line(session, case, my_lines)),
        ]
        weights = [weight for weight, _ in operations]
        while self._may_send():
            rng.choices(operations, weights)[0][1]()
            time.sleep(0.01)

    # ---- requests -----------------------------------------------------------------------------

    def _call(self, session, operation: str, method: str, path: str, **kwargs) -> requests.Response | None:
        started = time.monotonic()
        try:
            response = session.request(method, self.base + path, timeout=REQUEST_TIMEOUT, **kwargs)
        except requests.RequestException as error:
            self._record(Outcome(operation, started, time.monotonic(), None, error=type(error).__name__))
            return None
        content_type = response.headers.get("Content-Type", "")
        problem = ""
        if content_type == "application/problem+json":
            try:
                problem = response.json().get("type", "")
            except ValueError:
                problem = "(not JSON)"
        self._record(
            Outcome(
                operation,
                started,
                time.monotonic(),
                response.status_code,
                content_type,
                problem,
                traceback_in_body=b"Traceback" in response.content,
            )
        )
        return response

    def _record(self, outcome: Outcome) -> None:
        with self._lock:
            self.outcomes.append(outcome)

    def _read(self, session, operation: str, path: str) -> None:
        self._call(session, operation, "GET", path)

    def _add_line(self, session, rng: random.Random, case: str, my_lines: list[str]) -> None:
        content = {
            "category": "spare_parts",
            "description": f"load {uuid.uuid4().hex[:12]}",
            "quantity": rng.randint(1, 50),
            "unit_cost": f"{rng.randint(1, 99999)}.{rng.randint(0, 99):02d}",
        }
        headers = {"Idempotency-Key": uuid.uuid4().hex}
        path = f"/api/v1/cases/{case}/lines/"
        response = self._call(session, "add line", "POST", path, json=content, headers=headers)
        if response is not None and response.status_code == 201:
            number = response.json()["line_number"]
            with self._lock:
                self.acknowledged.lines[(case, number)] = content
            my_lines.append(number)

    def _line(self, session, case: str, number: str) -> requests.Response | None:
        response = self._call(session, "line detail", "GET", f"/api/v1/cases/{case}/lines/{number}/")
        return response if response is not None and response.status_code == 200 else None

    def _etag(self, session, case: str, number: str) -> str | None:
        response = self._line(session, case, number)
        return None if response is None else response.headers.get("ETag")

    def _edit_line(self, session, rng: random.Random, case: str, my_lines: list[str]) -> None:
        if not my_lines:
            return
        number = rng.choice(my_lines)
        etag = self._etag(session, case, number)
        if etag is None:
            return
        quantity = rng.randint(1, 500)
        path = f"/api/v1/cases/{case}/lines/{number}/"
        body, headers = {"quantity": quantity}, {"If-Match": etag}
        response = self._call(session, "edit line", "PATCH", path, json=body, headers=headers)
        if response is not None and response.status_code == 200:
            with self._lock:
                self.acknowledged.quantities[(case, number)] = quantity

    def _submit_line(self, session, case: str, my_lines: list[str]) -> None:
        if not my_lines:
            return
        number = my_lines[0]
        line = self._line(session, case, number)
        if line is None:
            return
        if line.json()["review_status"] != "draft":
            # An earlier submit whose answer was lost (the database went away between its commit and
            # the reply, so it got a 503): its outcome was unknown, and a real client reads before retrying.
            my_lines.pop(0)
            return
        etag = line.headers.get("ETag")
        path = f"/api/v1/cases/{case}/lines/{number}/submit/"
        response = self._call(session, "submit line", "POST", path, json={}, headers={"If-Match": etag})
        if response is not None and response.status_code == 200:
            my_lines.pop(0)  # submitted lines are no longer edited
            with self._lock:
                self.acknowledged.submitted.add((case, number))

    # ---- figures ------------------------------------------------------------------------------

    def between(self, start: float, end: float) -> list[Outcome]:
        return [o for o in self.outcomes if start <= o.started < end]

    def failed(self, outcomes: list[Outcome] | None = None) -> list[Outcome]:
        return [o for o in (self.outcomes if outcomes is None else outcomes) if not o.ok]

    def writes(self) -> int:
        return sum(1 for o in self.outcomes if o.operation in ("add line", "edit line", "submit line"))


def create_cases(base: str, token: str, count: int, prefix: str) -> list[str]:
    """One case in development per load client, so clients never contend on a row."""
    headers = {"Authorization": f"Bearer {token}"}
    ids = []
    for index in range(count):
        case_id = f"KS-B-{prefix}{index}"
        body = {"case_id": case_id, "title": f"Load {case_id}", "lor_received_on": "2026-10-01"}
        response = requests.post(f"{base}/api/v1/cases/", json=body, headers=headers, timeout=30)
        assert response.status_code == 201, response.text
        ids.append(case_id)
    return ids

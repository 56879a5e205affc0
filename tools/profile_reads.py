"""Per-request cost of the API's hot reads in one process: SQL statements and milliseconds per request.

Against a database loaded with the demo (`manage.py load_demo`), from the checkout whose code is measured:

    DATABASE_URL=postgres://…/fms SECRET_KEY=… ALLOWED_HOSTS=testserver SECURE_SSL_REDIRECT=0 \\
        RATE_LIMIT_TOKEN=100000000/min .venv/bin/python tools/profile_reads.py [N] [--profile ROUTE]

It issues a one-day token to client_ja and to auditor, then for each route sends N requests through
Django's test client (the whole middleware stack, read audit included; no server, no network) and
prints statements per request, ms per request, and how many of those ms the process waited for the
database (from the driver's send to the rows back: PostgreSQL's work and the round trips).
`--profile detail` prints cProfile's top entries of client_ja's detail requests. The rate limit
stays on (counted), set high so the loop is not refused.
A timing on a shared machine is a hint, not a measurement: the benchmark is `make bench`.
"""

import cProfile
import os
import pstats
import sys
import time

import django

sys.path.insert(0, os.getcwd())  # the checkout's own `fms`, not an installed one
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fms.settings")
django.setup()

from django.core.signals import request_started  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from fms.accounts.models import User  # noqa: E402
from fms.accounts.services import token_issue  # noqa: E402

ROUTES = {
    "detail": "/api/v1/cases/JA-P-SAA/",
    "document": "/api/v1/cases/JA-P-SAA/documents/A01/",
    "feed": "/api/v1/events/?page_size=50",
    "list": "/api/v1/cases/?page_size=50",
    "list+lines": "/api/v1/cases/?page_size=50&expand=lines",
    "case events": "/api/v1/cases/JA-P-SAA/events/",
    "healthz": "/healthz",
}


class DatabaseTime:
    """An execute wrapper adding up the time the statements take, as the process waits for them."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    profiled = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--profile" else None
    request_started.disconnect(reset_queries)  # keep the statements of a request for CaptureQueriesContext
    for username in ("client_ja", "auditor"):
        _, secret = token_issue(actor=None, user=User.objects.get(username=username), days=1)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        for name, url in ROUTES.items():
            first = client.get(url)
            assert first.status_code == 200, (url, first.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            waited = DatabaseTime()
            with connection.execute_wrapper(waited):
                started = time.perf_counter()
                for _ in range(n):
                    client.get(url)
                ms = (time.perf_counter() - started) * 1000 / n
            in_database = waited.seconds * 1000 / n
            print(
                f"{username:10} {name:12} {len(queries):2} statements {ms:7.2f} ms/request, "
                f"{in_database:5.2f} in the database, {ms - in_database:5.2f} in Python"
            )
            if name == profiled and username == "client_ja":
                profile = cProfile.Profile()
                profile.enable()
                for _ in range(n):
                    client.get(url)
                profile.disable()
                pstats.Stats(profile).sort_stats("cumulative").print_stats(35)


if __name__ == "__main__":
    main()

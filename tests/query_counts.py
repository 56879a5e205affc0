"""Counting the SQL statements of one request, for the query-count tests of every read route and decision.

The counts are written literally in each test: a change that adds a query to a route fails there.
In a test, a service's transaction is a SAVEPOINT and its RELEASE (two statements); served, the same
request sends COMMIT instead (one).
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_of(client, method: str, url: str, **options) -> tuple[int, int]:
    """(HTTP status, statements sent) of one request."""
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, **options)
        if response.streaming:  # a CSV reads its rows while it streams
            b"".join(response.streaming_content)
    return response.status_code, len(queries)


def read_counts(client, urls: list[str]) -> dict[str, tuple[int, int]]:
    """(status, statements) of a GET of each url, after one request that records the token's first use."""
    client.get("/api/v1/implementing-agencies/")
    return {url: queries_of(client, "get", url) for url in urls}

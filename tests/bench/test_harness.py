"""The benchmark harness on a tiny data set: its ledgers verify, and the floor serves the product's documents."""

import datetime as dt

import orjson
import pytest
from django.db import connection

from bench import floor
from bench.dataset import TOTALS_SQL
from bench.stories import CASE_COLUMNS, EVENT_COLUMNS, LINE_COLUMNS, NOTIFICATION_COLUMNS, Actors, Ids, StoryTeller
from fms.cases.models import Case, LineItem
from fms.ledger.verification import verify_ledger
from tests.conftest import bearer
from tests.database import as_database_superuser

pytestmark = pytest.mark.django_db

TABLES = [
    ("cases_case", CASE_COLUMNS, "case"),
    ("cases_lineitem", LINE_COLUMNS, "lines"),
    ("cases_approvalevent", EVENT_COLUMNS, "events"),
]


@pytest.fixture
def stories(officer, officer2, reviewer, reviewer2, client_ja):
    """40 generated cases loaded the way the harness loads them, in the test's transaction."""
    actors = Actors(
        officers=((officer.pk, officer.username), (officer2.pk, officer2.username)),
        reviewers=((reviewer.pk, reviewer.username), (reviewer2.pk, reviewer2.username)),
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text::bigint")
        txid = cursor.fetchone()[0]
        now = dt.datetime.now(dt.UTC)
        teller = StoryTeller(
            seed=7, actors=actors, ids=Ids(case=1000, line=1000, event=1000, notification=1000),
            start=now - dt.timedelta(days=400), end=now, txid=txid,
        )  # fmt: skip
        generated = list(teller.stories(40, purchaser="JA")) + list(teller.stories(5, status="proposed"))
        with as_database_superuser():  # the harness loads as the server's superuser, triggers off
            cursor.execute("SET LOCAL session_replication_role = replica")
            notifications = [story.notification for story in generated if story.notification]
            for table, columns, rows in [*TABLES, ("cases_congressionalnotification", NOTIFICATION_COLUMNS, None)]:
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for story in generated:
                        for row in [story.case] if rows == "case" else getattr(story, rows) if rows else []:
                            copy.write_row(row)
                    for row in notifications if rows is None else []:
                        copy.write_row(row)
            cursor.execute("SET LOCAL session_replication_role = origin")
        cursor.execute(TOTALS_SQL, {"first": 1000})
    return generated


def test_generated_ledgers_verify_and_totals_are_the_sums_of_the_lines(stories):
    result = verify_ledger()
    assert result.ok, result.breaks
    assert (result.cases, result.events) == (len(stories), sum(len(story.events) for story in stories))
    case = Case.objects.get(pk=stories[0].case[0])
    lines = LineItem.objects.filter(case=case)
    assert case.total_value == sum(line.total_cost for line in lines) > 0
    assert case.version == len(stories[0].events)


@pytest.mark.xfail(
    strict=True,
    reason="bench/floor.py still answers a purchaser with the shape before DESIGN §8 (every case, working lines, "
    "numeric event ids); teaching it the purchaser shape is issue 16's first step",
)
def test_the_floor_answers_with_the_products_documents(stories, monkeypatch, settings):
    client = bearer("client_ja")
    monkeypatch.setenv("TOKEN_HMAC_KEY", settings.TOKEN_HMAC_KEY)
    monkeypatch.setattr(floor, "_connection", connection.connection)  # the test's transaction
    case_id = Case.objects.filter(purchaser_id="JA").order_by("-updated_at").values_list("case_id", flat=True)[0]

    def from_floor(path: str) -> dict:
        url, _, query = path.partition("?")
        environ = {"PATH_INFO": url, "QUERY_STRING": query, "HTTP_HOST": "testserver"}
        environ["HTTP_AUTHORIZATION"] = f"Bearer {client.secret}"
        body = floor.application(environ, lambda status, headers: None)
        return orjson.loads(body[0])

    for path in (f"/api/v1/cases/{case_id}/", "/api/v1/cases/?expand=lines&page_size=10", "/api/v1/events/"):
        ours = client.get(path).json()
        assert from_floor(path) == ours, path
    page = from_floor("/api/v1/cases/?expand=lines&page_size=10")
    second = client.get(page["next_url"]).json()
    assert from_floor(page["next_url"].removeprefix("http://testserver")) == second

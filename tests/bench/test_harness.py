"""The benchmark harness on a tiny data set: its ledgers verify, and the floor serves the product's documents."""

import datetime as dt

import orjson
import pytest
from django.db import connection

from bench import floor
from bench.dataset import TOTALS_SQL
from bench.stories import (
    CASE_COLUMNS,
    DOCUMENT_TABLES,
    EVENT_COLUMNS,
    LINE_COLUMNS,
    NOTIFICATION_COLUMNS,
    Actors,
    Ids,
    StoryTeller,
)
from fms.cases.models import Case, LineItem
from fms.documents.models import LoaDocument
from fms.ledger.verification import verify_ledger
from tests.conftest import bearer
from tests.database import as_database_superuser

pytestmark = pytest.mark.django_db

TABLES = [
    ("cases_case", CASE_COLUMNS, "case"),
    ("cases_lineitem", LINE_COLUMNS, "lines"),
    ("cases_approvalevent", EVENT_COLUMNS, "events"),
    *((table, columns, rows) for table, (columns, rows) in DOCUMENT_TABLES.items()),
]


@pytest.fixture
def stories(officer, officer2, reviewer, reviewer2, client_ja):
    """40 generated cases loaded the way the harness loads them, in the test's transaction."""
    actors = Actors(
        officers=((officer.pk, officer.username), (officer2.pk, officer2.username)),
        reviewers=((reviewer.pk, reviewer.username), (reviewer2.pk, reviewer2.username)),
    )
    with connection.cursor() as cursor:
        # Below every running transaction (this test's too), so the feed hands the events out.
        cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint - 1")
        txid = cursor.fetchone()[0]
        now = dt.datetime.now(dt.UTC)
        teller = StoryTeller(
            seed=7, actors=actors, ids=Ids(*[1000] * 8),
            start=now - dt.timedelta(days=400), end=now, txid=txid,
        )  # fmt: skip
        generated = [
            *teller.stories(40, purchaser="JA"),
            *teller.stories(5, status="proposed"),  # never offered: invisible to the purchaser
            *teller.stories(6, purchaser="JA", status="offered"),
            *teller.stories(6, purchaser="JA", status="accepted"),
            *teller.stories(3, purchaser="KS", status="implemented"),  # another purchaser's
        ]
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
    # Every case that reached `offered` has its BASIC document, accepted once the case was; verify_ledger
    # above recomputed each one's content hash and found it recorded by the case's offer event.
    offered = [story for story in stories if any(event[4] == "offer" for event in story.events)]
    documents = LoaDocument.objects.filter(label="BASIC")
    assert documents.count() == len(offered) > 0
    accepted = {story.case[1] for story in offered if any(event[4] == "accept" for event in story.events)}
    assert set(documents.filter(status="accepted").values_list("case__case_id", flat=True)) == accepted
    assert LoaDocument.objects.filter(lines__isnull=True).count() == 0


def test_the_floor_answers_with_the_products_documents(stories, monkeypatch, settings):
    """Field for field, as a purchaser reads them (DESIGN §8): offered cases only, the shown document's
    lines, milestones with the purchaser's own ids, and the next pages behind the sealed cursors."""
    client = bearer("client_ja")
    monkeypatch.setenv("TOKEN_HMAC_KEY", settings.TOKEN_HMAC_KEY)
    monkeypatch.setattr(floor, "_connection", connection.connection)  # the test's transaction
    offered_since = ["offered", "accepted", "implemented", "supply_complete", "closed"]  # the stories cancel before
    visible = Case.objects.filter(purchaser_id="JA", status__in=offered_since).order_by("-updated_at")
    accepted = visible.filter(status="accepted").values_list("case_id", flat=True)[0]
    hidden = Case.objects.filter(purchaser_id="JA", status="development").values_list("case_id", flat=True)[0]

    def from_floor(path: str) -> tuple[int, dict]:
        url, _, query = path.removeprefix("http://testserver").partition("?")
        environ = {"PATH_INFO": url, "QUERY_STRING": query, "HTTP_HOST": "testserver"}
        environ["HTTP_AUTHORIZATION"] = f"Bearer {client.secret}"
        answer = []
        body = floor.application(environ, lambda status, headers: answer.append(int(status[:3])))
        return answer[0], orjson.loads(body[0])

    paths = [
        f"/api/v1/cases/{visible[0].case_id}/",
        f"/api/v1/cases/{accepted}/",
        f"/api/v1/cases/{accepted}/documents/BASIC/",
        "/api/v1/cases/?expand=lines&page_size=5",
        "/api/v1/events/?page_size=7",
    ]
    for path in paths:
        ours = client.get(path)
        assert ours.status_code == 200, path
        assert from_floor(path) == (200, ours.json()), path
    for path in ("/api/v1/cases/?expand=lines&page_size=5", "/api/v1/events/?page_size=7"):
        second = from_floor(path)[1]["next_url"]
        assert from_floor(second) == (200, client.get(second).json()), second

    detail = from_floor(f"/api/v1/cases/{accepted}/")[1]
    assert detail["effective_document"] == "BASIC"
    assert detail["lines"]
    assert "notes" not in detail
    assert {line["change"] for line in detail["lines"]} == {"added"}  # the document's lines, not working lines
    listed = [case["case_id"] for case in from_floor("/api/v1/cases/?expand=lines&page_size=500")[1]["results"]]
    assert sorted(listed) == sorted(visible.values_list("case_id", flat=True))
    assert hidden not in listed
    events = from_floor("/api/v1/events/?page_size=500")[1]["results"]
    assert (
        {"offer", "accept"}
        <= {event["action"] for event in events}
        <= {"offer", "accept", "implement", "complete_supply", "close"}
    )
    assert len(events[0]["id"]) == 22
    assert "comment" not in events[0]
    assert from_floor(f"/api/v1/cases/{hidden}/")[0] == client.get(f"/api/v1/cases/{hidden}/").status_code == 404

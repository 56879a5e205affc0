"""A client sees its own purchaser and nothing else: another country's record is 404, never data."""

import csv
import io

import pytest

from fms.accounts.models import User
from fms.cases import selectors
from fms.cases.choices import CaseStatus
from fms.cases.models import Case
from fms.notifications.models import CongressionalNotification
from tests.factories import walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_for_the_module):
    """Every test here reads the demo: loaded once for the module (tests/conftest.py)."""


def korean_urls() -> list[str]:
    case = Case.objects.get(case_id="KS-D-QAB")
    line = case.lines.first().line_number
    base = f"/api/v1/cases/{case.case_id}"
    return [
        f"{base}/",
        f"{base}/lines/",
        f"{base}/lines/{line}/",
        f"{base}/events/",
        f"{base}/ledger/",
        f"{base}/lines/?format=csv",
    ]


def test_a_japanese_token_gets_404_for_every_korean_route(api):
    client = api("client_ja")
    for url in korean_urls():
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/problem+json"
        assert b"F-15K" not in response.content


def test_writes_to_another_purchaser_are_refused_before_anything_is_read(api):
    client = api("client_ja")
    case = Case.objects.get(case_id="KS-D-QAB")
    for method, url in [
        ("post", "/api/v1/cases/KS-D-QAB/transition/"),
        ("patch", "/api/v1/cases/KS-D-QAB/"),
        ("post", "/api/v1/cases/KS-D-QAB/lines/001/approve/"),
    ]:
        response = getattr(client, method)(url, {}, HTTP_IF_MATCH='"1"')
        assert response.status_code in (403, 404), url  # read-only token: refused at the door
    assert Case.objects.get(pk=case.pk).version == case.version


def offered_japanese_case() -> Case:
    """A JA case offered to Japan (DESIGN §8: a purchaser sees a case once offered), whatever the demo holds."""
    return walk_to(
        CaseStatus.OFFERED, officer=User.objects.get(username="officer"), reviewer=User.objects.get(username="reviewer")
    )


def visible_to(username: str) -> set[str]:
    user = User.objects.get(username=username)
    return set(selectors.case_queryset_for(user).values_list("case_id", flat=True))


def test_filters_cannot_widen_the_scope(api):
    offered_japanese_case()
    client = api("client_ja")
    assert client.get("/api/v1/cases/?purchaser=KS").json()["results"] == []
    assert client.get("/api/v1/notifications/?purchaser=KS").json()["results"] == []
    ids = {c["case_id"] for c in client.get("/api/v1/cases/?purchaser=KS,JA&page_size=500").json()["results"]}
    assert ids == visible_to("client_ja")
    assert ids
    assert all(case_id.startswith("JA-") for case_id in ids)


def test_lists_feed_and_csv_hold_exactly_the_clients_records(api):
    case = offered_japanese_case()
    client = api("client_ja")
    japan = visible_to("client_ja")
    offered = Case.objects.filter(purchaser_id="JA", events__action="offer").values_list("case_id", flat=True)
    assert japan == set(offered)
    assert case.case_id in japan
    assert {c["case_id"] for c in client.get("/api/v1/cases/?page_size=500").json()["results"]} == japan

    events = client.get(f"/api/v1/cases/{case.case_id}/events/?page_size=500").json()["results"]
    assert [event["action"] for event in events] == ["offer"]  # its milestones only (DESIGN §8)

    text = b"".join(client.get("/api/v1/cases/?format=csv").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert {row[0] for row in rows[1:]} == japan
    # With lines: those of the documents offered to Japan, as each case's own answer shows them, never working lines.
    text = b"".join(client.get("/api/v1/cases/?format=csv&expand=lines").streaming_content).decode()
    line_rows = list(csv.reader(io.StringIO(text)))[1:]
    shown = {
        (case_id, line["line_number"])
        for case_id in japan
        for line in client.get(f"/api/v1/cases/{case_id}/").json()["lines"]
    }
    assert {(row[0], row[5]) for row in line_rows} == shown
    assert len(line_rows) == len(shown)

    assert client.get("/api/v1/notifications/").json()["results"] == []  # the agency's records
    assert [p["code"] for p in client.get("/api/v1/purchasers/").json()["results"]] == ["JA"]


def test_a_notification_is_not_a_purchasers_record(api):
    other = CongressionalNotification.objects.create(purchaser_id="KS", notified_on="2026-01-01", total_value=1)
    assert api("client_ja").get(f"/api/v1/notifications/{other.pk}/").status_code == 404
    assert api("client_ks").get(f"/api/v1/notifications/{other.pk}/").status_code == 404
    assert api("auditor").get(f"/api/v1/notifications/{other.pk}/").status_code == 200


def test_staff_see_every_purchaser(api):
    ids = {c["case_id"] for c in api("auditor").get("/api/v1/cases/?page_size=500").json()["results"]}
    assert ids == set(Case.objects.values_list("case_id", flat=True))

"""A write and the read of its answer commit together: when the answer cannot be read (the database
went away between the two), the client gets 503 "nothing was changed", and nothing was."""

import pytest

from fms.cases.api import views
from fms.cases.models import Case, LineItem
from fms.ledger.models import ApprovalEvent
from tests.database import connection_lost

pytestmark = pytest.mark.django_db

CASE = "/api/v1/cases/JA-P-SAA/"
LINE = f"{CASE}lines/001/"


def _state() -> tuple:
    case = Case.objects.get(case_id="JA-P-SAA")
    lines = list(LineItem.objects.filter(case=case).order_by("line_number").values_list("quantity", "review_status"))
    return case.version, case.status, case.title, lines, ApprovalEvent.objects.filter(case=case).count()


NEW_LINE = {"category": "spare_parts", "description": "Seals", "quantity": 2, "unit_cost": "10.00"}
NEW_CASE = {"case_id": "JA-B-ZZZ", "title": "New", "lor_received_on": "2026-10-01"}
WRITES = {  # (method, url, body, whose ETag goes in If-Match)
    "add a line": ("post", f"{CASE}lines/", NEW_LINE, None),
    "edit a line": ("patch", LINE, {"quantity": 7}, "line"),
    "submit a line": ("post", f"{LINE}submit/", {}, "line"),
    "edit the case": ("patch", CASE, {"title": "Renamed"}, "case"),
    "create a case": ("post", "/api/v1/cases/", NEW_CASE, None),
    "cancel the case": ("post", f"{CASE}transition/", {"action": "cancel", "comment": "Withdrawn"}, "case"),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_whose_answer_cannot_be_read_is_not_made(api_cases, monkeypatch, write):
    method, url, body, versioned = WRITES[write]
    client = api_cases("officer")
    headers = {"HTTP_IF_MATCH": client.get(LINE if versioned == "line" else CASE)["ETag"]} if versioned else {}
    before, cases_before = _state(), Case.objects.count()
    monkeypatch.setattr(views.CaseViewSet, "case_response", connection_lost)
    monkeypatch.setattr(views.LineItemViewSet, "line_response", connection_lost)

    answer = getattr(client, method)(url, body, format="json", **headers)

    assert answer.status_code == 503, answer.content
    assert answer.json()["type"] == "/api/problems/#service-unavailable"
    assert (_state(), Case.objects.count()) == (before, cases_before)


def test_the_same_write_is_made_when_its_answer_is_read(api_cases):
    client = api_cases("officer")
    etag = client.get(LINE)["ETag"]
    answer = client.post(f"{LINE}submit/", {}, format="json", HTTP_IF_MATCH=etag)
    assert answer.status_code == 200
    assert answer.json()["review_status"] == "submitted"
    assert LineItem.objects.get(case__case_id="JA-P-SAA", line_number="001").review_status == "submitted"

"""An execution write and the read of its answer commit together: when the answer cannot be read (the
database went away between the two), the client gets 503 "nothing was changed", and nothing was."""

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from fms.accounts.models import User
from fms.accounts.roles import CLIENT, CLIENT_OFFICER
from fms.cases.choices import CaseAction, CaseStatus
from fms.cases.models import Case
from fms.execution import present, services
from fms.execution.api import views
from fms.execution.models import Delivery, FinancialTransaction, SupplyDiscrepancyReport
from fms.ledger.models import ApprovalEvent
from tests.conftest import bearer
from tests.database import connection_lost
from tests.execution.steps import prepare_step
from tests.factories import UserFactory, walk_to

pytestmark = pytest.mark.django_db

SDR = {"delivery": 1, "kind": "damage", "quantity": 1, "value": "1000.00", "description": "Canister dented"}


@pytest.fixture
def signatory(db):
    return UserFactory(username="signatory_ja", roles=[CLIENT, CLIENT_OFFICER], purchaser_id="JA", is_staff=False)


def _client(username: str) -> APIClient:
    """A bearer token; a purchaser's officer writes with a session (purchaser tokens are read-only)."""
    user = User.objects.get(username=username)
    if user.purchaser_id is None:
        return bearer(username)
    client = APIClient()
    client.force_login(user)
    return client


def _case_in(state: str, *, officer, reviewer, signatory) -> Case:
    """implemented, delivered (two of line 001), with its SDR 1 filed or under review, or ready to close."""
    if state == "ready to close":
        case = walk_to(CaseStatus.SUPPLY_COMPLETE, officer=officer, reviewer=reviewer)
        prepare_step(case, CaseAction.CLOSE, officer=officer)
        return case
    case = walk_to(CaseStatus.IMPLEMENTED, officer=officer, reviewer=reviewer)
    if state == "implemented":
        return case
    services.delivery_record(actor=officer, case=case, line_number="001", quantity=2, shipped_on=dt.date(2026, 8, 3),
                             transportation_control_number="FN12340000001XXXX",
                             document_number="FN12346001A001")  # fmt: skip
    if state == "delivered":
        return case
    sdr = services.sdr_file(actor=signatory, case=case, delivery_number=1, kind="damage", quantity=1,
                            value=Decimal("1000.00"), description="Canister dented")  # fmt: skip
    if state == "under review":
        services.sdr_review(actor=officer, sdr=sdr)
    return case


COLLECTION = {"kind": "collection", "amount": "10.00", "posted_on": "2026-08-01", "source_ref": "C-0001"}
DEPOSIT = {**COLLECTION, "kind": "deposit"}
RESOLUTION = {"resolution": "credit", "note": "Credited"}
CANCELLATION = {"reason": "The purchaser ended the program", "termination_costs": "12500.00"}
# What reads each answer: the SDR's row, the case's money, the closure checklist.
SDR_READ = (views.ExecutionViewSet, "sdr_response")
MONEY_READ, CLOSURE_READ = (present, "financials"), (present, "closure")
WRITES = {  # (the case's state, who, url tail, body, whether SDR 1's ETag goes in If-Match, what reads the answer)
    "file an SDR": ("delivered", "signatory_ja", "sdrs/", SDR, False, SDR_READ),
    "review an SDR": ("filed", "officer", "sdrs/1/review/", {}, True, SDR_READ),
    "resolve an SDR": ("under review", "officer", "sdrs/1/resolve/", RESOLUTION, True, SDR_READ),
    "record a collection": ("implemented", "finance", "financials/", COLLECTION, False, MONEY_READ),
    "record a deposit": ("implemented", "finance", "financials/", DEPOSIT, False, MONEY_READ),
    "close the case": ("ready to close", "officer", "closure/", {}, False, CLOSURE_READ),
    "cancel with termination costs": ("implemented", "officer", "cancellation/", CANCELLATION, False, CLOSURE_READ),
}


def _state(case: Case) -> tuple:
    case.refresh_from_db()
    sdrs = SupplyDiscrepancyReport.objects.filter(case=case).order_by("number")
    return (
        (case.status, case.version),
        Delivery.objects.filter(case=case).count(),
        list(sdrs.values_list("number", "status", "resolution", "version")),
        list(FinancialTransaction.objects.filter(case=case).order_by("source_ref").values_list("source_ref", "amount")),
        ApprovalEvent.objects.filter(case=case).count(),
    )


@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_whose_answer_cannot_be_read_is_not_made(officer, reviewer, signatory, monkeypatch, write):
    state, who, tail, body, versioned, (owner, reader) = WRITES[write]
    case = _case_in(state, officer=officer, reviewer=reviewer, signatory=signatory)
    headers = {"HTTP_IF_MATCH": f'"{case.sdrs.get(number=1).version}"'} if versioned else {}
    before = _state(case)
    monkeypatch.setattr(owner, reader, connection_lost)

    answer = _client(who).post(f"/api/v1/cases/{case.case_id}/{tail}", body, format="json", **headers)

    assert answer.status_code == 503, answer.content
    assert answer.json()["type"] == "/api/problems/#service-unavailable"
    assert _state(case) == before


def test_the_same_write_is_made_when_its_answer_is_read(officer, reviewer, signatory):
    case = _case_in("implemented", officer=officer, reviewer=reviewer, signatory=signatory)
    collected = case.financial_transactions.get(kind="deposit").amount
    answer = _client("finance").post(f"/api/v1/cases/{case.case_id}/financials/", COLLECTION, format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["summary"]["collected"] == f"{collected + 10:.2f}"
    assert case.financial_transactions.get(source_ref="C-0001").kind == "collection"

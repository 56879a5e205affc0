"""A document write and the read of its answer commit together: when the answer cannot be read (the
database went away between the two), the client gets 503 "nothing was changed", and nothing was. An
acceptance refused because the offer lapsed still records the expiry (its own transaction, first)."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest

from fms.cases.choices import CaseStatus
from fms.cases.models import Case
from fms.documents import services
from fms.documents.api import views
from fms.documents.choices import DocumentKind
from fms.documents.models import LoaDocument, LoaDocumentLine
from fms.ledger.models import ApprovalEvent
from tests.conftest import bearer
from tests.database import connection_lost
from tests.factories import COUNTERSIGNED_COPY_SHA256, walk_to

pytestmark = pytest.mark.django_db


def url(case: Case, tail: str = "") -> str:
    return f"/api/v1/cases/{case.case_id}/documents/{tail}"


def _case_in(state: str, *, officer, reviewer) -> Case:
    """proposed, offered, accepted, or accepted with its amendment (A01) or modification (M01) open."""
    status = {"proposed": CaseStatus.PROPOSED, "offered": CaseStatus.OFFERED}.get(state, CaseStatus.ACCEPTED)
    case = walk_to(status, officer=officer, reviewer=reviewer)
    kind = {"amendment open": DocumentKind.AMENDMENT, "modification open": DocumentKind.MODIFICATION}.get(state)
    if kind:
        services.document_open(actor=officer, case=case, kind=kind, reason="Spares for the second year")
    return case


def _countersigned(case: Case) -> dict:
    return {
        "content_hash": case.documents.get(label="BASIC").content_hash,
        "signatory_name": "Taro Yamada",
        "signatory_title": "Director",
        "signed_copy_sha256": COUNTERSIGNED_COPY_SHA256,
    }


def _later_oed(case: Case) -> dict:
    later = case.documents.get(label="BASIC").open_until + dt.timedelta(days=30)
    return {"offer_expires_on": later.isoformat(), "reason": "The purchaser's budget passes in the autumn"}


SCHEDULE = {"transportation": "0.00", "payment_schedule": [{"amount": "4128.00"}]}  # all due with acceptance
WRITES = {  # (the case's state, who, method, url tail, body or the body for the case)
    "open an amendment": ("accepted", "officer", "post", "", {"kind": "amendment", "reason": "One more of 001"}),
    "offer BASIC": ("proposed", "officer", "post", "BASIC/offer/", {"transportation": "100.00"}),
    "issue a modification": ("modification open", "officer", "post", "M01/issue/", {"transportation": "0.00"}),
    "replace a draft's schedule": ("proposed", "officer", "put", "BASIC/payment-schedule/", SCHEDULE),
    "accept BASIC": ("offered", "officer", "post", "BASIC/accept/", _countersigned),
    "withdraw an amendment": ("amendment open", "officer", "post", "A01/withdraw/", {"reason": "Not needed"}),
    "reinstate an offer": ("offered", "reviewer", "post", "BASIC/reinstate/", _later_oed),
}


def _state(case: Case) -> tuple:
    case.refresh_from_db()
    documents = LoaDocument.objects.filter(case=case).order_by("label")
    return (
        (case.status, case.version, case.open_document, case.offer_expires_on),
        list(documents.values_list("label", "status", "content_hash", "reinstated_until", "entered_payment_schedule")),
        LoaDocumentLine.objects.filter(document__case=case).count(),
        ApprovalEvent.objects.filter(case=case).count(),
    )


@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_whose_answer_cannot_be_read_is_not_made(officer, reviewer, monkeypatch, write):
    state, who, method, tail, body = WRITES[write]
    case = _case_in(state, officer=officer, reviewer=reviewer)
    data = body(case) if callable(body) else body
    before = _state(case)
    monkeypatch.setattr(views.DocumentViewSet, "respond", connection_lost)

    answer = getattr(bearer(who), method)(url(case, tail), data, format="json")

    assert answer.status_code == 503, answer.content
    assert answer.json()["type"] == "/api/problems/#service-unavailable"
    assert _state(case) == before


def test_the_same_write_is_made_when_its_answer_is_read(officer, reviewer):
    case = _case_in("offered", officer=officer, reviewer=reviewer)
    answer = bearer("officer").post(url(case, "BASIC/accept/"), _countersigned(case), format="json")
    assert answer.status_code == 200, answer.json()
    assert (answer.json()["status"], answer.json()["acceptance"]["method"]) == ("accepted", "countersigned_copy")
    case.refresh_from_db()
    assert (case.status, case.documents.get(label="BASIC").status) == (CaseStatus.ACCEPTED, "accepted")


def test_an_acceptance_refused_because_the_offer_lapsed_still_records_the_expiry(officer, reviewer):
    # given an offer whose OED passed 15 days ago, not read since (nothing recorded it expired)
    case = walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer)
    today = services.washington_today()
    Case.objects.filter(pk=case.pk).update(milap_on=today - dt.timedelta(days=100))
    with mock.patch("django.utils.timezone.now", return_value=dt.datetime.now(dt.UTC) - dt.timedelta(days=90)):
        services.document_offer(actor=officer, case=case, label="BASIC", transportation=Decimal("0.00"))
    # when the countersigned copy is entered
    answer = bearer("officer").post(url(case, "BASIC/accept/"), _countersigned(case), format="json")
    # then the acceptance is refused, and the expiry stays recorded
    assert (answer.status_code, answer.json()["type"]) == (409, "/api/problems/#offer-expired")
    assert case.documents.get(label="BASIC").status == "expired"
    event = ApprovalEvent.objects.filter(case=case).latest("seq")
    assert (event.action, event.document, event.actor_name) == ("expire", "BASIC", "system")

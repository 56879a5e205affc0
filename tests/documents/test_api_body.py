"""A frozen document's body as PostgreSQL builds it is the value views.detail() builds in Python."""

import datetime as dt
from unittest import mock

import orjson
import pytest
from django.db import connection

from fms.accounts.models import User
from fms.accounts.roles import CLIENT
from fms.cases import services as case_services
from fms.cases.choices import CaseAction, CaseStatus
from fms.cases.models import Case
from fms.core.api.renderers import dumps
from fms.documents import selectors, services
from fms.documents.api import documents
from fms.documents.api.views import detail
from tests.conftest import bearer
from tests.execution.steps import deposit
from tests.factories import UserFactory, lines_of, walk_to

pytestmark = pytest.mark.django_db


def url(case, tail: str) -> str:
    return f"/api/v1/cases/{case.case_id}/documents/{tail}"


def assert_same_body(user: User, case: Case, label: str) -> dict:
    """The SQL-built body equals detail() of the document read by the selectors; returns it."""
    found = documents.frozen(selectors.document_picker(user, case.case_id, label))
    assert found is not None, f"{case.case_id} {label} is not read by the statement"
    document = selectors.document_for(user, case, label, content=True)
    document.case = case
    built = orjson.loads(found[0])
    assert built == orjson.loads(dumps(detail(document)))
    return built


def test_offered_accepted_and_amended_documents(officer, reviewer):
    case = walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer)
    client = bearer("officer")
    assert client.post(url(case, "BASIC/offer/"), {"transportation": "100.00"}).status_code == 200
    offered = assert_same_body(officer, case, "BASIC")
    assert assert_same_body(UserFactory(roles=[CLIENT], purchaser_id="JA", is_staff=False), case, "BASIC") == offered
    korea = UserFactory(roles=[CLIENT], purchaser_id="KS", is_staff=False)
    assert documents.frozen(selectors.document_picker(korea, case.case_id, "BASIC")) is None
    assert (offered["status"], offered["acceptance"], offered["supersedes"]) == ("offered", None, None)
    assert all(offered[rows] for rows in ("lines", "loa_notes", "payment_schedule"))
    accept = {"content_hash": offered["content_hash"], "signatory_name": "Taro Yamada", "signatory_title": "Director",
              "signed_copy_sha256": "c0" * 32}  # fmt: skip
    assert client.post(url(case, "BASIC/accept/"), accept).status_code == 200
    accepted = assert_same_body(officer, case, "BASIC")
    assert accepted["acceptance"]["signed_copy_sha256"] == "c0" * 32
    deposit(case)
    case_services.case_transition(actor=officer, case=case, action=CaseAction.IMPLEMENT)
    assert client.post(url(case, ""), {"kind": "amendment", "reason": "One more of line 001"}).status_code == 201
    line = case_services.line_item_update(actor=officer, line=lines_of(case)[0], quantity=3)
    line = case_services.line_item_submit(actor=officer, line=line)
    case_services.line_item_approve(actor=reviewer, line=line)
    assert client.post(url(case, "A01/offer/"), {"transportation": "100.00"}).status_code == 200
    amendment = assert_same_body(officer, case, "A01")
    assert (amendment["supersedes"], amendment["reason"]) == ("BASIC", "One more of line 001")
    assert amendment["cost_summary"]["net_estimated_cost"] == "5000.00"


def test_a_reinstated_offer(officer, reviewer, auditor):
    case = walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer)
    today = services.washington_today()
    Case.objects.filter(pk=case.pk).update(milap_on=today - dt.timedelta(days=100))  # OED: 15 days ago
    with mock.patch("django.utils.timezone.now", return_value=dt.datetime.now(dt.UTC) - dt.timedelta(days=90)):
        assert bearer("officer").post(url(case, "BASIC/offer/"), {"transportation": "100.00"}).status_code == 200
    read = bearer("auditor").get(url(case, "BASIC/")).json()  # the lapse recorded on read, and read again
    assert read == assert_same_body(auditor, case, "BASIC")
    assert read["status"] == "expired"
    new_oed = today + dt.timedelta(days=20)
    data = {"offer_expires_on": new_oed.isoformat(), "reason": "The funds came late"}
    assert bearer("reviewer").post(url(case, "BASIC/reinstate/"), data, format="json").status_code == 200
    reinstated = assert_same_body(auditor, case, "BASIC")
    assert (reinstated["status"], reinstated["reinstated_until"]) == ("offered", new_oed.isoformat())
    assert bearer("auditor").get(url(case, "BASIC/")).json() == reinstated


def test_a_draft_is_not_read_by_the_statement(officer, reviewer):
    case = walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer)
    client = bearer("officer")
    basic = client.post(url(case, "BASIC/offer/"), {"transportation": "100.00"}).json()
    copy = {"content_hash": basic["content_hash"], "signatory_name": "N", "signatory_title": "T",
            "signed_copy_sha256": "a" * 64}  # fmt: skip
    assert client.post(url(case, "BASIC/accept/"), copy).status_code == 200
    assert client.post(url(case, ""), {"kind": "amendment", "reason": "More"}).status_code == 201
    assert documents.frozen(selectors.document_picker(officer, case.case_id, "A01")) is None
    draft = client.get(url(case, "A01/")).json()  # priced in Python, as before
    assert (draft["status"], draft["content_hash"], draft["lines"]) == ("draft", "", [])


def _prepared_document_reads() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%'loa_notes'%"])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("prepared", [True, False])
def test_the_statement_is_prepared_unless_turned_off(officer, reviewer, settings, prepared):
    """Planned once per connection (DATABASE_PREPARED_STATEMENTS; off behind PgBouncer), the same answer either way."""
    settings.DATABASE_PREPARED_STATEMENTS = prepared
    case = walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer)
    client = bearer("officer")
    offered = client.post(url(case, "BASIC/offer/"), {"transportation": "100.00"}).json()
    for _ in range(3):
        assert client.get(url(case, "BASIC/")).json() == offered
    assert (_prepared_document_reads() >= 1) is prepared

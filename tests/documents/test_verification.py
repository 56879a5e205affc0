"""verify_ledger holds every frozen document to the hash its offer recorded (DESIGN §9): a document
changed behind the triggers' back is named, with the offer it no longer matches."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fms.cases.choices import CaseStatus
from fms.documents import services
from fms.documents.verification import frozen_document_breaks
from fms.ledger.models import ApprovalEvent
from fms.ledger.verification import verify_ledger
from tests.database import as_superuser_without_triggers
from tests.factories import walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def offered(officer, reviewer):
    case = walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer)
    document = services.document_offer(actor=officer, case=case, label="BASIC", transportation=Decimal("0.00"))
    offer = ApprovalEvent.objects.get(case=case, action="offer")
    return case, document, offer


def reasons() -> list[str]:
    return [str(broken) for broken in verify_ledger().breaks]


def test_an_untouched_offered_document_verifies(offered):
    assert reasons() == []


def test_a_frozen_line_changed_behind_the_triggers_is_named_with_its_offer(offered):
    case, document, offer = offered
    as_superuser_without_triggers(
        "UPDATE documents_loadocumentline SET quantity = 5 WHERE document_id = %s AND line_number = '001'",
        [document.pk],
    )
    (reason,) = reasons()
    assert reason.startswith(
        f"{case.case_id} at position {offer.seq}: document BASIC changed after it was offered at position "
        f"{offer.seq}: its content hash is now "
    )
    assert reason.endswith(f"the ledger recorded {document.content_hash[:16]}…")
    with pytest.raises(CommandError, match="1 broken chain"):
        call_command("verify_ledger", stdout=StringIO(), stderr=StringIO())


def test_a_payment_schedule_row_changed_is_named(offered):
    case, document, offer = offered
    as_superuser_without_triggers(
        "UPDATE documents_paymentschedulerow SET due_on = due_on + 1 WHERE document_id = %s", [document.pk]
    )
    (reason,) = reasons()
    assert reason.startswith(f"{case.case_id} at position {offer.seq}: document BASIC changed after it was offered")


def test_a_document_re_frozen_with_a_new_hash_is_in_no_offer(offered):
    case, document, _ = offered
    as_superuser_without_triggers(
        "UPDATE documents_loadocument SET content_hash = repeat('ab', 32) WHERE id = %s", [document.pk]
    )
    assert reasons() == [
        f"{case.case_id} at position 0: document BASIC's content hash abababababababab… was recorded by no offer "
        "in the case's chain"
    ]


def test_an_offer_event_relabelled_to_another_document_is_named(offered):
    case, _, offer = offered
    assert (offer.document, offer.hash_version) == ("BASIC", 3)
    as_superuser_without_triggers("UPDATE cases_approvalevent SET document = 'A01' WHERE id = %s", [offer.pk])
    assert reasons() == [
        f"{case.case_id} at position {offer.seq}: the event's content does not match its hash (altered)"
    ]


def test_the_check_reads_every_frozen_document_in_one_statement(officer, reviewer, offered):
    second = walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer)
    services.document_offer(actor=officer, case=second, label="BASIC", transportation=Decimal("0.00"))
    with CaptureQueriesContext(connection) as queries:
        breaks = list(frozen_document_breaks(None))
    assert breaks == []
    assert len(queries) == 2, [q["sql"][:90] for q in queries.captured_queries]  # the offers, the documents


def test_an_oed_moved_without_a_reinstatement_is_named(reviewer, offered):
    case, document, offer = offered
    longer = document.offer_expires_on + dt.timedelta(days=10)
    services.document_reinstate(actor=reviewer, case=case, label="BASIC", offer_expires_on=longer, reason="Holidays")
    assert reasons() == []
    as_superuser_without_triggers(
        "UPDATE documents_loadocument SET reinstated_until = reinstated_until + 30 WHERE id = %s", [document.pk]
    )
    assert reasons() == [
        f"{case.case_id} at position {offer.seq}: document BASIC's offer is open until "
        f"{(longer + dt.timedelta(days=30)).isoformat()}, which no reinstatement in the case's chain recorded"
    ]

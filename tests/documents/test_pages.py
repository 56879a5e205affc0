"""The printed LOA (DD Form 1513 layout): header, coded lines, cost summary, schedule, notes, hash."""

from decimal import Decimal

import pytest

from fms.accounts.roles import CLIENT
from fms.cases.choices import CaseStatus
from fms.documents import services
from tests.factories import UserFactory, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def offered(officer, reviewer):
    case = walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer)
    document = services.document_offer(actor=officer, case=case, label="BASIC", transportation=Decimal("100.00"))
    return case, document


def test_the_print_page_shows_the_frozen_document_and_its_hash(client, officer, offered):
    case, document = offered
    client.force_login(officer)
    page = client.get(f"/cases/{case.case_id}/documents/BASIC/print/")
    assert page.status_code == 200
    text = page.content.decode()
    for expected in (
        f"{case.case_id} · BASIC",
        "<th>SC</th><th>TA</th><th>ORC</th><th>DTC</th><th>MOS</th>",
        "$4,228.00",  # total estimated cost
        "$128.00",  # 3.2% surcharge
        "With acceptance (initial deposit)",
        "1. Estimated prices.",
        f"content hash (SHA-256): {document.content_hash}",
        "For the purchaser",
    ):
        assert expected in text, expected


def test_another_purchaser_and_anonymous_cannot_print_it(client, offered):
    case, _ = offered
    assert client.get(f"/cases/{case.case_id}/documents/BASIC/print/").status_code == 302  # to the login page
    client.force_login(UserFactory(username="client_ks", roles=[CLIENT], purchaser_id="KS", is_staff=False))
    assert client.get(f"/cases/{case.case_id}/documents/BASIC/print/").status_code == 404
    assert client.get(f"/cases/{case.case_id}/documents/NOPE/print/").status_code == 404


def test_the_case_page_lists_the_documents_with_status_oed_and_hash(client, officer, offered):
    case, document = offered
    client.force_login(officer)
    text = client.get(f"/cases/{case.case_id}/").content.decode()
    assert '<section class="card" id="documents">' in text
    days = (document.offer_expires_on - services.washington_today()).days  # 85 from the MILAP date, less elapsed
    assert f"{days} days left (Washington time)" in text
    assert document.content_hash[:17] in text
    assert f"/cases/{case.case_id}/documents/BASIC/print/" in text

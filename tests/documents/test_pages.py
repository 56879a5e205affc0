"""The printed LOA (DD Form 1513 layout): header, coded lines, cost summary, schedule, notes, hash."""

import datetime as dt
from decimal import Decimal

import pytest

from fms.accounts.roles import CLIENT, CLIENT_OFFICER
from fms.cases import services as case_services
from fms.cases.choices import CaseStatus
from fms.documents import services
from tests.execution.steps import deposit
from tests.factories import UserFactory, lines_of, walk_to

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


def _signatory():
    return UserFactory(username="signatory_ja", roles=[CLIENT, CLIENT_OFFICER], purchaser_id="JA", is_staff=False)


def test_the_purchasers_officer_sees_the_hash_and_accepts_on_the_page(client, offered):
    case, document = offered
    client.force_login(_signatory())
    page = client.get(f"/cases/{case.case_id}/documents/BASIC/").content.decode()
    assert f'<dd class="mono hash" id="content-hash">{document.content_hash}</dd>' in page
    assert "Accept this offer" in page
    form = {"content_hash": document.content_hash, "signatory_name": "Taro Yamada", "signatory_title": "Director"}
    done = client.post(f"/cases/{case.case_id}/documents/BASIC/", form, follow=True).content.decode()
    assert f"{case.case_id} BASIC accepted for content {document.content_hash}" in done
    document.refresh_from_db()
    assert (document.status, document.acceptance_method) == ("accepted", "online")


def test_a_tampered_hash_on_the_page_is_refused_with_a_message(client, offered):
    case, document = offered
    client.force_login(_signatory())
    form = {"content_hash": "1" * 64, "signatory_name": "Taro Yamada", "signatory_title": "Director"}
    done = client.post(f"/cases/{case.case_id}/documents/BASIC/", form, follow=True).content.decode()
    assert "nothing was accepted" in done
    document.refresh_from_db()
    assert document.status == "offered"


def test_staff_see_no_acceptance_form_and_compare_versions(client, officer, reviewer, offered):
    case, document = offered
    services.document_accept(actor=officer, document=document, content_hash=document.content_hash,
                             signatory_name="N", signatory_title="T", signed_copy_sha256="a" * 64)  # fmt: skip
    deposit(case)  # implementation needs the initial deposit (fms.execution)
    case_services.case_transition(actor=officer, case=case, action="implement")
    services.document_open(actor=officer, case=case, kind="amendment", reason="More")
    line = case_services.line_item_update(actor=officer, line=lines_of(case)[0], quantity=3)
    case_services.line_item_submit(actor=officer, line=line)
    case_services.line_item_approve(actor=reviewer, line=line)
    services.document_offer(actor=officer, case=case, label="A01", transportation=Decimal("100.00"))
    client.force_login(officer)
    page = client.get(f"/cases/{case.case_id}/documents/A01/").content.decode()
    assert "Accept this offer" not in page
    assert "?against=BASIC" in page
    changes = client.get(f"/cases/{case.case_id}/documents/A01/diff/?against=BASIC").content.decode()
    assert '<td>quantity</td><td class="mono">2</td><td class="mono">3</td>' in changes
    assert '<td class="num">1000.00</td>' in changes  # the net estimated cost's change


def test_an_open_amendment_offers_the_line_links_on_the_case_page(client, officer, offered):
    case, document = offered
    services.document_accept(actor=officer, document=document, content_hash=document.content_hash,
                             signatory_name="N", signatory_title="T", signed_copy_sha256="a" * 64)  # fmt: skip
    client.force_login(officer)
    accepted = client.get(f"/cases/{case.case_id}/").content.decode()
    assert ">Add line</a>" not in accepted  # the accepted document is frozen: no working changes
    services.document_open(actor=officer, case=case, kind="amendment", reason="More")
    amending = client.get(f"/cases/{case.case_id}/").content.decode()
    assert ">Add line</a>" in amending
    line_page = client.get(f"/cases/{case.case_id}/lines/{lines_of(case)[0].line_number}/").content.decode()
    assert f"/cases/{case.case_id}/lines/{lines_of(case)[0].line_number}/edit/" in line_page


# ---- Offer and countersigned acceptance on the pages (the case page's steps lead here) ----------


def test_the_case_page_offers_through_the_basic_document_page(client, officer, reviewer):
    case = walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer)
    client.force_login(officer)
    page = client.get(f"/cases/{case.case_id}/").content.decode()
    assert f'href="/cases/{case.case_id}/documents/BASIC/offer/"' in page
    assert 'name="action" value="offer"' not in page  # no bare case step
    form = client.get(f"/cases/{case.case_id}/documents/BASIC/offer/").content.decode()
    assert "Offer BASIC of" in form
    assert 'name="transportation"' in form
    # The test lines carry no delivery term code: the transportation estimate is required, by name.
    refused = client.post(f"/cases/{case.case_id}/documents/BASIC/offer/", {})
    assert refused.status_code == 400
    assert "Enter the transportation estimate" in refused.content.decode()
    case.refresh_from_db()
    assert (case.status, case.documents.count()) == (CaseStatus.PROPOSED, 0)
    done = client.post(f"/cases/{case.case_id}/documents/BASIC/offer/", {"transportation": "100.00"}, follow=True)
    assert "BASIC offered for 4,228.00 USD" in done.content.decode()
    case.refresh_from_db()
    assert (case.status, case.documents.get().status) == (CaseStatus.OFFERED, "offered")


def test_staff_replace_a_drafts_payment_schedule_on_its_page(client, officer, reviewer):
    case = walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer)
    client.force_login(officer)
    page = f"/cases/{case.case_id}/documents/BASIC/payment-schedule/"
    assert f'href="{page}"' in client.get(f"/cases/{case.case_id}/documents/BASIC/offer/").content.decode()
    # Net 4000.00 + transportation 100.00 + surcharge 128.00 = 4228.00; these rows make 4227.00.
    refused = client.post(page, {"transportation": "100.00", "rows": "1000.00\n2030-03-15 3227.00"})
    assert refused.status_code == 400
    assert "(difference 1.00)" in refused.content.decode()
    assert case.documents.count() == 0
    garbled = client.post(page, {"transportation": "100.00", "rows": "1000.00\n15 March 2030"})
    assert (garbled.status_code, "Row 2: write" in garbled.content.decode()) == (400, True)
    done = client.post(page, {"transportation": "100.00", "rows": "1000.00\n2030-03-15 3228.00"}, follow=True)
    text = done.content.decode()
    assert "The payment schedule of" in text
    assert "BASIC was replaced" in text
    assert 'id="edit-schedule"' in text
    assert "1000.00\n2030-03-15 3228.00" in text
    assert case.documents.get().entered_payment_schedule == [
        {"due_on": None, "amount": "1000.00"},
        {"due_on": "2030-03-15", "amount": "3228.00"},
    ]


def test_only_staff_who_offer_see_the_offer_page(client, reviewer, offered):
    case, _ = offered
    client.force_login(reviewer)
    assert client.get(f"/cases/{case.case_id}/documents/BASIC/offer/").status_code == 404
    client.force_login(_signatory())
    assert client.post(f"/cases/{case.case_id}/documents/BASIC/offer/", {"transportation": "1.00"}).status_code == 404


def test_staff_record_a_countersigned_acceptance_on_the_document_page(client, officer, offered):
    case, document = offered
    client.force_login(officer)
    case_page = client.get(f"/cases/{case.case_id}/").content.decode()
    assert f'href="/cases/{case.case_id}/documents/BASIC/#record-acceptance"' in case_page
    page = client.get(f"/cases/{case.case_id}/documents/BASIC/").content.decode()
    assert "Record a countersigned acceptance" in page
    form = {
        "content_hash": document.content_hash,
        "signatory_name": "Taro Yamada",
        "signatory_title": "Director",
        "accepted_on": document.offered_on.isoformat(),
        "signed_copy_sha256": "not a hash",
    }
    refused = client.post(f"/cases/{case.case_id}/documents/BASIC/", form)
    assert refused.status_code == 400
    assert "64 lowercase hexadecimal characters." in refused.content.decode()
    document.refresh_from_db()
    assert document.status == "offered"
    done = client.post(
        f"/cases/{case.case_id}/documents/BASIC/", {**form, "signed_copy_sha256": "ab" * 32}, follow=True
    )
    assert f"{case.case_id} BASIC accepted for content {document.content_hash}" in done.content.decode()
    document.refresh_from_db()
    case.refresh_from_db()
    assert (document.status, document.acceptance_method, case.status) == ("accepted", "countersigned_copy", "accepted")


def test_a_reviewer_reinstates_an_offer_on_the_document_page(client, officer, reviewer, offered):
    case, document = offered
    page = f"/cases/{case.case_id}/documents/BASIC/"
    client.force_login(officer)
    assert 'id="reinstate"' not in client.get(page).content.decode()
    client.force_login(reviewer)
    assert 'id="reinstate"' in client.get(page).content.decode()
    longer = document.offer_expires_on + dt.timedelta(days=20)
    refused = client.post(f"{page}reinstate/", {"offer_expires_on": longer.isoformat(), "reason": ""}, follow=True)
    assert "reason: This field is required." in refused.content.decode()
    done = client.post(f"{page}reinstate/", {"offer_expires_on": longer.isoformat(), "reason": "Holidays"}, follow=True)
    assert f"{case.case_id} BASIC is offered again until {longer:%d %b %Y}." in done.content.decode()
    document.refresh_from_db()
    assert (document.reinstated_until, document.offer_expires_on) == (longer, longer - dt.timedelta(days=20))


def test_the_print_page_shows_the_reinstated_oed_in_force_and_the_one_offered(client, reviewer, offered):
    case, document = offered
    offered_until = document.offer_expires_on
    longer = offered_until + dt.timedelta(days=20)
    services.document_reinstate(actor=reviewer, case=case, label="BASIC", offer_expires_on=longer, reason="Holidays")
    client.force_login(reviewer)
    text = client.get(f"/cases/{case.case_id}/documents/BASIC/print/").content.decode()
    in_force = text.index("Offer expires (OED, Washington time)")
    assert text.index(f"{longer:%-d %B %Y}", in_force) < text.index(
        f"offered until {offered_until:%-d %B %Y}", in_force
    )

"""The execution panels of the case page and the statement page, through the browser's forms."""

import pytest
from django.test import Client

from fms.accounts.models import User
from fms.accounts.roles import CLIENT, CLIENT_OFFICER
from fms.cases.choices import CaseStatus
from fms.execution.models import Delivery, SupplyDiscrepancyReport
from tests.factories import UserFactory, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(officer, reviewer, client_ja, client_ks):
    UserFactory(username="signatory_ja", roles=[CLIENT, CLIENT_OFFICER], purchaser_id="JA", is_staff=False)
    return walk_to(CaseStatus.IMPLEMENTED, officer=officer, reviewer=reviewer)


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def page(client, case) -> str:
    response = client.get(f"/cases/{case.case_id}/")
    assert response.status_code == 200
    return response.content.decode()


DELIVERY = {"line_number": "001", "quantity": "2", "shipped_on": "2026-08-03",
            "transportation_control_number": "FN12340000001XXXX", "document_number": "FN12346001A001"}  # fmt: skip


def test_delivery_sdr_and_resolution_through_the_pages_across_roles(case):
    officer, signatory, client = signed_in("officer"), signed_in("signatory_ja"), signed_in("client_ja")
    assert "Record a delivery" in page(officer, case)
    officer.post(f"/cases/{case.case_id}/deliveries/record/", DELIVERY)
    assert Delivery.objects.get(case=case).quantity == 2
    text = page(signatory, case)
    assert "File a supply discrepancy report" in text
    assert "Record a delivery" not in text
    signatory.post(f"/cases/{case.case_id}/sdrs/file/", {"delivery": "1", "kind": "damage", "quantity": "1",
                                                          "value": "500.00", "description": "Dented"})  # fmt: skip
    sdr = SupplyDiscrepancyReport.objects.get(case=case)
    officer.post(f"/cases/{case.case_id}/sdrs/1/review/", {"version": sdr.version})
    sdr.refresh_from_db()
    officer.post(f"/cases/{case.case_id}/sdrs/1/resolve/", {"version": sdr.version, "resolution": "replacement",
                                                             "note": "Replacement shipped"})  # fmt: skip
    assert "Replacement: Replacement shipped" in page(client, case)


def test_an_over_delivery_on_the_page_says_why_and_writes_nothing(case):
    officer = signed_in("officer")
    response = officer.post(f"/cases/{case.case_id}/deliveries/record/", {**DELIVERY, "quantity": "5"}, follow=True)
    assert "Nothing was recorded: quantity: Line 001 has 2" in response.content.decode()
    assert not Delivery.objects.exists()


def test_the_statement_page_and_its_print_for_the_purchaser(case):
    client = signed_in("client_ja")
    shown = client.get(f"/cases/{case.case_id}/statement/?quarter=2026Q3").content.decode()
    assert "Quarterly statement" in shown
    assert "2026Q3" in shown
    printed = client.get(f"/cases/{case.case_id}/statement/print/?quarter=2026Q3").content.decode()
    assert "DD Form 645" in printed
    assert signed_in("client_ks").get(f"/cases/{case.case_id}/statement/").status_code == 404


def test_the_officers_inbox_lists_open_sdrs(case):
    officer, signatory = signed_in("officer"), signed_in("signatory_ja")
    officer.post(f"/cases/{case.case_id}/deliveries/record/", DELIVERY)
    signatory.post(f"/cases/{case.case_id}/sdrs/file/", {"delivery": "1", "kind": "quality", "quantity": "1",
                                                          "value": "0.00", "description": "Corroded"})  # fmt: skip
    inbox = officer.get("/inbox/").content.decode()
    assert "Supply discrepancy reports to review and resolve" in inbox
    assert f"{case.case_id}</a> SDR 1 (Quality deficiency, submitted)" in inbox

"""A purchaser's inbox lists the documents offered to it and awaiting acceptance; once accepted they leave it."""

import pytest
from django.urls import reverse

from fms.accounts.roles import CLIENT, CLIENT_OFFICER
from fms.cases.choices import CaseStatus
from tests.documents.test_services import accept, offer_basic
from tests.factories import UserFactory, walk_to

pytestmark = pytest.mark.django_db


def test_a_purchasers_inbox_shows_the_offered_document_until_it_is_accepted(client, officer, reviewer):
    signatory = UserFactory(username="signatory_ja", roles=[CLIENT, CLIENT_OFFICER], purchaser_id="JA", is_staff=False)
    korea = UserFactory(username="client_ks", roles=[CLIENT], purchaser_id="KS", is_staff=False)
    case = walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer)
    basic = offer_basic(officer, case)
    client.force_login(signatory)
    inbox = client.get(reverse("inbox")).content.decode()
    assert "Documents offered to you, awaiting acceptance" in inbox
    assert f"/api/v1/cases/{case.case_id}/documents/BASIC/accept/" in inbox
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert '<span class="tile-value">1</span><span class="tile-label">awaiting you (inbox)' in dashboard
    client.force_login(korea)  # another purchaser never sees it
    assert case.case_id not in client.get(reverse("inbox")).content.decode()
    client.force_login(officer)  # staff: not a section of theirs
    assert "Documents offered to you" not in client.get(reverse("inbox")).content.decode()
    accept(signatory, basic)
    client.force_login(signatory)
    assert "No document is waiting for your acceptance." in client.get(reverse("inbox")).content.decode()

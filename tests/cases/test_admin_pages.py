"""The admin's pages render, over the whole demo (its changes: test_admin.py, over the cases-only demo)."""

import pytest
from django.contrib import admin
from django.urls import resolve

from fms.accounts.models import User
from fms.cases.models import Case
from tests.cases.test_admin import admin_url, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_for_the_module):
    """Every test here reads the demo: loaded once for the module (tests/conftest.py)."""


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_admin_page_renders_for_a_superuser(client, rf, demo, model):
    login(client, "admin")
    request = rf.get(admin_url(model, "changelist"))
    request.user, request.resolver_match = User.objects.get(username="admin"), resolve(admin_url(model, "changelist"))
    model_admin = admin.site._registry[model]

    assert client.get(admin_url(model, "changelist")).status_code == 200
    can_add = model_admin.has_add_permission(request)
    assert client.get(admin_url(model, "add")).status_code == (200 if can_add else 403)
    obj = model_admin.get_queryset(request).first()
    if obj is not None:
        assert client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_case_page_shows_lines_totals_events_history_and_ledger(client, demo):
    login(client, "auditor")
    japan = Case.objects.get(case_id="JA-P-SAA")
    page = client.get(admin_url(Case, "change", japan.pk)).content.decode()
    # A01's working lines: 4 missiles at 24M (MDE), canisters and support; 133.3M with accessorials.
    assert "$126,300,000.00" in page
    assert "$96,000,000.00" in page  # MDE value
    assert "MK 29 missile canister" in page
    assert "hash chain verified" in page
    assert "ledger (append-only)" in page.lower()
    assert "Field history" in page

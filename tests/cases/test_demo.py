"""load_demo: the Japan case to the cent, the other demo cases, idempotent, refused in production.

The Japan case's LOA story (BASIC, A01) is checked in detail in tests/documents/test_story.py."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from fms.accounts.models import User
from fms.cases.models import Case, LineItem
from fms.ledger.models import ApprovalEvent
from fms.ledger.verification import verify_ledger

pytestmark = pytest.mark.django_db


def load(**options) -> str:
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def test_the_japan_case_is_offered_and_amended_to_exactly_133_3_million_and_needs_notification():
    load()
    japan = Case.objects.get(case_id="JA-P-SAA")
    assert (japan.purchaser_id, japan.implementing_agency_id, japan.status) == ("JA", "P", "implemented")
    # The working lines are A01's: the notified value is A01's total with surcharge and accessorials.
    a01 = japan.documents.get(label="A01")
    assert (a01.status, a01.total_estimated_cost) == ("accepted", Decimal("133300000.00"))
    assert japan.mde_value > 0
    assert japan.notification_required
    lines = {line.category: line for line in japan.lines.all()}
    assert (lines["missile"].quantity, lines["missile"].is_mde) == (4, True)
    assert japan.documents.get(label="BASIC").lines.get(category="missile").quantity == 3  # the article's figure
    assert lines["launcher_canister"].quantity == 4
    assert "contractor_support" in lines
    assert "four (4)" in japan.notes
    assert "illustrative" in japan.notes
    notification = japan.notification
    assert (notification.notified_on.isoformat(), notification.total_value) == ("2018-01-09", Decimal("133300000.00"))
    assert notification.transmittal_number is None


def test_other_demo_cases_cover_other_purchasers_and_statuses():
    load()
    others = Case.objects.exclude(case_id="JA-P-SAA")
    assert others.count() >= 3
    assert others.filter(purchaser_id="KS").exists()
    assert len(set(others.values_list("status", flat=True)) - {"development"}) >= 3
    # Every case past proposed got there through its BASIC document, never by a bare case step.
    for case in Case.objects.filter(status__in=["offered", "accepted", "implemented"]):
        basic = case.documents.get(label="BASIC")
        expected = "offered" if case.status == "offered" else "accepted"
        assert basic.status == expected, case.case_id
    assert verify_ledger().ok


def test_demo_users_and_roles():
    output = load()
    for username in ["officer", "officer2", "reviewer", "reviewer2", "client_ja", "client_ks", "auditor", "admin"]:
        user = User.objects.get(username=username)
        assert user.check_password(f"{username}-demo-pass")
        assert f"{username}-demo-pass" in output
    assert User.objects.get(username="client_ja").purchaser_id == "JA"
    assert User.objects.get(username="reviewer").has_perm("cases.approve_lineitem")
    assert not User.objects.get(username="officer").has_perm("cases.approve_lineitem")
    assert User.objects.get(username="admin").is_superuser


def test_a_second_run_changes_nothing_and_says_so():
    load()
    counts = (Case.objects.count(), LineItem.objects.count(), ApprovalEvent.objects.count(), User.objects.count())
    output = load()
    assert "already loaded; nothing changed" in output
    assert (
        Case.objects.count(),
        LineItem.objects.count(),
        ApprovalEvent.objects.count(),
        User.objects.count(),
    ) == counts


def test_refused_when_debug_is_off_unless_forced():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", stdout=StringIO())
    assert not Case.objects.exists()
    call_command("load_demo", "--force", stdout=StringIO())
    assert Case.objects.filter(case_id="JA-P-SAA").exists()

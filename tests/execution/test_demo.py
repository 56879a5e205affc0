"""The demo tells JA-P-SAA's life to its first delivery and one SDR, and closes JA-B-SAB at zero balance."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from fms.cases.models import Case
from fms.execution import facts
from fms.execution.models import FinancialTransaction, SupplyDiscrepancyReport
from fms.ledger.models import ApprovalEvent

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=out)
    return out.getvalue()


def test_the_demo_has_the_deposit_deliveries_sdr_money_and_a_closed_case(db):
    assert "JA-P-SAA deliveries and SDR 1" in load_demo()
    japan = Case.objects.get(case_id="JA-P-SAA")
    assert japan.status == "implemented"
    assert facts.deposited(japan) == facts.first_payment_row(japan)
    assert list(japan.deliveries.order_by("number").values_list("line_number", "quantity")) == [("001", 2), ("002", 4)]
    sdr = SupplyDiscrepancyReport.objects.get(case=japan)
    assert (sdr.kind, sdr.status, sdr.resolution, sdr.filed_by.username) == (
        "damage",
        "resolved",
        "replacement",
        "signatory_ja",
    )
    closed = Case.objects.get(case_id="JA-B-SAB")
    position = facts.money(closed)
    assert closed.status == "closed"
    assert (position.billed, position.ulo) == (position.collected, 0)
    assert FinancialTransaction.objects.filter(source_ref__startswith="DFAS-").count() == 15
    counts = (FinancialTransaction.objects.count(), ApprovalEvent.objects.count())
    assert "already loaded; nothing changed" in load_demo()
    assert (FinancialTransaction.objects.count(), ApprovalEvent.objects.count()) == counts

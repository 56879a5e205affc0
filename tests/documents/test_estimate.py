"""A case's estimated_total before any document is frozen: its working lines priced today, built in SQL
inside the case's own statement, equal to fms.documents.pricing.cost_summary to the cent."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fms.cases import services as case_services
from fms.documents import pricing, services
from fms.documents.models import LoaDocument
from tests.conftest import bearer
from tests.factories import line_data, make_case

pytestmark = pytest.mark.django_db
S4 = {"source_code": "S", "delivery_term_code": "4"}  # from stock, no U.S. transportation


@pytest.mark.parametrize(
    ("lines", "draft", "expected"),
    [
        # 4000.00 + 3.2% surcharge 128.00
        ([{"quantity": 4, "unit_cost": Decimal("1000.00"), **S4}], None, "4128.00"),
        # P: surcharge 1.616 → 1.62; CAS 1% of 50.50 = 0.505 → 0.51 (half-up, not half-even)
        ([{"quantity": 1, "unit_cost": Decimal("50.50"), "source_code": "P", "delivery_term_code": "4"}], None,
         "52.63"),
        # X: surcharge 3.232 → 3.23; CAS on half of 101.00: 0.505 → 0.51
        ([{"quantity": 1, "unit_cost": Decimal("101.00"), "source_code": "X", "delivery_term_code": "4"}], None,
         "104.74"),
        # The United States transports line 002 and no estimate is entered: not priced yet
        ([{"quantity": 1, "unit_cost": Decimal("1000.00"), **S4}, {"quantity": 1, "unit_cost": Decimal("10.00")}],
         None, None),
        # ... with the draft's amounts: 1010.00 + 10.00 + 100.00 + 32.32 + 5.00
        ([{"quantity": 1, "unit_cost": Decimal("1000.00"), **S4}, {"quantity": 1, "unit_cost": Decimal("10.00")}],
         {"packing_crating_handling": "10.00", "transportation": "100.00", "other": "5.00"}, "1157.32"),
        ([], None, "0.00"),
    ],
)  # fmt: skip
def test_before_a_document_is_frozen_staff_read_the_working_copy_priced_today(officer, auditor, lines, draft, expected):
    case = make_case(officer)
    for line in lines:
        case_services.line_item_add(actor=officer, case=case, **line_data(**line))
    if draft is not None:
        LoaDocument.objects.create(
            case=case, label="BASIC", kind="basic", created_by=officer, **{k: Decimal(v) for k, v in draft.items()}
        )
    read = bearer("auditor").get(f"/api/v1/cases/{case.case_id}/").json()
    assert read["estimated_total"] == expected
    priced = [
        pricing.PricedLine("", line["quantity"] * line["unit_cost"], line.get("source_code", ""),
                           line.get("delivery_term_code", ""))
        for line in lines
    ]  # fmt: skip
    amounts = {k: Decimal(v) for k, v in (draft or {}).items()}
    try:
        reference = str(
            pricing.cost_summary(priced, priced_on=services.washington_today(), **amounts).total_estimated_cost
        )
    except pricing.PricingError:
        reference = None
    assert read["estimated_total"] == reference


def test_the_working_copy_total_costs_no_query_per_case(officer, auditor):
    for _ in range(3):
        case = make_case(officer, lines=2)
    client = bearer("auditor")
    client.get("/api/v1/cases/")  # the token's first use is recorded once
    counts = []
    for url in ("/api/v1/cases/?page_size=1", "/api/v1/cases/?page_size=50", f"/api/v1/cases/{case.case_id}/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    # the token (with its user's permissions, client role and rate count), the case statement with the
    # working copy's total in it: the same two at every page size
    assert counts == [2, 2, 2], counts

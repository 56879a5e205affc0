"""The demo's execution part (DESIGN §1, issue 15 part 8), told through the services.

JA-P-SAA: the initial deposit before implementation; after A01, a first delivery of 2 missiles and
the 4 canisters; one canister reported damaged by Japan's signatory and resolved by replacement;
financial transactions from the CSV shipped with the demo. JA-B-SAB (fictional): everything
delivered and performed, its money settled (billed = collected, no ULO) and the case closed.
TCNs, document numbers, dates and amounts after the deposits are illustrative (fixed dates, December 2026,
like the CSV). Idempotent.
"""

import datetime as dt
from pathlib import Path

from fms.accounts.models import User
from fms.cases import services as case_services
from fms.cases.choices import CaseAction, CaseStatus
from fms.cases.models import Case
from fms.documents.models import LoaDocument
from fms.execution import facts, importing, services
from fms.execution.choices import SdrKind, SdrResolution

FINANCIALS_CSV = Path(__file__).parent / "demo_data" / "financials.csv"
JAPAN, CLOSED_CASE = "JA-P-SAA", "JA-B-SAB"


def deposit_ref(case: Case) -> str:
    return f"DEMO-DEP-{case.case_id}"


def before_implementation(*, case: Case) -> None:
    """Finance records the BASIC's initial deposit (its first payment row), received on acceptance."""
    basic = LoaDocument.objects.get(case=case, label="BASIC")
    if facts.deposited(case) >= facts.first_payment_row(case):
        return
    services.deposit_record(actor=User.objects.get(username="finance"), case=case,
                            amount=facts.first_payment_row(case), posted_on=basic.accepted_on,
                            source_ref=deposit_ref(case))  # fmt: skip


def _deliver(officer: User, case: Case, line_number: str, quantity: int, shipped_on: dt.date, n: int):
    return services.delivery_record(actor=officer, case=case, line_number=line_number, quantity=quantity,
                                    shipped_on=shipped_on, transportation_control_number=f"N0024{n:04d}00170XAX",
                                    document_number=f"JA0024{n:04d}A00{n}")  # fmt: skip


def _japan(officer: User, signatory: User) -> None:
    case = Case.objects.get(case_id=JAPAN)
    _deliver(officer, case, "001", 2, dt.date(2026, 12, 8), 1)  # the first 2 of the 4 missiles
    canisters = _deliver(officer, case, "002", 4, dt.date(2026, 12, 1), 2)
    damage = "One MK 29 canister arrived with a dented shock mount (illustrative)."
    sdr = services.sdr_file(actor=signatory, case=case, delivery_number=canisters.number, kind=SdrKind.DAMAGE,
                            quantity=1, value=_unit_cost(case, "002"), description=damage)  # fmt: skip
    sdr = services.sdr_review(actor=officer, sdr=sdr, comment="Photos received; checking with the contractor.")
    services.sdr_resolve(actor=officer, sdr=sdr, resolution=SdrResolution.REPLACEMENT,
                         note="A replacement canister ships with the next missile delivery.")  # fmt: skip


def _unit_cost(case: Case, line_number: str):
    document = LoaDocument.objects.filter(case=case, status="accepted").order_by("-created_at").first()
    return document.lines.get(line_number=line_number).unit_cost


def _close(officer: User) -> None:
    case = Case.objects.get(case_id=CLOSED_CASE)
    _deliver(officer, case, "001", 10, dt.date(2026, 12, 3), 3)
    services.services_performed(actor=officer, case=case, line_number="002", performed_through_month=6)
    case_services.case_transition(actor=officer, case=case, action=CaseAction.COMPLETE_SUPPLY)


def after_story() -> list[str]:
    """Deliveries, the SDR, the financial transactions and the closure; what was created."""
    officer, finance = User.objects.get(username="officer"), User.objects.get(username="finance")
    created = []
    japan = Case.objects.filter(case_id=JAPAN, status=CaseStatus.IMPLEMENTED).first()
    if japan is not None and not japan.deliveries.exists():
        _japan(officer, User.objects.get(username="signatory_ja"))
        created.append(f"{JAPAN} deliveries and SDR 1")
    closing = Case.objects.filter(case_id=CLOSED_CASE, status=CaseStatus.IMPLEMENTED).first()
    if closing is not None:
        _close(officer)
    if Case.objects.filter(case_id__in=(JAPAN, CLOSED_CASE)).count() != 2:
        return created  # the CSV's cases are not loaded (yet)
    with FINANCIALS_CSV.open("rb") as binary:
        result = importing.financials_import(actor=finance, binary=binary, source_name=FINANCIALS_CSV.name)
    if result.created:
        created.append(f"{result.created} financial transactions")
    closing = Case.objects.filter(case_id=CLOSED_CASE, status=CaseStatus.SUPPLY_COMPLETE).first()
    if closing is not None:
        services.case_close(actor=officer, case=closing, comment="All lines SSC, billed = collected, no ULO.")
        created.append(f"{CLOSED_CASE} closed")
    return created

"""The demo (manage.py load_demo, settings.DEMO_LOADER): the cases app's users and cases, whose offer
and accept steps this app takes through their BASIC documents, then the LOA story of DESIGN §1.

JA-P-SAA: the BASIC document offers the article's 3 missiles and Japan's signatory accepts it
online; the case is implemented; amendment A01 raises the missiles to DSCA's 4 and its total
estimated cost, with surcharge, CAS and transportation, is exactly the notified $133,300,000.00;
Japan accepts A01 online. JA-B-SAB (fictional) gets a BASIC document accepted by a countersigned
copy and a modification M01 that lowers a price, issued.

The line split and the transportation estimates are illustrative (only the notified total is
sourced); LOR dates are not public, so the demo uses a stated stand-in. Idempotent: a case that
already has its BASIC document is left as it is.
"""

import datetime as dt
from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from fms.accounts.models import User
from fms.accounts.roles import CLIENT, CLIENT_OFFICER
from fms.cases import demo as case_demo
from fms.cases import services as case_services
from fms.cases.choices import CaseAction, LineCategory
from fms.cases.demo import FICTIONAL, DemoReport, demo_password
from fms.cases.models import Case
from fms.documents import services
from fms.documents.models import LoaDocument

NOTIFIED_TOTAL = Decimal("133300000.00")
SIGNATORY = ("signatory_ja", "Taro", "Signatory", "Director, Acquisition, Technology & Logistics Agency")
LOR_STAND_IN = dt.date(2017, 11, 1)  # not public; a stated stand-in so the case can enter write

# Line number -> the LOA fields of JA-P-SAA's lines (procurement; Navy-arranged delivery for the
# articles, so transportation is estimated; contractor support performed over 36 months).
JAPAN_LINES = {
    "001": {"unit_cost": Decimal("24000000.00"), "source_code": "P", "type_of_assistance": "5",
            "offer_release_code": "Z", "delivery_term_code": "8", "delivery_from_months": 24,
            "delivery_to_months": 36},
    "002": {"source_code": "P", "type_of_assistance": "5", "offer_release_code": "Z", "delivery_term_code": "8",
            "delivery_from_months": 18, "delivery_to_months": 24},
    "003": {"unit_cost": Decimal("25000000.00"), "source_code": "P", "type_of_assistance": "5",
            "offer_release_code": "A", "delivery_term_code": "4", "months_of_service": 36,
            "delivery_from_months": 0, "delivery_to_months": 35},
}  # fmt: skip
BASIC_TRANSPORTATION = Decimal("1300000.00")
# Filled so that A01's total is the notified value to the cent (4 × 24M + 5.3M + 25M net,
# 3.2% surcharge 4,041,600.00, 1.0% CAS 1,263,000.00).
A01_TRANSPORTATION = Decimal("1695400.00")


def _signatory(report: DemoReport) -> User:
    username, first, last, _ = SIGNATORY
    report.logins.append(username)
    user = User.objects.filter(username=username).first()
    if user is None:
        report.created.append(f"user {username}")
        user = User(username=username, first_name=first, last_name=last, purchaser_id="JA", is_staff=False)
        user.email = f"{username}@fms.example"
        user.set_password(demo_password(username))
        user.save()
        user.groups.add(*Group.objects.filter(name__in=[CLIENT, CLIENT_OFFICER]))
    return user


def _approve_all(case: Case, officer: User, reviewer: User) -> None:
    for line in case.lines.filter(removed_at__isnull=True).order_by("line_number"):
        if line.review_status == "draft" or line.review_status == "returned":
            line = case_services.line_item_submit(actor=officer, line=line)
        if line.review_status == "submitted":
            case_services.line_item_approve(actor=reviewer, line=line, comment="Checked against the LOR.")


def _to_proposed(case: Case, officer: User, reviewer: User) -> Case:
    for action, actor in (
        (CaseAction.START_WRITE, officer),
        (CaseAction.SUBMIT_REVIEW, officer),
        (CaseAction.PROPOSE, reviewer),
    ):
        case = case_services.case_transition(actor=actor, case=case, action=action)
    return case


def _accept_online(signatory: User, document: LoaDocument) -> LoaDocument:
    return services.document_accept(
        actor=signatory,
        document=document,
        content_hash=document.content_hash,
        signatory_name=f"{signatory.first_name} {signatory.last_name}",
        signatory_title=SIGNATORY[3],
    )


def _japan(officer: User, reviewer: User, signatory: User) -> None:
    case = Case.objects.get(case_id="JA-P-SAA")
    case = case_services.case_update(actor=officer, case=case, lor_received_on=LOR_STAND_IN)
    for line in case.lines.filter(removed_at__isnull=True):
        case_services.line_item_update(actor=officer, line=line, **JAPAN_LINES[line.line_number])
    _approve_all(case, officer, reviewer)
    case = _to_proposed(case, officer, reviewer)
    basic = services.document_offer(actor=officer, case=case, label="BASIC", transportation=BASIC_TRANSPORTATION)
    _accept_online(signatory, basic)
    case = _implement(officer, case)
    services.document_open(
        actor=officer,
        case=case,
        kind="amendment",
        reason="Raise the SM-3 Block IIA missiles from 3 to 4, the quantity of DSCA's notification of 9 January 2018.",
    )
    missiles = case.lines.get(line_number="001")
    missiles = case_services.line_item_update(actor=officer, line=missiles, quantity=4)
    _approve_all(case, officer, reviewer)
    a01 = services.document_offer(actor=officer, case=case, label="A01", transportation=A01_TRANSPORTATION)
    if a01.total_estimated_cost != NOTIFIED_TOTAL:
        raise AssertionError(f"A01 totals {a01.total_estimated_cost}, not the notified {NOTIFIED_TOTAL}")
    _accept_online(signatory, a01)


MODIFIED_CASE = "JA-B-SAB"


def _modified(officer: User, reviewer: User) -> None:
    case = case_services.case_create(
        actor=officer,
        case_id=MODIFIED_CASE,
        title="PATRIOT ground support equipment spares",
        notes=FICTIONAL,
        lor_received_on=dt.date(2026, 2, 2),
    )
    common = {"source_code": "S", "type_of_assistance": "3", "offer_release_code": "A", "delivery_term_code": "4"}
    case_services.line_item_add(actor=officer, case=case, category=LineCategory.SPARE_PARTS,
                                description="Generator spare parts", quantity=10, unit_of_issue="EA",
                                unit_cost=Decimal("12500.00"), delivery_from_months=3, delivery_to_months=9,
                                **common)  # fmt: skip
    case_services.line_item_add(actor=officer, case=case, category=LineCategory.TRAINING,
                                description="Maintenance training", quantity=6, unit_of_issue="MO",
                                unit_cost=Decimal("42000.00"), months_of_service=6, delivery_from_months=6,
                                delivery_to_months=11, **common)  # fmt: skip
    _approve_all(case, officer, reviewer)
    case = _to_proposed(case, officer, reviewer)
    basic = services.document_offer(actor=officer, case=case, label="BASIC")
    services.document_accept(
        actor=officer,
        document=basic,
        content_hash=basic.content_hash,
        signatory_name="Hanako Suzuki",
        signatory_title="Deputy Director (fictional)",
        signed_copy_sha256="5e1ec7ed" * 8,  # the scanned countersigned copy's SHA-256 (fictional)
    )
    case = _implement(officer, case)
    services.document_open(actor=officer, case=case, kind="modification", reason="Lower generator spares price.")
    spares = case.lines.get(line_number="001")
    case_services.line_item_update(actor=officer, line=spares, unit_cost=Decimal("11800.00"))
    _approve_all(case, officer, reviewer)
    services.document_issue(actor=officer, case=case, label="M01")


# The fictional cases' lines carry no delivery term code, so their transportation is entered
# (fictional estimates: training is not shipped).
FICTIONAL_TRANSPORTATION = {"AT-B-ZAC": Decimal("0.00"), "SR-B-YAD": Decimal("385000.00")}
# A fictional case's purchaser signs a paper copy; the officer enters it (its SHA-256 is made up).
COUNTERSIGNED = ("Alex Morgan (fictional)", "Director of Procurement (fictional)", "c0c0a5ed" * 8)


def _implement(officer: User, case: Case) -> Case:
    """Implementation needs the initial deposit, which the apps above record (settings.DEMO_EXECUTION)."""
    import_module(settings.DEMO_EXECUTION).before_implementation(case=case)
    return case_services.case_transition(actor=officer, case=case, action=CaseAction.IMPLEMENT)


def take_document_step(case: Case, action: str, users: dict[str, User]) -> Case:
    """The offer or accept step of a fictional demo case, through its BASIC document (DESIGN §4.3)."""
    officer = users["officer"]
    if action == CaseAction.OFFER:
        transportation = FICTIONAL_TRANSPORTATION[case.case_id]
        services.document_offer(actor=officer, case=case, label="BASIC", transportation=transportation)
    else:
        basic = case.documents.get(label="BASIC")
        name, title, sha256 = COUNTERSIGNED
        services.document_accept(
            actor=officer,
            document=basic,
            content_hash=basic.content_hash,
            signatory_name=name,
            signatory_title=title,
            signed_copy_sha256=sha256,
        )
    case.refresh_from_db()
    return case


def load_demo() -> DemoReport:
    """The whole demo, what is missing of it: users and cases, then the LOA story; idempotent."""
    with transaction.atomic():
        report = case_demo.load_demo(document_step=take_document_step)
        officer, reviewer = User.objects.get(username="officer"), User.objects.get(username="reviewer")
        signatory = _signatory(report)
        if LoaDocument.objects.filter(case__case_id="JA-P-SAA").exists():
            report.existing.append("JA-P-SAA BASIC and A01")
        else:
            _japan(officer, reviewer, signatory)
            report.created.append("JA-P-SAA BASIC and A01")
        if Case.objects.filter(case_id=MODIFIED_CASE).exists():
            report.existing.append(f"{MODIFIED_CASE} BASIC and M01")
        else:
            _modified(officer, reviewer)
            report.created.append(f"case {MODIFIED_CASE} BASIC and M01")
        report.created += import_module(settings.DEMO_EXECUTION).after_story()  # deliveries, SDRs, money, closure
    return report

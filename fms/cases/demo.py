"""Demo data: the Japan SM-3 Block IIA case of DESIGN §1, four fictional cases, the demo users.

Everything is written through the services, so the demo ledger is a real one. Loading is
idempotent: what exists already is left as it is.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction

from fms.accounts.models import User
from fms.accounts.roles import AUDITOR, CASE_OFFICER, CLIENT, CLIENT_ADMIN, CN_OFFICER, REVIEWER, ensure_roles
from fms.cases import services, workflow
from fms.cases.choices import CaseAction, LineCategory
from fms.cases.models import Case
from fms.notifications import services as notification_services
from fms.notifications.choices import NotificationKind, NotificationStatus
from fms.notifications.models import CongressionalNotification
from fms.reference.models import ImplementingAgency, Purchaser

# Development-only passwords, printed by load_demo. Never use them on a real server.
DEMO_USERS = [
    # username, first, last, role, purchaser, staff, superuser
    ("admin", "Avery", "Admin", None, None, True, True),
    ("officer", "Olivia", "Officer", CASE_OFFICER, None, True, False),
    ("officer2", "Omar", "Officer", CASE_OFFICER, None, True, False),
    ("reviewer", "Rita", "Reviewer", REVIEWER, None, True, False),
    ("reviewer2", "Raj", "Reviewer", REVIEWER, None, True, False),
    ("auditor", "Ada", "Auditor", AUDITOR, None, True, False),
    ("cn_officer", "Cora", "Notifications", CN_OFFICER, None, True, False),
    ("cn_officer2", "Cyrus", "Notifications", CN_OFFICER, None, True, False),
    ("client_ja", "Japan", "Client", CLIENT, "JA", False, False),
    ("client_ks", "Korea", "Client", CLIENT, "KS", False, False),
    ("admin_ja", "Hana", "Administrator", CLIENT_ADMIN, "JA", False, False),  # Japan's own (DESIGN §2)
]


def demo_password(username: str) -> str:
    return f"{username}-demo-pass"


JAPAN_NOTES = "\n\n".join(
    [
        "Sources disagree on the number of missiles. The news article this record started from reports 3 "
        "SM-3 Block IIA missiles; DSCA's notification text of 9 January 2018 (as quoted by CSIS and others) "
        "says four (4). This record uses the article's quantity (3) until the LOA settles it.",
        "The split of the $133.3 million total between the lines is not public: the line values here are "
        "illustrative; only the total is sourced.",
        "Principal contractors named in the press: Raytheon Missile Systems (missiles), BAE Systems (MK 29 "
        "canisters). The 36(b) transmittal number was not found and is left empty, as are the LOR dates, "
        "which are not public.",
    ]
)

FICTIONAL = "Fictional demo case: names, quantities and values are made up for demonstration."


@dataclass
class DemoLine:
    category: str
    description: str
    quantity: int
    unit_cost: str
    unit_of_issue: str = "EA"
    is_mde: bool = False
    is_sme: bool = False


@dataclass
class DemoCase:
    case_id: str
    title: str
    lines: list[DemoLine]
    steps: list[str] = field(default_factory=list)  # case actions after the lines are approved
    description: str = ""
    notes: str = FICTIONAL
    lor_received_on: dt.date | None = None
    submit_lines: bool = True
    approve_lines: bool = True


JAPAN = DemoCase(
    case_id="JA-P-SAA",
    title="SM-3 Block IIA interceptors and MK 29 missile canisters",
    description=(
        "Standard Missile-3 Block IIA interceptors and MK 29 missile canisters, with U.S. Government and "
        "contractor technical assistance, transportation, engineering and logistics support."
    ),
    notes=JAPAN_NOTES,
    lines=[
        DemoLine(
            LineCategory.MISSILE, "Standard Missile-3 (SM-3) Block IIA interceptor", 3, "30000000.00", "EA", True, True
        ),
        DemoLine(LineCategory.LAUNCHER_CANISTER, "MK 29 missile canister", 4, "1325000.00", "EA", False, True),
        DemoLine(
            LineCategory.CONTRACTOR_SUPPORT,
            "U.S. Government and contractor technical assistance, transportation, engineering and logistics support",
            1,
            "38000000.00",
            "LO",
        ),
    ],
    submit_lines=False,
    approve_lines=False,
)

OTHERS = [
    DemoCase(
        case_id="KS-D-QAB",
        title="F-15K sustainment spare parts",
        lor_received_on=dt.date(2026, 3, 2),
        lines=[
            DemoLine(LineCategory.SPARE_PARTS, "F-15K airframe spare parts", 1, "18500000.00", "LO"),
            DemoLine(LineCategory.TRAINING, "Maintenance training", 12, "95000.00", "MO"),
            DemoLine(LineCategory.TRANSPORTATION, "Transportation", 1, "420000.00", "LO"),
        ],
        steps=[CaseAction.START_WRITE, CaseAction.SUBMIT_REVIEW],
        approve_lines=False,
    ),
    DemoCase(
        case_id="AT-B-ZAC",
        title="AH-64E aircrew training",
        lor_received_on=dt.date(2026, 1, 15),
        lines=[
            DemoLine(LineCategory.TRAINING, "AH-64E aircrew training courses", 24, "310000.00", "EA"),
            DemoLine(LineCategory.GOVERNMENT_SUPPORT, "U.S. Government technical assistance", 1, "2750000.00", "LO"),
        ],
        steps=[CaseAction.START_WRITE, CaseAction.SUBMIT_REVIEW, CaseAction.PROPOSE, CaseAction.OFFER],
    ),
    DemoCase(
        case_id="SR-B-YAD",
        title="PATRIOT ground equipment repair parts",
        lor_received_on=dt.date(2025, 9, 1),
        lines=[
            DemoLine(LineCategory.SPARE_PARTS, "PATRIOT ground equipment repair parts", 1, "21400000.00", "LO"),
            DemoLine(LineCategory.CONTRACTOR_SUPPORT, "Contractor repair and return services", 1, "6100000.00", "LO"),
        ],
        steps=[
            CaseAction.START_WRITE,
            CaseAction.SUBMIT_REVIEW,
            CaseAction.PROPOSE,
            CaseAction.OFFER,
            CaseAction.ACCEPT,
            CaseAction.IMPLEMENT,
        ],
    ),
    DemoCase(
        case_id="GY-P-ABC",
        title="MK 41 vertical launching system spares",
        lines=[DemoLine(LineCategory.SPARE_PARTS, "MK 41 VLS module spares", 6, "850000.00", "EA", False, True)],
        submit_lines=False,
        approve_lines=False,
    ),
]


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)


def _ensure_users(report: DemoReport) -> dict[str, User]:
    ensure_roles()
    users = {}
    for username, first, last, role, purchaser, staff, superuser in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@fms.example",
                purchaser_id=purchaser,
                is_staff=staff,
                is_superuser=superuser,
            )
            user.set_password(demo_password(username))
            user.save()
            if role:
                user.groups.add(Group.objects.get(name=role))
            report.created.append(f"user {username}")
        else:
            report.existing.append(f"user {username}")
        users[username] = user
    return users


def _japan_notification(cn_officer: User) -> CongressionalNotification:
    existing = CongressionalNotification.objects.filter(purchaser_id="JA", notified_on=dt.date(2018, 1, 9)).first()
    return existing or notification_services.notification_create(
        actor=cn_officer,
        purchaser=Purchaser.objects.get(code="JA"),
        kind=NotificationKind.CERTIFICATION,
        status=NotificationStatus.NOTIFIED,
        implementing_agency=ImplementingAgency.objects.get(code="P"),
        notified_on=dt.date(2018, 1, 9),
        total_value=Decimal("133300000.00"),
        mde_value=None,
        transmittal_number=None,
        description=(
            "Japan — Standard Missile-3 Block IIA interceptors and 4 MK 29 missile canisters, with technical "
            "assistance, transportation, engineering and logistics support. Transmittal number not found; MDE "
            "value not recorded here."
        ),
    )


def _load_case(spec: DemoCase, users: dict[str, User], notification=None) -> Case:
    officer, reviewer = users["officer"], users["reviewer"]
    case = services.case_create(
        actor=officer,
        case_id=spec.case_id,
        title=spec.title,
        description=spec.description,
        notes=spec.notes,
        lor_received_on=spec.lor_received_on,
        notification=notification,
    )
    lines = [
        services.line_item_add(
            actor=officer,
            case=case,
            category=line.category,
            description=line.description,
            quantity=line.quantity,
            unit_cost=Decimal(line.unit_cost),
            unit_of_issue=line.unit_of_issue,
            is_mde=line.is_mde,
            is_sme=line.is_sme,
        )
        for line in spec.lines
    ]
    for line in lines:
        if spec.submit_lines:
            line = services.line_item_submit(actor=officer, line=line)
        if spec.approve_lines:
            services.line_item_approve(actor=reviewer, line=line, comment="Checked against the LOR.")
    for action in spec.steps:
        # Reviewers take the steps out of review; officers the others.
        permission = workflow.case_transition_for(case.status, action).permission
        actor = reviewer if permission == workflow.REVIEW else officer
        case = services.case_transition(actor=actor, case=case, action=action)
    return case


def load_demo() -> DemoReport:
    """Load what is missing of the demo data set; report what was created and what existed."""
    report = DemoReport()
    with transaction.atomic():
        users = _ensure_users(report)
        for spec in [JAPAN, *OTHERS]:
            if Case.objects.filter(case_id=spec.case_id).exists():
                report.existing.append(f"case {spec.case_id}")
                continue
            notification = _japan_notification(users["cn_officer"]) if spec is JAPAN else None
            _load_case(spec, users, notification)
            report.created.append(f"case {spec.case_id}")
    return report

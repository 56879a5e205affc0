"""Test data builders. Cases and lines are built through the services, so their ledgers are real."""

import datetime as dt
import itertools
import string
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from fms.accounts.models import User
from fms.cases import services
from fms.cases.choices import CaseAction, CaseStatus, LineCategory
from fms.cases.models import Case, LineItem
from fms.documents import services as document_services
from tests.cases import expected


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@fms.example")
    is_staff = True

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.groups.add(Group.objects.get(name=role))


def line_data(**overrides) -> dict:
    data = {
        "category": LineCategory.SPARE_PARTS,
        "description": "Spare parts",
        "quantity": 2,
        "unit_cost": Decimal("1000.00"),
        "unit_of_issue": "EA",
    }
    return {**data, **overrides}


# Every 3-character designator the case id allows (001…999, then those with letters), over and over:
# each test rolls its cases back, and the suite makes more cases than there are numbers.
_designators = itertools.cycle(
    [f"{n:03d}" for n in range(1, 1000)]
    + ["".join(chars) for chars in itertools.product(string.ascii_uppercase + string.digits, repeat=3)
       if not "".join(chars).isdigit()]
)  # fmt: skip


def make_case(officer: User, *, purchaser: str = "JA", agency: str = "P", lines: int = 0, **fields) -> Case:
    fields.setdefault("title", "Test case")
    fields.setdefault("lor_received_on", dt.date(2026, 1, 5))
    case = services.case_create(actor=officer, case_id=f"{purchaser}-{agency}-{next(_designators)}", **fields)
    for _ in range(lines):
        services.line_item_add(actor=officer, case=case, **line_data())
    case.refresh_from_db()
    return case


def lines_of(case: Case) -> list[LineItem]:
    return list(case.lines.filter(removed_at__isnull=True).order_by("line_number"))


# The path a case takes to reach each status, with every guard satisfied on the way.
PATH_TO = {
    CaseStatus.DEVELOPMENT: [],
    CaseStatus.WRITE: [CaseAction.START_WRITE],
    CaseStatus.REVIEW: [CaseAction.START_WRITE, CaseAction.SUBMIT_REVIEW],
    CaseStatus.PROPOSED: [CaseAction.START_WRITE, CaseAction.SUBMIT_REVIEW, CaseAction.PROPOSE],
    CaseStatus.OFFERED: [CaseAction.START_WRITE, CaseAction.SUBMIT_REVIEW, CaseAction.PROPOSE, CaseAction.OFFER],
}
PATH_TO[CaseStatus.ACCEPTED] = [*PATH_TO[CaseStatus.OFFERED], CaseAction.ACCEPT]
PATH_TO[CaseStatus.IMPLEMENTED] = [*PATH_TO[CaseStatus.ACCEPTED], CaseAction.IMPLEMENT]
PATH_TO[CaseStatus.SUPPLY_COMPLETE] = [*PATH_TO[CaseStatus.IMPLEMENTED], CaseAction.COMPLETE_SUPPLY]
PATH_TO[CaseStatus.CLOSED] = [*PATH_TO[CaseStatus.SUPPLY_COMPLETE], CaseAction.CLOSE]
PATH_TO[CaseStatus.CANCELLED] = [CaseAction.CANCEL]


def actor_for(status: str, action: str, *, officer: User, reviewer: User) -> User:
    """Who takes this step by the design written down in tests/cases/expected.py, never by the table
    under test (so a step given to the wrong role fails the service tests). Officer for a refused step."""
    _target, role = expected.CASE_STEPS.get((status, action), (None, expected.OFFICER))
    return reviewer if role == expected.REVIEWER else officer


COUNTERSIGNED_COPY_SHA256 = "c0" * 32  # stands for the SHA-256 of a scanned countersigned LOA


def take_step(case: Case, action: str, *, officer: User, reviewer: User) -> Case:
    """One step of a PATH_TO path. Offer and accept are steps of the BASIC LOA document (DESIGN §4.3):
    the officer offers it, and enters the purchaser's countersigned copy as its acceptance; the steps
    after acceptance get what their guards need first (tests/execution/steps.py)."""
    if action == CaseAction.OFFER:
        # Test lines carry no delivery term code: the transportation estimate is entered.
        document_services.document_offer(actor=officer, case=case, label="BASIC", transportation=Decimal("0.00"))
    elif action == CaseAction.ACCEPT:
        basic = case.documents.get(label="BASIC")
        document_services.document_accept(
            actor=officer,
            document=basic,
            content_hash=basic.content_hash,
            signatory_name="Taro Yamada",
            signatory_title="Director",
            signed_copy_sha256=COUNTERSIGNED_COPY_SHA256,
        )
    else:
        # From implementation on, a step needs its execution data first (deposit, deliveries, billing).
        from tests.execution.steps import prepare_step

        actor = actor_for(case.status, action, officer=officer, reviewer=reviewer)
        prepare_step(case, action, officer=officer)
        return services.case_transition(actor=actor, case=case, action=action)
    case.refresh_from_db()
    return case


def walk_to(status: str, *, officer: User, reviewer: User, lines: int = 2) -> Case:
    """A case in `status` whose lines are all approved, so every step out of it is possible."""
    case = make_case(officer, lines=lines)
    for line in lines_of(case):
        line = services.line_item_submit(actor=officer, line=line)
        services.line_item_approve(actor=reviewer, line=line)
    for action in PATH_TO[status]:
        case = take_step(case, action, officer=officer, reviewer=reviewer)
    case.refresh_from_db()
    return case

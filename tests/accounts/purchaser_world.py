"""Records that hold everything a purchaser must never see, built through the services.

Staff with distinctive names, internal notes, a reviewer's comment, a draft price in an open
amendment: the tests of DESIGN §8 look for each of them in what a purchaser's user is answered.
"""

from dataclasses import dataclass
from decimal import Decimal

from fms.accounts.models import User
from fms.accounts.roles import CASE_OFFICER, CLIENT, CLIENT_ADMIN, CLIENT_OFFICER, REVIEWER
from fms.cases import services as case_services
from fms.cases.choices import CaseAction
from fms.cases.models import Case
from fms.documents import services as document_services
from tests.factories import UserFactory, lines_of, make_case

INTERNAL_NOTE = "Internal-note-Olga-wrote"
REVIEW_COMMENT = "Split-contractor-support-by-year"
STEP_COMMENT = "Pushed-to-proposed-after-the-call"
DRAFT_PRICE = "777777.77"
# Keys of the staff view that a purchaser's documents never carry.
INTERNAL_KEYS = frozenset(
    {"notes", "created_by", "updated_by", "review_status", "comment", "seq", "prev_hash", "content_digest",
     "hash_version", "via", "log_index", "notification_id", "total_value", "mde_value", "design_construction_value"}
)  # fmt: skip


@dataclass
class World:
    officer: User
    reviewer: User
    users: dict[str, User]  # client, client_officer, client_admin of JA
    offered: Case  # JA, BASIC accepted, an amendment open with a draft price
    developing: Case  # JA, never offered
    cancelled: Case  # JA, cancelled before any offer
    korean: Case  # KS, offered

    def staff_words(self) -> list[str]:
        return [
            word for user in (self.officer, self.reviewer) for word in (user.username, user.first_name, user.last_name)
        ]


def staff() -> tuple[User, User]:
    officer = UserFactory(username="staffer_olga", first_name="Olga", last_name="Internalova", roles=[CASE_OFFICER])
    reviewer = UserFactory(username="staffer_rita", first_name="Rita", last_name="Reviewova", roles=[REVIEWER])
    return officer, reviewer


def purchaser_users(code: str = "JA") -> dict[str, User]:
    low = code.lower()
    return {
        "client": UserFactory(username=f"client_{low}", roles=[CLIENT], purchaser_id=code, is_staff=False),
        "client_officer": UserFactory(
            username=f"signatory_{low}", roles=[CLIENT, CLIENT_OFFICER], purchaser_id=code, is_staff=False
        ),
        "client_admin": UserFactory(username=f"admin_{low}", roles=[CLIENT_ADMIN], purchaser_id=code, is_staff=False),
    }


def to_proposed(officer: User, reviewer: User, purchaser: str, *, comment: str = "") -> Case:
    case = make_case(officer, purchaser=purchaser, lines=2, notes=INTERNAL_NOTE)
    first, second = lines_of(case)
    first = case_services.line_item_submit(actor=officer, line=first)
    first = case_services.line_item_return(actor=reviewer, line=first, comment=comment or REVIEW_COMMENT)
    first = case_services.line_item_update(actor=officer, line=first, description="Spare parts, by year")
    for line in (first, second):
        line = case_services.line_item_submit(actor=officer, line=line)
        case_services.line_item_approve(actor=reviewer, line=line)
    case = case_services.case_transition(actor=officer, case=case, action=CaseAction.START_WRITE)
    case = case_services.case_transition(actor=officer, case=case, action=CaseAction.SUBMIT_REVIEW)
    return case_services.case_transition(actor=reviewer, case=case, action=CaseAction.PROPOSE, comment=STEP_COMMENT)


def offer(officer: User, case: Case):
    return document_services.document_offer(actor=officer, case=case, label="BASIC", transportation=Decimal("0.00"))


def build() -> World:
    officer, reviewer = staff()
    users = purchaser_users("JA")
    signatory = users["client_officer"]
    offered = to_proposed(officer, reviewer, "JA")
    basic = offer(officer, offered)
    document_services.document_accept(
        actor=signatory,
        document=basic,
        content_hash=basic.content_hash,
        signatory_name="Taro Yamada",
        signatory_title="Director",
    )
    offered.refresh_from_db()
    document_services.document_open(actor=officer, case=offered, kind="amendment", reason="More spares")
    case_services.line_item_update(actor=officer, line=lines_of(offered)[0], unit_cost=Decimal(DRAFT_PRICE))
    developing = make_case(officer, purchaser="JA", lines=1, notes=INTERNAL_NOTE)
    cancelled = make_case(officer, purchaser="JA", lines=1)
    case_services.case_transition(actor=officer, case=cancelled, action=CaseAction.CANCEL, comment="Withdrawn LOR")
    korean = to_proposed(officer, reviewer, "KS")
    offer(officer, korean)
    for case in (offered, developing, cancelled, korean):
        case.refresh_from_db()
    return World(officer, reviewer, users, offered, developing, cancelled, korean)

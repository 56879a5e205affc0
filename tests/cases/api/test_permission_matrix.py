"""Every operation of the OpenAPI schema × every role × own/other purchaser, with the expected
status. The test fails when the schema has an operation this matrix does not list. A refused
request changes nothing.

The cases here are in development: a purchaser's users (client, client_officer, client_admin) do
not see them yet (DESIGN §8: 404 until a document is offered; tests/accounts covers them offered).
Every role calls with its API token; a purchaser's token is read-only, so its writes stop at the door.
"""

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.urls import reverse
from rest_framework.test import APIClient

from fms.accounts.models import ApiToken, User
from fms.accounts.roles import AUDITOR, CASE_OFFICER, CLIENT, CLIENT_ADMIN, CLIENT_OFFICER, CN_OFFICER, REVIEWER
from fms.accounts.services import token_issue
from fms.cases import services
from fms.cases.models import Case, LineItem
from fms.ledger.models import ApprovalEvent
from fms.ledger.signing import read_signer
from fms.ledger.transparency import tree_head_sign
from fms.notifications import services as notification_services
from fms.notifications.models import CongressionalNotification, NotificationChange
from fms.reference.models import Purchaser
from tests.conftest import loaded_for_the_module
from tests.factories import UserFactory, line_data, lines_of, make_case

pytestmark = pytest.mark.django_db
NOTIFICATION_FIXTURES = Path(__file__).parents[2] / "notifications" / "fixtures"

ROLES = ["officer", "reviewer", "auditor", "cn_officer", "client", "client_officer", "client_admin", "anonymous"]
STAFF = ("officer", "reviewer", "auditor", "cn_officer")
CLIENTS = ("client", "client_officer", "client_admin")
OK, CREATED, GONE, DENIED, HIDDEN, UNAUTHENTICATED, NOT_LOGGED_YET = 200, 201, 204, 403, 404, 401, 409


def clients(expected) -> dict:
    return dict.fromkeys(CLIENTS, expected)


def reads(code=OK):
    """Staff read; a purchaser's users see no case before an offer, of any purchaser (404)."""
    return {"officer": code, "reviewer": code, "auditor": code, "cn_officer": code, **clients((HIDDEN, HIDDEN))}


def list_reads():
    return {"officer": OK, "reviewer": OK, "auditor": OK, "cn_officer": OK, **clients((OK, OK))}


def log_reads():
    """The log's heads and proofs count every purchaser's events: not a purchaser's to read (DESIGN §8)."""
    return {"officer": OK, "reviewer": OK, "auditor": OK, "cn_officer": OK, **clients((HIDDEN, HIDDEN))}


def write(by: str, code: int):
    """Only `by` may; everyone else signed in is refused (clients at the door: read-only tokens)."""
    expected = {
        "officer": DENIED,
        "reviewer": DENIED,
        "auditor": DENIED,
        "cn_officer": DENIED,
        **clients((DENIED, DENIED)),
    }
    expected[by] = code
    return expected


def administration(admin_reads=None):
    """Purchaser administration: its client_admin reads its own purchaser's users (its writes need a
    session: tokens/test_purchaser_admin.py); nobody else may, staff included."""
    expected = {**dict.fromkeys(STAFF, DENIED), **clients((DENIED, DENIED))}
    if admin_reads:
        expected["client_admin"] = admin_reads
    return expected


# (method, path) -> (expected status by role, request body)
MATRIX = {
    ("get", "/api/v1/cases/"): (list_reads(), None),
    ("get", "/api/v1/cases.csv"): (list_reads(), None),
    ("post", "/api/v1/cases/"): (write("officer", CREATED), "new_case"),
    ("get", "/api/v1/cases/{case_id}/"): (reads(), None),
    ("patch", "/api/v1/cases/{case_id}/"): (write("officer", OK), {"notes": "Changed"}),
    ("get", "/api/v1/cases/{case_id}/events/"): (reads(), None),
    ("get", "/api/v1/cases/{case_id}/ledger/"): (reads(), None),
    ("post", "/api/v1/cases/{case_id}/transition/"): (write("officer", OK), {"action": "cancel"}),
    ("get", "/api/v1/cases/{case_id}/lines/"): (reads(), None),
    ("get", "/api/v1/cases/{case_id}/lines.csv"): (reads(), None),
    ("post", "/api/v1/cases/{case_id}/lines/"): (write("officer", CREATED), "new_line"),
    ("get", "/api/v1/cases/{case_id}/lines/{line_number}/"): (reads(), None),
    ("patch", "/api/v1/cases/{case_id}/lines/{line_number}/"): (write("officer", OK), {"description": "Changed"}),
    ("delete", "/api/v1/cases/{case_id}/lines/{line_number}/"): (write("officer", GONE), None),
    ("post", "/api/v1/cases/{case_id}/lines/{line_number}/submit/"): (write("officer", OK), {}),
    ("post", "/api/v1/cases/{case_id}/lines/{line_number}/approve/"): (write("reviewer", OK), {"comment": "ok"}),
    ("post", "/api/v1/cases/{case_id}/lines/{line_number}/reject/"): (write("reviewer", OK), {"comment": "no"}),
    ("post", "/api/v1/cases/{case_id}/lines/{line_number}/return/"): (write("reviewer", OK), {"comment": "fix"}),
    ("get", "/api/v1/events/"): (list_reads(), None),
    ("get", "/api/v1/purchasers/"): (list_reads(), None),
    ("get", "/api/v1/implementing-agencies/"): (list_reads(), None),
    ("get", "/api/v1/notifications/"): (list_reads(), None),
    # 36(b) notifications are the cn_officer's; case officers only link cases to them. Each notification
    # of the world has a change asked by cn_officer2, for cn_officer to decide.
    ("post", "/api/v1/notifications/"): (write("cn_officer", CREATED), "new_notification"),
    ("get", "/api/v1/notifications/{id}/"): (reads(), None),
    ("patch", "/api/v1/notifications/{id}/"): (write("cn_officer", OK), {"description": "Changed"}),
    ("post", "/api/v1/notifications/{id}/changes/{number}/approve/"): (write("cn_officer", OK), {"comment": "ok"}),
    ("post", "/api/v1/notifications/{id}/changes/{number}/reject/"): (write("cn_officer", OK), {"comment": "no"}),
    ("post", "/api/v1/notifications/import/"): (write("cn_officer", CREATED), "import_text"),
    ("get", "/api/v1/ledger/public-key/"): (list_reads(), None),
    ("get", "/api/v1/ledger/checkpoints/"): (log_reads(), None),
    ("get", "/api/v1/ledger/checkpoints/latest/"): (log_reads(), None),
    # The case's first event, not in the log yet (nothing is settled inside the test's transaction): 409
    # for whoever may read it, 404 for a client asking about another purchaser's event.
    ("get", "/api/v1/ledger/proof/inclusion/"): (reads(NOT_LOGGED_YET), None),
    ("get", "/api/v1/ledger/proof/consistency/"): (log_reads(), None),
    # LOA documents, on cases still in development (tests/documents covers them offered and accepted).
    ("get", "/api/v1/cases/{case_id}/documents/"): (reads(), None),
    ("post", "/api/v1/cases/{case_id}/documents/"): (write("officer", 409), {"kind": "amendment", "reason": "More"}),
    ("get", "/api/v1/cases/{case_id}/documents/{label}/"): (reads(HIDDEN), None),
    ("post", "/api/v1/cases/{case_id}/documents/{label}/offer/"): (write("officer", 409), {"transportation": "0.00"}),
    ("post", "/api/v1/cases/{case_id}/documents/{label}/issue/"): (write("officer", HIDDEN), {}),
    ("post", "/api/v1/cases/{case_id}/documents/{label}/withdraw/"): (write("officer", HIDDEN), {"reason": "x"}),
    ("post", "/api/v1/cases/{case_id}/documents/{label}/accept/"): (
        {"officer": HIDDEN, "reviewer": HIDDEN, "auditor": HIDDEN, "cn_officer": HIDDEN, **clients((DENIED, DENIED))},
        {"content_hash": "0" * 64, "signatory_name": "N", "signatory_title": "T"},
    ),
    ("get", "/api/v1/cases/{case_id}/documents/{label}/diff/"): (reads(400), None),
    # A draft's schedule is the officer's (rows off the working lines' total: 400 naming the difference);
    # reinstating an offer is a reviewer's, and a case in development has no document to reinstate (404).
    ("put", "/api/v1/cases/{case_id}/documents/{label}/payment-schedule/"): (
        write("officer", 400),
        {"payment_schedule": [{"amount": "1.00"}]},
    ),
    ("post", "/api/v1/cases/{case_id}/documents/{label}/reinstate/"): (
        write("reviewer", HIDDEN),
        {"offer_expires_on": "2031-01-15", "reason": "Funds approved late"},
    ),
    # Purchaser administration (DESIGN §5); {username} is the purchaser's client user.
    ("get", "/api/v1/purchaser-users/"): (administration((OK, OK)), None),
    ("post", "/api/v1/purchaser-users/"): (administration(), {"username": "new_user", "role": "client"}),
    ("get", "/api/v1/purchaser-users/{username}/"): (administration((OK, HIDDEN)), None),
    ("delete", "/api/v1/purchaser-users/{username}/"): (administration(), None),
    ("post", "/api/v1/purchaser-users/{username}/tokens/"): (administration(), {"days": 5}),
    # Staff may revoke only their own tokens (404 for a client's); a purchaser's token is read-only.
    ("delete", "/api/v1/tokens/{prefix}/"): (
        {**dict.fromkeys(STAFF, HIDDEN), **clients((DENIED, DENIED))},
        None,
    ),
    # Execution, on cases still in development (tests/execution covers implemented cases and the purchaser's
    # officer): steps that need an implemented case are 409 for whoever may take them.
    ("get", "/api/v1/cases/{case_id}/deliveries/"): (reads(), None),
    ("post", "/api/v1/cases/{case_id}/deliveries/"): (
        write("officer", 409),
        {
            "line_number": "001",
            "quantity": 1,
            "shipped_on": "2026-08-03",
            "transportation_control_number": "FN12340000001XXXX",
            "document_number": "FN12346001A001",
        },
    ),
    ("post", "/api/v1/cases/{case_id}/performance/"): (
        write("officer", 409),
        {"line_number": "001", "performed_through_month": 1},
    ),
    ("get", "/api/v1/cases/{case_id}/sdrs/"): (reads(), None),
    ("post", "/api/v1/cases/{case_id}/sdrs/"): (
        write("officer", DENIED),
        {"delivery": 1, "kind": "damage", "quantity": 1, "value": "500.00", "description": "Dented"},
    ),
    ("get", "/api/v1/cases/{case_id}/sdrs/{number}/"): (reads(HIDDEN), None),
    ("post", "/api/v1/cases/{case_id}/sdrs/{number}/review/"): (
        {"officer": HIDDEN, "reviewer": HIDDEN, "auditor": HIDDEN, "cn_officer": HIDDEN, **clients((DENIED, DENIED))},
        {},
    ),
    ("post", "/api/v1/cases/{case_id}/sdrs/{number}/resolve/"): (
        {"officer": HIDDEN, "reviewer": HIDDEN, "auditor": HIDDEN, "cn_officer": HIDDEN, **clients((DENIED, DENIED))},
        {"resolution": "credit", "note": "x"},
    ),
    ("get", "/api/v1/cases/{case_id}/financials/"): (reads(), None),
    ("post", "/api/v1/cases/{case_id}/financials/"): (
        write("officer", DENIED),
        {"kind": "deposit", "amount": "1.00", "posted_on": "2026-08-01", "source_ref": "M1"},
    ),
    ("get", "/api/v1/cases/{case_id}/statement/"): (reads(), None),
    ("get", "/api/v1/cases/{case_id}/closure/"): (reads(), None),
    ("post", "/api/v1/cases/{case_id}/closure/"): (write("officer", 409), {}),
    ("post", "/api/v1/cases/{case_id}/emergency-implementation/"): (write("reviewer", 409), {"reason": "Urgent"}),
    ("post", "/api/v1/cases/{case_id}/cancellation/"): (
        write("officer", 409),
        {"reason": "Ended", "termination_costs": "0.00"},
    ),
    ("post", "/api/v1/financials/import/"): (write("officer", DENIED), {}),
    # The read audit: auditors all of it, a purchaser's client_admin its purchaser's part (tests/accounts).
    ("get", "/api/v1/read-audit/"): ({**write("auditor", OK), "client_admin": (OK, OK)}, None),
    ("get", "/api/v1/read-audit.csv"): ({**write("auditor", OK), "client_admin": (OK, OK)}, None),
}
DECISIONS = ("approve", "reject", "return")


def schema_operations(client) -> set[tuple[str, str]]:
    schema = yaml.safe_load(client.get(reverse("schema")).content)
    return {(method, path) for path, item in schema["paths"].items() for method in item if method != "parameters"}


def test_the_matrix_lists_every_operation_of_the_schema(client):
    assert schema_operations(client) == set(MATRIX)


@pytest.fixture(scope="module")
def world_for_the_module(django_db_setup, django_db_blocker):
    """Built once: the matrix's 537 requests each run in a savepoint of it (tests/conftest.py)."""
    yield from loaded_for_the_module(django_db_blocker, build_world)


@pytest.fixture
def world(world_for_the_module, db):
    return world_for_the_module


def build_world():
    """Two purchasers' worth of records: a case with a draft line 001 and a submitted line 002."""
    officer = UserFactory(username="officer", roles=[CASE_OFFICER])
    users = {
        "officer": officer,
        "reviewer": UserFactory(username="reviewer", roles=[REVIEWER]),
        "auditor": UserFactory(username="auditor", roles=[AUDITOR]),
        "client": UserFactory(username="client_ja", roles=[CLIENT], purchaser_id="JA", is_staff=False),
        "client_officer": UserFactory(
            username="signatory_ja", roles=[CLIENT, CLIENT_OFFICER], purchaser_id="JA", is_staff=False
        ),
        "client_admin": UserFactory(username="admin_ja", roles=[CLIENT_ADMIN], purchaser_id="JA", is_staff=False),
        "cn_officer": UserFactory(username="cn_officer", roles=[CN_OFFICER]),
    }
    cn_officer2 = UserFactory(username="cn_officer2", roles=[CN_OFFICER])
    korean = UserFactory(username="client_ks", roles=[CLIENT], purchaser_id="KS", is_staff=False)
    for target in (users["client"], korean):  # the tokens {prefix} names
        token_issue(actor=None, user=target, days=1, name="target")
    cases, notifications = {}, {}
    for purchaser in ("JA", "KS"):
        case = make_case(officer, purchaser=purchaser, lines=2)
        services.line_item_submit(actor=officer, line=lines_of(case)[1])
        cases[purchaser] = case
        notifications[purchaser] = notification_services.notification_create(
            actor=users["cn_officer"],
            purchaser=Purchaser.objects.get(code=purchaser),
            notified_on=dt.date(2026, 1, 1),
            total_value=Decimal("1.00"),
            status="notified",
        )
        notification_services.notification_update(
            actor=cn_officer2, notification=notifications[purchaser], emergency=True
        )
    tree_head_sign(signer=read_signer())  # the empty log's head, so that latest/ has one to show
    return users, cases, notifications


def snapshot() -> tuple:
    return (
        list(Case.objects.order_by("pk").values_list("version", "status", "notes")),
        list(LineItem.objects.order_by("pk").values_list("version", "review_status", "description", "removed_at")),
        ApprovalEvent.objects.count(),
        list(CongressionalNotification.objects.order_by("pk").values_list("version", "emergency", "description")),
        list(NotificationChange.objects.order_by("pk").values_list("status", flat=True)),
        list(User.objects.order_by("pk").values_list("username", "is_active")),
        list(User.groups.through.objects.order_by("pk").values_list("user_id", "group_id")),
        list(ApiToken.objects.filter(name="target").order_by("pk").values_list("prefix", "revoked_at")),
    )


def request_for(method: str, path: str, body, purchaser: str, case: Case, notification) -> tuple[str, dict, dict]:
    line_number = "002" if path.rstrip("/").split("/")[-1] in DECISIONS else "001"
    username = f"client_{purchaser.lower()}"
    prefix = ApiToken.objects.filter(user__username=username, name="target").values_list("prefix", flat=True).first()
    url = path.format(
        case_id=case.case_id,
        line_number=line_number,
        id=notification.pk,
        label="BASIC",
        number=1,
        username=username,
        prefix=prefix,
    )
    if path.endswith("/proof/inclusion/"):
        url += f"?event={ApprovalEvent.objects.filter(case=case).earliest('id').pk}&size=0"
    elif path.endswith("/proof/consistency/"):
        url += "?from=0&to=0"
    headers = {}
    if "{line_number}" in path and method != "get":
        headers["HTTP_IF_MATCH"] = f'"{LineItem.objects.get(case=case, line_number=line_number).version}"'
    elif path == "/api/v1/notifications/{id}/" and method == "patch":
        headers["HTTP_IF_MATCH"] = f'"{CongressionalNotification.objects.get(pk=notification.pk).version}"'
    elif "{case_id}" in path and method in ("patch", "post") and "/lines/" not in path:
        headers["HTTP_IF_MATCH"] = f'"{Case.objects.get(pk=case.pk).version}"'
    if body == "new_case":
        body = {"case_id": f"{purchaser}-P-NEW", "title": "New"}
    elif body == "new_line":
        body = {**line_data(), "unit_cost": "10.00"}
    elif body == "new_notification":
        body = {"purchaser": purchaser, "notified_on": "2026-02-01", "total_value": "5.00"}
    elif body == "import_text":  # a press release without a transmittal number: imported again, no conflict
        body = {"text": (NOTIFICATION_FIXTURES / "dsca_press_japan_sm3_2018.txt").read_text()}
    return url, body, headers


@pytest.mark.parametrize(("operation", "role"), list(itertools.product(MATRIX, ROLES)), ids=str)
def test_permission_matrix(world, operation, role):
    users, cases, notifications = world
    method, path = operation
    expected_by_role, body = MATRIX[operation]
    client = APIClient()
    if role != "anonymous":
        _, secret = token_issue(actor=None, user=users[role], days=1)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    expected = expected_by_role.get(role, UNAUTHENTICATED)
    own, other = expected if isinstance(expected, tuple) else (expected, expected)
    for purchaser, status in (("JA", own), ("KS", other)):
        url, data, headers = request_for(method, path, body, purchaser, cases[purchaser], notifications[purchaser])
        before = snapshot()
        response = (
            getattr(client, method)(url, data, **headers)
            if data is not None
            else getattr(client, method)(url, **headers)
        )
        assert response.status_code == status, (role, purchaser, url, response.content[:300])
        if status >= 400:
            assert snapshot() == before
            assert response["Content-Type"] == "application/problem+json"

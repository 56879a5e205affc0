"""Every list endpoint issues the same number of queries for 1 item as for 50, and every read route and
decision of the cases API costs exactly the statements written here (issue 16)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fms.accounts.roles import CN_OFFICER
from fms.cases import services
from fms.cases.models import LineItem
from fms.notifications import services as notification_services
from fms.notifications.models import CongressionalNotification
from fms.reference.models import Purchaser
from tests.conftest import bearer
from tests.factories import UserFactory, lines_of, make_case
from tests.query_counts import queries_of, read_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_for_the_module):
    """The tests here read the demo: loaded once for the module (tests/conftest.py)."""


@pytest.fixture
def busy_case(api, officer):
    """A Japanese case with 60 lines and their events, and 60 more notifications."""
    case = make_case(officer, purchaser="JA", lines=60)
    for line in lines_of(case):
        services.line_item_submit(actor=officer, line=line)
    japan = Purchaser.objects.get(code="JA")
    cn_officer = UserFactory(username="cn_officer", roles=[CN_OFFICER])
    for day in range(60):
        notification_services.notification_create(
            actor=cn_officer,
            purchaser=japan,
            notified_on=dt.date(2025, 1, 1) + dt.timedelta(days=day),
            total_value=Decimal("1.00"),
        )
    return case


@pytest.mark.parametrize(
    ("url", "statements"),
    [
        ("/api/v1/cases/?expand=lines", 2),
        ("/api/v1/cases/{case_id}/lines/", 3),
        ("/api/v1/cases/{case_id}/events/", 3),
        ("/api/v1/events/", 2),
        ("/api/v1/notifications/", 1),
        ("/api/v1/purchasers/", 2),
        ("/api/v1/implementing-agencies/", 2),
    ],
)
def test_list_queries_do_not_grow_with_the_page(api, busy_case, url, statements):
    # A purchaser reads no working lines, and no event of a case not offered (DESIGN §8): the auditor counts those.
    # A purchaser's notifications are none: its token's statement is the whole request.
    staff_only = ("purchasers", "agencies", "/lines/", "/events/")
    reader = "auditor" if any(part in url for part in staff_only) else "client_ja"
    client = api(reader)
    url = url.format(case_id=busy_case.case_id)
    separator = "&" if "?" in url else "?"
    client.get(url)  # the token's first use is recorded once
    counts = []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{url}{separator}page_size={size}")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts == [statements, statements]


def test_the_web_session_downloads_the_same_csv(client, demo):
    from fms.accounts.models import User

    client.force_login(User.objects.get(username="auditor"))
    response = client.get("/api/v1/cases/?format=csv&expand=lines&q=JA-P-SAA")
    assert response.status_code == 200
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert len(rows) == 1 + LineItem.objects.filter(case__case_id="JA-P-SAA", removed_at__isnull=True).count()
    assert all(row.startswith('"JA-P-SAA",') for row in rows[1:])


# (status, statements) of each read. A token read costs two statements: the token (with its rate count,
# the user's permissions and roles) and the scoped document; a route that first finds its case, three.
# A purchaser's user is refused the working lines, the chain and the notifications (DESIGN §8).
CASE_READS = [
    "/api/v1/cases/",
    "/api/v1/cases/?expand=lines",
    "/api/v1/cases/?format=csv",
    "/api/v1/cases.csv",
    "/api/v1/cases/JA-P-SAA/",
    "/api/v1/cases/JA-P-SAA/lines/",
    "/api/v1/cases/JA-P-SAA/lines/001/",
    "/api/v1/cases/JA-P-SAA/lines.csv",
    "/api/v1/cases/JA-P-SAA/events/",
    "/api/v1/cases/JA-P-SAA/ledger/",
    "/api/v1/events/",
    "/api/v1/notifications/",
    "/api/v1/notifications/{notification}/",
    "/api/v1/purchasers/",
    "/api/v1/implementing-agencies/",
    "/api/v1/ledger/public-key/",
    "/api/v1/ledger/checkpoints/",
]
EXPECTED_READS = {
    "client_ja": {
        "/api/v1/cases/": (200, 2),
        "/api/v1/cases/?expand=lines": (200, 2),
        "/api/v1/cases/?format=csv": (200, 2),
        "/api/v1/cases.csv": (200, 2),
        "/api/v1/cases/JA-P-SAA/": (200, 2),
        "/api/v1/cases/JA-P-SAA/lines/": (404, 2),
        "/api/v1/cases/JA-P-SAA/lines/001/": (404, 1),
        "/api/v1/cases/JA-P-SAA/lines.csv": (404, 2),
        "/api/v1/cases/JA-P-SAA/events/": (200, 3),
        "/api/v1/cases/JA-P-SAA/ledger/": (404, 2),
        "/api/v1/events/": (200, 2),
        "/api/v1/notifications/": (200, 1),
        "/api/v1/notifications/{notification}/": (404, 1),
        "/api/v1/purchasers/": (200, 2),
        "/api/v1/implementing-agencies/": (200, 2),
        "/api/v1/ledger/public-key/": (200, 1),
        "/api/v1/ledger/checkpoints/": (404, 1),
    },
    "auditor": {
        "/api/v1/cases/": (200, 2),
        "/api/v1/cases/?expand=lines": (200, 2),
        "/api/v1/cases/?format=csv": (200, 2),
        "/api/v1/cases.csv": (200, 2),
        "/api/v1/cases/JA-P-SAA/": (200, 2),
        "/api/v1/cases/JA-P-SAA/lines/": (200, 3),
        "/api/v1/cases/JA-P-SAA/lines/001/": (200, 3),
        "/api/v1/cases/JA-P-SAA/lines.csv": (200, 3),
        "/api/v1/cases/JA-P-SAA/events/": (200, 3),
        "/api/v1/cases/JA-P-SAA/ledger/": (200, 6),  # verify_ledger: the chain, its log, every frozen document at once
        "/api/v1/events/": (200, 2),
        "/api/v1/notifications/": (200, 2),
        "/api/v1/notifications/{notification}/": (200, 3),
        "/api/v1/purchasers/": (200, 2),
        "/api/v1/implementing-agencies/": (200, 2),
        "/api/v1/ledger/public-key/": (200, 1),
        "/api/v1/ledger/checkpoints/": (200, 2),
    },
}


@pytest.mark.parametrize("reader", ["client_ja", "auditor"])
def test_every_read_route_costs_the_statements_written_here(api, reader):
    notification = CongressionalNotification.objects.order_by("pk").values_list("pk", flat=True).first()
    counts = read_counts(api(reader), [url.format(notification=notification) for url in CASE_READS])
    assert dict(zip(CASE_READS, counts.values(), strict=True)) == EXPECTED_READS[reader]


def _step(client, case, path: str, action: str = "", comment: str = "") -> tuple[int, int]:
    """(status, statements) of a line step (`path` lines/NNN/<step>/) or a case step (`action`) through the API."""
    case.refresh_from_db()
    if action:
        url, body = f"/api/v1/cases/{case.case_id}/transition/", {"action": action, "comment": comment}
        version = case.version
    else:
        url, body = f"/api/v1/cases/{case.case_id}/{path}", {"comment": comment}
        version = case.lines.get(line_number=path.split("/")[1]).version
    return queries_of(client, "post", url, data=body, format="json", HTTP_IF_MATCH=f'"{version}"')


def test_each_decision_and_case_step_costs_the_statements_written_here(officer, reviewer):
    # A line step: the token, the scoped line, the case and line locked together (with the line's authors
    # since its last decision), the event with the line's and case's new versions, the savepoint and its
    # release, the answer (served: COMMIT instead of the savepoint's two, so one fewer). A case step: the
    # token, the scoped case, the lock, its lines read once for its guards and its digest, the event with
    # the case's new status, the savepoint's two, the answer.
    officer_api, reviewer_api = bearer("officer"), bearer("reviewer")
    for client in (officer_api, reviewer_api):
        client.get("/api/v1/implementing-agencies/")  # the token's first use is recorded once
    case = make_case(officer, lines=4)
    for line in lines_of(case)[:3]:
        services.line_item_submit(actor=officer, line=line)
    review = make_case(officer, lines=2)
    for line in lines_of(review):
        services.line_item_submit(actor=officer, line=line)
    counts = {
        "submit": _step(officer_api, case, "lines/004/submit/"),
        "approve": _step(reviewer_api, case, "lines/001/approve/"),
        "reject": _step(reviewer_api, case, "lines/002/reject/", comment="Wrong MASL"),
        "return": _step(reviewer_api, case, "lines/003/return/", comment="Say which spares"),
        "start_write": _step(officer_api, review, "", "start_write"),
        "submit_review": _step(officer_api, review, "", "submit_review"),
        # In review a rejected line sends its case back to write: a second event, with the case's new status.
        "reject in review": _step(reviewer_api, review, "lines/001/reject/", comment="Wrong MASL"),
        "cancel": _step(officer_api, case, "", "cancel", comment="The purchaser withdrew its request"),
    }
    assert counts == {
        "submit": (200, 7),
        "approve": (200, 7),
        "reject": (200, 7),
        "return": (200, 7),
        "start_write": (200, 8),
        "submit_review": (200, 8),
        "reject in review": (200, 9),
        "cancel": (200, 8),
    }

"""Every list endpoint issues the same number of queries for 1 item as for 50 (and never more than 5)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fms.accounts.roles import CN_OFFICER
from fms.cases import services
from fms.cases.models import LineItem
from fms.notifications import services as notification_services
from fms.reference.models import Purchaser
from tests.factories import UserFactory, lines_of, make_case

pytestmark = pytest.mark.django_db


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
    "url",
    [
        "/api/v1/cases/?expand=lines",
        "/api/v1/cases/{case_id}/lines/",
        "/api/v1/cases/{case_id}/events/",
        "/api/v1/events/",
        "/api/v1/notifications/",
        "/api/v1/purchasers/",
        "/api/v1/implementing-agencies/",
    ],
)
def test_list_queries_do_not_grow_with_the_page(api, busy_case, url):
    # A purchaser reads no working lines, and no event of a case not offered (DESIGN §8): the auditor counts those.
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
    # Staff permissions are read through has_perm (its groups and its own: one more query than a client's
    # reading query, which checks the permission itself).
    assert counts[0] == counts[1] <= (5 if reader == "client_ja" else 6), counts


def test_the_web_session_downloads_the_same_csv(client, demo):
    from fms.accounts.models import User

    client.force_login(User.objects.get(username="auditor"))
    response = client.get("/api/v1/cases/?format=csv&expand=lines&q=JA-P-SAA")
    assert response.status_code == 200
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert len(rows) == 1 + LineItem.objects.filter(case__case_id="JA-P-SAA", removed_at__isnull=True).count()
    assert all(row.startswith('"JA-P-SAA",') for row in rows[1:])

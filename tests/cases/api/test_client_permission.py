"""A client's `cases.view_case` permission is checked by the reading query itself: same answers as has_perm."""

import pytest
from django.contrib.auth.models import Permission

from fms.accounts.models import User
from fms.cases.choices import CaseStatus
from fms.cases.models import Case
from tests.conftest import bearer
from tests.factories import UserFactory, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_id(demo) -> str:
    """A JA case offered to Japan, so that its purchaser's users may read it (DESIGN §8)."""
    staff = {name: User.objects.get(username=name) for name in ("officer", "reviewer")}
    return walk_to(CaseStatus.OFFERED, **staff).case_id


def seen(client, case_id: str) -> list:
    answers = []
    for path in ["/api/v1/cases/?expand=lines", f"/api/v1/cases/{case_id}/", f"/api/v1/cases/{case_id}/events/"]:
        response = client.get(path)
        body = response.json() if response.status_code == 200 else {}
        answers.append((response.status_code, len(body.get("results", [])) if "results" in body else None))
    return answers


def test_a_client_without_the_view_permission_sees_nothing(case_id):
    UserFactory(username="client_ja_norole", purchaser_id="JA", is_staff=False)
    assert seen(bearer("client_ja_norole"), case_id) == [(200, 0), (404, None), (404, None)]


def test_a_client_granted_view_case_directly_sees_its_purchaser(case_id):
    user = UserFactory(username="client_ja_direct", purchaser_id="JA", is_staff=False)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="cases", codename__startswith="view_"))
    assert seen(bearer("client_ja_direct"), case_id) == seen(bearer("client_ja"), case_id)
    offered = Case.objects.filter(purchaser_id="JA", events__action="offer").distinct().count()
    assert offered >= 1
    assert seen(bearer("client_ja_direct"), case_id)[0] == (200, offered)  # the cases offered to Japan

"""A client's `cases.view_case` permission is checked by the reading query itself: same answers as has_perm."""

import pytest
from django.contrib.auth.models import Permission

from tests.conftest import bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

READS = ["/api/v1/cases/?expand=lines", "/api/v1/cases/JA-P-SAA/", "/api/v1/cases/JA-P-SAA/lines/", "/api/v1/events/"]


def seen(client) -> list:
    answers = []
    for path in READS:
        response = client.get(path)
        body = response.json() if response.status_code == 200 else {}
        answers.append((response.status_code, len(body.get("results", [])) if "results" in body else None))
    return answers


def test_a_client_without_the_view_permission_sees_nothing(demo):
    UserFactory(username="client_ja_norole", purchaser_id="JA", is_staff=False)
    assert seen(bearer("client_ja_norole")) == [(200, 0), (404, None), (404, None), (200, 0)]


def test_a_client_granted_view_case_directly_sees_its_purchaser(demo):
    user = UserFactory(username="client_ja_direct", purchaser_id="JA", is_staff=False)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="cases", codename__startswith="view_"))
    assert seen(bearer("client_ja_direct")) == seen(bearer("client_ja"))
    assert seen(bearer("client_ja_direct"))[0][1] == 2  # JA-P-SAA and JA-B-SAB

"""A purchaser's administrator (client_admin, DESIGN §2 and §5) manages its purchaser's client and
client_officer users and their tokens, and nothing else: every cross-purchaser or upward attempt
is refused with nothing changed."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from fms.accounts.models import ApiToken, User
from fms.accounts.roles import AUDITOR, CASE_OFFICER, CLIENT, CLIENT_ADMIN, CLIENT_OFFICER
from fms.accounts.services import token_issue
from tests.accounts.purchaser_world import purchaser_users
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NOT_FOUND, DENIED, INVALID = (
    "/api/problems/#not-found",
    "/api/problems/#permission-denied",
    "/api/problems/#validation-error",
)


@pytest.fixture
def people(db):
    japan, korea = purchaser_users("JA"), purchaser_users("KS")
    officer = UserFactory(username="staffer_olga", roles=[CASE_OFFICER])
    other_admin = UserFactory(username="admin_ja_2", roles=[CLIENT_ADMIN], purchaser_id="JA", is_staff=False)
    token_issue(actor=None, user=japan["client"], days=5)
    token_issue(actor=None, user=korea["client"], days=5)
    return {"japan": japan, "korea": korea, "officer": officer, "other_admin": other_admin}


def session(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def snapshot() -> tuple:
    users = User.objects.order_by("pk").values_list("username", "is_active", "purchaser_id", "is_staff")
    memberships = User.groups.through.objects.order_by("pk").values_list("user_id", "group_id")
    tokens = ApiToken.objects.order_by("pk").values_list("prefix", "revoked_at")
    return list(users), list(memberships), list(tokens)


def refused(response, status: int, problem: str, before: tuple) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == problem
    assert snapshot() == before


def test_the_administrator_creates_users_of_its_purchaser_and_issues_their_tokens(people):
    admin = session(people["japan"]["client_admin"])
    response = admin.post("/api/v1/purchaser-users/", {"username": "analyst_ja", "role": "client", "last_name": "Sato"})
    assert response.status_code == 201, response.content
    assert response["Location"] == "/api/v1/purchaser-users/analyst_ja/"
    assert response.json() | {"tokens": []} == {
        "username": "analyst_ja", "first_name": "", "last_name": "Sato", "email": "", "purchaser": "JA",
        "role": "client", "is_active": True, "tokens": [],
    }  # fmt: skip
    officer = admin.post("/api/v1/purchaser-users/", {"username": "signer_ja", "role": "client_officer"}).json()
    assert officer["role"] == "client_officer"
    created = User.objects.get(username="signer_ja")
    assert (created.purchaser_id, created.is_staff, created.has_usable_password()) == ("JA", False, False)
    assert set(created.groups.values_list("name", flat=True)) == {CLIENT, CLIENT_OFFICER}

    issued = admin.post("/api/v1/purchaser-users/analyst_ja/tokens/", {"days": 30, "name": "nightly sync"})
    assert issued.status_code == 201, issued.content
    body = issued.json()
    assert (body["purchaser"], body["read_only"], body["username"]) == ("JA", True, "analyst_ja")
    token = ApiToken.objects.get(prefix=body["prefix"])
    assert token.issued_by == people["japan"]["client_admin"]
    reader = APIClient()
    reader.credentials(HTTP_AUTHORIZATION=f"Bearer {body['secret']}")
    assert reader.get("/api/v1/cases/").status_code == 200

    listed = admin.get("/api/v1/purchaser-users/").json()["results"]
    assert [user["username"] for user in listed] == ["analyst_ja", "client_ja", "signatory_ja", "signer_ja"]
    assert "secret" not in str(listed)

    assert admin.delete(f"/api/v1/tokens/{body['prefix']}/").status_code == 204
    assert reader.get("/api/v1/cases/").status_code == 401


def test_deactivating_a_user_revokes_its_tokens(people):
    admin = session(people["japan"]["client_admin"])
    client = people["japan"]["client"]
    _, secret = token_issue(actor=None, user=client, days=5)
    response = admin.delete("/api/v1/purchaser-users/client_ja/")
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert not ApiToken.objects.filter(user=client, revoked_at__isnull=True).exists()
    reader = APIClient()
    reader.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert reader.get("/api/v1/cases/").status_code == 401


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("client_ks", "another purchaser's client"),
        ("admin_ks", "another purchaser's administrator"),
        ("staffer_olga", "a staff user"),
        ("admin_ja", "itself"),
        ("admin_ja_2", "another administrator of its purchaser"),
        ("nobody", "no such user"),
    ],
)
def test_acting_outside_its_scope_is_a_404_and_changes_nothing(people, target, why):
    admin = session(people["japan"]["client_admin"])
    before = snapshot()
    refused(admin.get(f"/api/v1/purchaser-users/{target}/"), 404, NOT_FOUND, before)
    refused(admin.delete(f"/api/v1/purchaser-users/{target}/"), 404, NOT_FOUND, before)
    refused(admin.post(f"/api/v1/purchaser-users/{target}/tokens/", {"days": 5}), 404, NOT_FOUND, before)
    assert target not in {user["username"] for user in admin.get("/api/v1/purchaser-users/").json()["results"]}


def test_another_purchasers_or_a_staff_token_cannot_be_revoked(people):
    admin = session(people["japan"]["client_admin"])
    staff_token, _ = token_issue(actor=people["officer"], user=people["officer"], days=5)
    korean_token = ApiToken.objects.get(user=people["korea"]["client"])
    before = snapshot()
    for token in (staff_token, korean_token):
        refused(admin.delete(f"/api/v1/tokens/{token.prefix}/"), 404, NOT_FOUND, before)


@pytest.mark.parametrize("role", [CLIENT_ADMIN, CASE_OFFICER, AUDITOR])
def test_granting_its_own_or_a_staff_role_is_a_403(people, role):
    admin = session(people["japan"]["client_admin"])
    before = snapshot()
    refused(admin.post("/api/v1/purchaser-users/", {"username": "climber", "role": role}), 403, DENIED, before)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "x y", "role": "client"}, "username"),
        ({"username": "client_ks", "role": "client"}, "username"),
        ({"username": "fresh", "role": "boss"}, "role"),
        ({"username": "fresh", "role": "client", "password": "password1"}, "password"),
        ({"role": "client"}, "username"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(people, body, field):
    admin = session(people["japan"]["client_admin"])
    before = snapshot()
    response = admin.post("/api/v1/purchaser-users/", body)
    refused(response, 400, INVALID, before)
    assert field in response.json()["errors"]


def test_a_token_of_a_bad_length_is_a_400(people):
    admin = session(people["japan"]["client_admin"])
    before = snapshot()
    response = admin.post("/api/v1/purchaser-users/client_ja/tokens/", {"days": 0})
    refused(response, 400, INVALID, before)
    assert "days" in response.json()["errors"]


@pytest.mark.parametrize("who", ["client", "client_officer", "officer", "other_admin_token"])
def test_nobody_else_administers(people, who):
    if who == "officer":
        client = session(people["officer"])
    elif who == "other_admin_token":  # an administrator's token is read-only like every purchaser token
        _, secret = token_issue(actor=None, user=people["japan"]["client_admin"], days=1)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    else:
        client = session(people["japan"][who])
    before = snapshot()
    refused(client.post("/api/v1/purchaser-users/", {"username": "n", "role": "client"}), 403, DENIED, before)
    refused(client.delete("/api/v1/purchaser-users/client_ja/"), 403, DENIED, before)
    if who != "other_admin_token":
        refused(client.get("/api/v1/purchaser-users/"), 403, DENIED, before)


def test_a_superuser_is_not_a_purchasers_administrator(people):
    operator = UserFactory(username="operator", is_superuser=True, purchaser_id="JA")
    before = snapshot()
    refused(session(operator).get("/api/v1/purchaser-users/"), 403, DENIED, before)


# ---- The page --------------------------------------------------------------------------------


def test_the_page_lists_creates_issues_and_deactivates(client, people):
    client.force_login(people["japan"]["client_admin"])
    page = client.get("/purchaser-users/").content.decode()
    assert "client_ja" in page
    assert "signatory_ja" in page
    assert "client_ks" not in page
    assert "staffer_olga" not in page
    assert "admin_ja_2" not in page
    created = client.post("/purchaser-users/", {"action": "create", "username": "analyst_ja", "role": "client"})
    assert created.status_code == 302
    assert User.objects.get(username="analyst_ja").purchaser_id == "JA"
    issued = client.post("/purchaser-users/", {"action": "token", "username": "analyst_ja", "days": "30"})
    token = ApiToken.objects.get(user__username="analyst_ja")
    assert token.prefix in issued.content.decode()
    assert "shown only once" in issued.content.decode()
    client.post("/purchaser-users/", {"action": "revoke", "prefix": token.prefix})
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.post("/purchaser-users/", {"action": "deactivate", "username": "analyst_ja"})
    assert User.objects.get(username="analyst_ja").is_active is False


def test_the_page_refuses_outside_the_scope_with_a_message_and_changes_nothing(client, people):
    client.force_login(people["japan"]["client_admin"])
    before = snapshot()
    for data in (
        {"action": "deactivate", "username": "client_ks"},
        {"action": "token", "username": "staffer_olga", "days": "5"},
        {"action": "create", "username": "climber", "role": CLIENT_ADMIN},
        {"action": "revoke", "prefix": ApiToken.objects.get(user__username="client_ks").prefix},
    ):
        response = client.post("/purchaser-users/", data, follow=True)
        assert response.status_code in (200, 400)
        assert snapshot() == before, data
    assert client.get("/purchaser-users/").status_code == 200


@pytest.mark.parametrize("role", ["client", "client_officer"])
def test_the_page_is_a_403_for_other_purchaser_users(client, people, role):
    client.force_login(people["japan"][role])
    assert client.get("/purchaser-users/").status_code == 403
    assert Group.objects.filter(name=CLIENT_ADMIN).exists()


def test_anyone_revokes_their_own_token_by_its_prefix(people):
    token, secret = token_issue(actor=people["officer"], user=people["officer"], days=5)
    reader = APIClient()
    reader.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert reader.delete(f"/api/v1/tokens/{token.prefix}/").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert reader.get("/api/v1/cases/").status_code == 401

"""API tokens: shown once, stored as an HMAC, bound and read-only for clients, expiring, revocable."""

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from fms.accounts.models import ApiToken, User
from fms.accounts.roles import AUDITOR
from fms.accounts.services import token_issue, token_revoke
from fms.core.errors import NotAllowed, ValidationFailed
from fms.core.models import RateCounter
from tests.conftest import bearer
from tests.database import as_database_superuser
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_for_the_module):
    """Most tests here read the demo: loaded once for the module (tests/conftest.py)."""


def client_with(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_issue_token_prints_the_secret_alone_on_the_last_line(demo):
    out, err = StringIO(), StringIO()
    call_command("issue_token", "--user", "client_ja", "--days", "30", stdout=out, stderr=err)
    secret = out.getvalue().strip().splitlines()[-1]
    assert secret.startswith("fms_")
    assert len(secret) > 40
    token = ApiToken.objects.get(prefix=secret[:12])
    assert (token.purchaser_id, token.read_only) == ("JA", True)
    assert secret not in {token.digest, token.prefix}
    assert client_with(secret).get("/api/v1/cases/").status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "nobody"], "No user"),
        (["--user", "client_ja", "--purchaser", "KS"], "belongs to JA"),
        (["--user", "officer", "--purchaser", "JA"], "Only client users"),
        (["--user", "officer", "--days", "0"], "1 to"),
        (["--user", "officer", "--days", "100000"], "1 to"),
    ],
)
def test_issue_token_refuses_clearly(demo, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("issue_token", *args, stdout=StringIO(), stderr=StringIO())


def test_expired_and_revoked_tokens_get_401_on_the_next_request(demo):
    officer = User.objects.get(username="officer")
    token, secret = token_issue(actor=officer, user=officer, days=1)
    client = client_with(secret)
    assert client.get("/api/v1/cases/").status_code == 200
    token_revoke(actor=officer, token=token)
    refused = client.get("/api/v1/cases/")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert refused["Content-Type"] == "application/problem+json"

    token, secret = token_issue(actor=officer, user=officer, days=1)
    client = client_with(secret)
    assert client.get("/api/v1/cases/").status_code == 200
    with as_database_superuser(), connection.cursor() as cursor:  # time passes: move the expiry into the past
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE accounts_apitoken SET created_at = now() - interval '2 days',"
            " expires_at = now() - interval '1 second' WHERE id = %s",
            [token.pk],
        )
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    assert client.get("/api/v1/cases/").status_code == 401


def test_unknown_or_malformed_tokens_are_401(demo):
    for header in ["Bearer fms_nope", "Bearer ", "Bearer a b", "Bearer " + "x" * 500]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        assert client.get("/api/v1/cases/").status_code == 401, header
    assert APIClient().get("/api/v1/cases/").status_code == 401


def test_client_tokens_are_read_only(api):
    client = api("client_ja")
    refused = client.post("/api/v1/cases/", {"case_id": "JA-P-NEW", "title": "x"})
    assert refused.status_code == 403
    read_only_officer = bearer("officer", read_only=True)
    assert read_only_officer.post("/api/v1/cases/", {"case_id": "JA-P-NEW", "title": "x"}).status_code == 403


def test_scope_cannot_change_after_creation_even_in_sql(demo):
    officer = User.objects.get(username="officer")
    token, _ = token_issue(actor=officer, user=officer, days=1)
    for sql in [
        "UPDATE accounts_apitoken SET read_only = true WHERE id = %s",
        "UPDATE accounts_apitoken SET expires_at = expires_at + interval '1 day' WHERE id = %s",
        "UPDATE accounts_apitoken SET purchaser_id = 'JA' WHERE id = %s",
    ]:
        immutable = "pgtrigger_apitoken_scope_immutable"
        with pytest.raises(DatabaseError, match=immutable), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [token.pk])
    token_revoke(actor=officer, token=token)
    final = "pgtrigger_apitoken_revocation_is_final"
    with pytest.raises(DatabaseError, match=final), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_apitoken SET revoked_at = NULL WHERE id = %s", [token.pk])
    with connection.cursor() as cursor:  # the positive control: other columns of a revoked token still change
        cursor.execute("UPDATE accounts_apitoken SET last_used_at = now() WHERE id = %s", [token.pk])


def test_only_administrators_create_tokens_for_someone_else_and_only_for_clients_and_systems(demo):
    officer, reviewer, admin = (User.objects.get(username=n) for n in ("officer", "reviewer", "admin"))
    client_ja = User.objects.get(username="client_ja")
    system = User.objects.create_user(username="nightly_sync", is_staff=False)
    with pytest.raises(NotAllowed, match="Only an administrator"):
        token_issue(actor=officer, user=client_ja, days=1)
    assert token_issue(actor=admin, user=client_ja, days=1)[0].issued_by == admin
    assert token_issue(actor=admin, user=system, days=1)[0].issued_by == admin
    assert token_issue(actor=reviewer, user=reviewer, days=1)[0].issued_by == reviewer
    with pytest.raises(ValidationFailed):
        token_issue(actor=admin, user=client_ja, days=settings.TOKEN_MAX_DAYS + 1)


def test_an_administrator_cannot_issue_a_token_for_another_staff_user(demo):
    """Else the admin could approve with reviewer2's token and the ledger would say reviewer2 did."""
    admin, reviewer2 = User.objects.get(username="admin"), User.objects.get(username="reviewer2")
    before = ApiToken.objects.count()
    with pytest.raises(NotAllowed, match="reviewer2 is a staff user: only they can create their own tokens"):
        token_issue(actor=admin, user=reviewer2, days=1)
    assert ApiToken.objects.count() == before


def test_last_used_is_recorded_at_most_once_a_minute(demo):
    officer = User.objects.get(username="officer")
    token, secret = token_issue(actor=officer, user=officer, days=1)
    client = client_with(secret)
    client.get("/api/v1/cases/")
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    client.get("/api/v1/cases/")
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    assert timezone.now() - first < dt.timedelta(minutes=1)


# A revocation, a deactivation or a role taken away takes effect on the next request, also for a token the
# process already knows (TOKEN_CACHE_SECONDS only bounds a change of what a group grants: test_token_cache.py).


@override_settings(API_RATE_LIMITS={"token": "100/min", "session": None})
def test_a_revoked_token_is_refused_on_the_very_next_request_and_that_request_counts_nothing(officer):
    make_case(officer)
    client = bearer("officer")
    assert client.get("/api/v1/cases/").status_code == 200
    token = ApiToken.objects.get(user=officer)
    counted = RateCounter.objects.get(key=f"{settings.CACHE_KEY_PREFIX}:rate:token:{token.pk}").hits
    used = token.last_used_at
    token_revoke(actor=officer, token=token)
    refused = client.get("/api/v1/cases/")
    assert (refused.status_code, refused.json()["type"]) == (401, "/api/problems/#not-authenticated")
    # The lookup that refused it neither counted the request nor marked the token used.
    assert RateCounter.objects.get(key=f"{settings.CACHE_KEY_PREFIX}:rate:token:{token.pk}").hits == counted == 1
    token.refresh_from_db()
    assert token.last_used_at == used


def test_a_deactivated_user_or_a_purchaser_changed_since_issue_refuses_the_token_at_once(client_ja):
    client = bearer("client_ja")
    assert client.get("/api/v1/cases/").status_code == 200
    User.objects.filter(pk=client_ja.pk).update(purchaser_id="KS")
    assert client.get("/api/v1/cases/").status_code == 401
    User.objects.filter(pk=client_ja.pk).update(purchaser_id="JA", is_active=False)
    assert client.get("/api/v1/cases/").status_code == 401
    User.objects.filter(pk=client_ja.pk).update(is_active=True)
    assert client.get("/api/v1/cases/").status_code == 200


def test_a_role_taken_away_takes_effect_on_the_next_request(officer, auditor):
    case = make_case(officer)
    client = bearer("auditor")
    assert client.get(f"/api/v1/cases/{case.case_id}/").status_code == 200
    auditor.groups.remove(Group.objects.get(name=AUDITOR))
    refused = client.get(f"/api/v1/cases/{case.case_id}/")
    assert (refused.status_code, refused.json()["type"]) == (404, "/api/problems/#not-found")


def _prepared_token_lookups() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%FROM fms_token_lookup(%"],
        )
        return cursor.fetchone()[0]


def test_the_token_lookup_is_planned_once_per_connection_not_per_request(client_ja):
    """Every API request sends it, and planning it cost PostgreSQL more than running it: it is a
    server-side prepared statement (DATABASE_PREPARED_STATEMENTS, off only behind PgBouncer)."""
    _, secret = token_issue(actor=None, user=client_ja, days=1)
    client = client_with(secret)
    for _ in range(3):
        assert client.get("/api/v1/cases/").status_code == 200
    assert _prepared_token_lookups() >= 1


# What an API request's authentication runs inside PostgreSQL: the lookup, the check of a known
# token, the rate count and the digest of the user's grants.
PER_REQUEST_FUNCTIONS = ("fms_token_lookup", "fms_token_check", "fms_rate_hit", "fms_user_grants")


def test_the_functions_every_api_request_calls_keep_their_plans():
    """PL/pgSQL plans its statements once per connection. A LANGUAGE sql function with subqueries is
    not inlined, and before PostgreSQL 18 it is planned on every call: fms_user_grants was, 0.16 ms a
    call against 0.06 ms in PL/pgSQL (accounts migration 0010)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.proname, l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang"
            " WHERE p.proname = ANY(%s)",
            [list(PER_REQUEST_FUNCTIONS)],
        )
        assert dict(cursor.fetchall()) == dict.fromkeys(PER_REQUEST_FUNCTIONS, "plpgsql")

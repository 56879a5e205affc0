"""A token the process looked up is only checked on its next requests (TOKEN_CACHE_SECONDS): still active,
its user's own grants unchanged. What changes take effect at once, and what within the bound."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fms.accounts import services
from fms.accounts.models import ApiToken
from fms.accounts.roles import AUDITOR
from fms.core.models import RateCounter
from tests.conftest import bearer
from tests.factories import make_case

pytestmark = pytest.mark.django_db
LIMITS = {"token": "100/min", "session": None}


def statements_of(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return status, [query["sql"] for query in queries.captured_queries]


def hits_of(user) -> int:
    token = ApiToken.objects.get(user=user)
    return RateCounter.objects.get(key=f"{settings.CACHE_KEY_PREFIX}:rate:token:{token.pk}").hits


@pytest.fixture
def audited(officer, auditor):
    """An auditor's API client and the detail URL of a case it may read."""
    return bearer("auditor"), f"/api/v1/cases/{make_case(officer).case_id}/"


@override_settings(API_RATE_LIMITS=LIMITS)
def test_a_known_token_is_checked_not_looked_up_and_each_request_is_counted(audited, auditor):
    client, url = audited
    status, first = statements_of(client, url)
    assert status == 200
    assert any("FROM fms_token_lookup(" in sql for sql in first)
    status, second = statements_of(client, url)
    assert status == 200
    assert any("FROM fms_token_check(" in sql for sql in second)
    assert not any("fms_token_lookup" in sql for sql in second)
    assert len(second) == len(first)  # the check replaces the lookup: no more statements than before
    assert hits_of(auditor) == 2


@override_settings(API_RATE_LIMITS=LIMITS, TOKEN_CACHE_SECONDS=0)
def test_with_no_cache_every_request_looks_the_token_up(audited):
    client, url = audited
    for _ in range(2):
        status, statements = statements_of(client, url)
        assert status == 200
        assert any("FROM fms_token_lookup(" in sql for sql in statements)
        assert not any("fms_token_check" in sql for sql in statements)


@override_settings(API_RATE_LIMITS=LIMITS)
def test_a_role_taken_from_a_known_token_looks_it_up_again_and_counts_the_request_once(audited, auditor):
    client, url = audited
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # known now
    auditor.groups.remove(Group.objects.get(name=AUDITOR))
    status, statements = statements_of(client, url)
    assert status == 404  # the role that let it read the case is gone: on this request, not later
    assert any("fms_token_check" in sql for sql in statements)
    assert any("fms_token_lookup" in sql for sql in statements)
    assert hits_of(auditor) == 3


@override_settings(API_RATE_LIMITS=LIMITS)
def test_a_known_token_revoked_in_the_database_is_refused_at_once(audited):
    client, url = audited
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    ApiToken.objects.update(revoked_at=timezone.now())  # as another process would: this one's memory untouched
    refused = client.get(url)
    assert (refused.status_code, refused.json()["type"]) == (401, "/api/problems/#not-authenticated")


@override_settings(API_RATE_LIMITS=LIMITS, TOKEN_CACHE_SECONDS=60)
def test_what_a_group_grants_reaches_a_known_token_within_the_bound(audited, monkeypatch):
    client, url = audited
    assert client.get(url).status_code == 200
    Group.objects.get(name=AUDITOR).permissions.remove(Permission.objects.get(codename="view_case"))
    # Within the bound the process still answers with the permissions it looked up: this is the bound.
    assert client.get(url).status_code == 200
    later = timezone.now() + dt.timedelta(seconds=61)
    monkeypatch.setattr(services.timezone, "now", lambda: later)
    assert client.get(url).status_code == 404


def test_the_process_keeps_a_bounded_number_of_tokens(officer, monkeypatch):
    monkeypatch.setattr(services, "KNOWN_TOKENS_MAX", 3)
    monkeypatch.setattr(services, "_known", type(services._known)())
    clients = [bearer("officer") for _ in range(5)]
    for client in clients:
        assert client.get("/api/v1/implementing-agencies/").status_code == 200
    assert len(services._known) == 3
    newest = [services.token_digest(client.secret) for client in clients[2:]]
    assert list(services._known) == newest

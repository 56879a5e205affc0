"""Limits: body size (413), page size (capped), request rates per token and per session user (429
with Retry-After). The rate counters live in the configured shared cache (the database table here,
Redis when REDIS_URL is set); tests/reliability checks they hold across gunicorn workers."""

import datetime as dt

import orjson
import pytest
from django.db.models import F
from django.test import override_settings

from fms.cases.models import Case
from fms.core.api import throttling
from fms.core.models import IdempotencyRecord, RateCounter

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def big_case(size: int) -> bytes:
    return orjson.dumps({"case_id": "KS-B-BIG", "title": "Big", "description": "x" * size})


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2000)
@pytest.mark.parametrize("idempotency_key", [None, "big-1"])
def test_a_json_body_over_the_limit_is_413_problem_and_nothing_is_written(api, idempotency_key):
    officer = api("officer")
    headers = {"HTTP_IDEMPOTENCY_KEY": idempotency_key} if idempotency_key else {}
    response = officer.generic("POST", "/api/v1/cases/", big_case(5000), "application/json", **headers)
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"].endswith("#payload-too-large")
    assert not Case.objects.filter(case_id="KS-B-BIG").exists()
    assert not IdempotencyRecord.objects.exists()
    # Just under the limit is fine.
    fits = officer.generic("POST", "/api/v1/cases/", big_case(1500), "application/json", **headers)
    assert fits.status_code == 201


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2000)
def test_a_patch_over_the_limit_is_413(api):
    officer = api("officer")
    etag = officer.get("/api/v1/cases/JA-P-SAA/")["ETag"]
    body = orjson.dumps({"notes": "y" * 5000})
    response = officer.generic("PATCH", "/api/v1/cases/JA-P-SAA/", body, "application/json", HTTP_IF_MATCH=etag)
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM


def test_the_default_body_limit_is_one_mebibyte(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 1024 * 1024


@override_settings(API_MAX_PAGE_SIZE=2)
def test_page_size_above_the_maximum_is_refused_not_capped(api):
    response = api("auditor").get("/api/v1/cases/?page_size=3")
    assert response.status_code == 400
    assert response.json()["errors"]["page_size"] == ["A whole number from 1 to 2."]
    assert len(api("auditor").get("/api/v1/cases/?page_size=2").json()["results"]) == 2


def assert_rate_limited(response) -> None:
    assert response.status_code == 429
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"].endswith("#rate-limited")
    assert 1 <= int(response["Retry-After"]) <= 61


@override_settings(API_RATE_LIMITS={"token": "3/min", "session": None})
def test_requests_per_token_are_limited_and_each_token_has_its_own_budget(api):
    first = api("officer")
    assert [first.get("/api/v1/cases/").status_code for _ in range(3)] == [200, 200, 200]
    assert_rate_limited(first.get("/api/v1/cases/"))
    assert_rate_limited(first.post("/api/v1/cases/", {}))  # writes count against the same budget
    second = api("officer")  # the same user's other token
    assert second.get("/api/v1/cases/").status_code == 200


def _windows_pass(seconds: int) -> None:
    """The clock of every counter moves on `seconds` (each window opened that long earlier)."""
    RateCounter.objects.update(window_started=F("window_started") - dt.timedelta(seconds=seconds))


@override_settings(API_RATE_LIMITS={"token": "2/min", "session": None})
def test_a_token_over_its_limit_is_served_again_once_its_window_has_passed(api):
    client = api("officer")
    assert [client.get("/api/v1/cases/").status_code for _ in range(2)] == [200, 200]
    assert_rate_limited(client.get("/api/v1/cases/"))
    _windows_pass(59)
    refused = client.get("/api/v1/cases/")  # still the same minute
    assert_rate_limited(refused)
    assert int(refused["Retry-After"]) <= 2
    _windows_pass(2)
    assert [client.get("/api/v1/cases/").status_code for _ in range(3)] == [200, 200, 429]


def test_a_window_opens_with_the_first_request_and_counts_until_its_period_ends():
    assert [throttling.hit("k", 60)[0] for _ in range(3)] == [1, 2, 3]
    assert 58 < throttling.hit("k", 60)[1] <= 60
    _windows_pass(30)
    hits, left = throttling.hit("k", 60)
    assert hits == 5
    assert 28 < left <= 30
    _windows_pass(31)
    assert [throttling.hit("k", 60)[0] for _ in range(2)] == [1, 2]  # a new window
    assert throttling.hit("other", 60)[0] == 1  # each key its own


@override_settings(API_RATE_LIMITS={"token": None, "session": "2/min"})
def test_requests_per_signed_in_user_are_limited(demo, client):
    from fms.accounts.models import User

    client.force_login(User.objects.get(username="auditor"))
    assert [client.get("/api/v1/cases/").status_code for _ in range(2)] == [200, 200]
    assert_rate_limited(client.get("/api/v1/cases/"))
    other = client.__class__()
    other.force_login(User.objects.get(username="officer"))
    assert other.get("/api/v1/cases/").status_code == 200


def test_rate_limits_come_from_the_environment_and_bad_values_are_refused():
    import os
    import subprocess
    import sys

    from tests.core.test_settings import ROOT

    code = "import django; django.setup(); from django.conf import settings as s; print(s.API_RATE_LIMITS)"
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "fms.settings", "DATABASE_URL": "postgres://x@y/z"}

    def run(**env):
        return subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env={**base, "DEBUG": "1", **env}, capture_output=True, text=True
        )

    assert run().stdout.strip() == "{'token': '600/min', 'session': '600/min'}"
    assert run(RATE_LIMIT_TOKEN="20/s", RATE_LIMIT_SESSION="off").stdout.strip() == "{'token': '20/s', 'session': None}"
    bad = run(RATE_LIMIT_TOKEN="lots")
    assert bad.returncode != 0
    assert "RATE_LIMIT_TOKEN='lots'" in bad.stderr

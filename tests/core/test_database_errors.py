"""The database's own limits and failures become clear problems: a row lock held too long is 409,
a statement cut by statement_timeout is 503, a database that does not answer is 503 — whether the
error comes from a view or from a middleware — and nothing is half written."""

import os
import re
import subprocess
import sys
import time

from django.conf import settings
from django.db import connection, connections
from rest_framework.test import APIClient

from fms.accounts.roles import CASE_OFFICER
from fms.accounts.services import token_issue
from fms.cases.models import Case
from tests.core.test_settings import ROOT
from tests.factories import UserFactory, make_case
from tests.transactional import CommittedTestCase


def gunicorn_timeout() -> int:
    dockerfile = (ROOT / "Dockerfile").read_text()
    return int(re.search(r'"--timeout", "(\d+)"', dockerfile).group(1))


def test_statement_and_lock_timeouts_end_before_gunicorn_kills_the_worker(db):
    worker_timeout_ms = gunicorn_timeout() * 1000
    assert settings.DB_LOCK_TIMEOUT_MS < settings.DB_STATEMENT_TIMEOUT_MS < worker_timeout_ms
    with connection.cursor() as cursor:  # set on every connection, in milliseconds
        cursor.execute("SELECT name, setting FROM pg_settings WHERE name IN ('statement_timeout', 'lock_timeout')")
        applied = dict(cursor.fetchall())
    assert applied == {
        "statement_timeout": str(settings.DB_STATEMENT_TIMEOUT_MS),
        "lock_timeout": str(settings.DB_LOCK_TIMEOUT_MS),
    }


class HeldLockTest(CommittedTestCase):
    """Another connection holds the case's row lock (as a slow request would)."""

    def setUp(self):
        officer = UserFactory(username="officer", roles=[CASE_OFFICER])
        self.case = make_case(officer)
        _, secret = token_issue(actor=None, user=officer, days=1)
        self.api = APIClient()
        self.api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.holder = connections.create_connection("default")
        self.holder.set_autocommit(False)
        self.holder.cursor().execute("SELECT 1 FROM cases_case WHERE id = %s FOR UPDATE", [self.case.pk])

    def tearDown(self):
        self.holder.rollback()
        self.holder.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout; RESET statement_timeout")

    def patch_title(self):
        started = time.monotonic()
        response = self.api.patch(
            f"/api/v1/cases/{self.case.case_id}/", {"title": "Changed"}, HTTP_IF_MATCH=f'"{self.case.version}"'
        )
        return response, time.monotonic() - started

    def test_a_request_blocked_on_a_row_lock_gets_409_within_the_lock_timeout(self):
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '400ms'")
        response, seconds = self.patch_title()
        assert response.status_code == 409, response.content
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["type"].endswith("#lock-timeout")
        assert response["Retry-After"] == "1"
        assert 0.4 <= seconds < 10
        assert Case.objects.get(pk=self.case.pk).title == "Test case"  # nothing written

    def test_a_statement_cut_by_the_statement_timeout_is_503(self):
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0; SET statement_timeout = '400ms'")
        response, _ = self.patch_title()
        assert response.status_code == 503, response.content
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["type"].endswith("#statement-timeout")
        assert Case.objects.get(pk=self.case.pk).title == "Test case"


def test_a_database_that_does_not_answer_is_503_problem_even_from_a_middleware():
    # The Idempotency-Key middleware queries before any view runs; nothing listens on port 1.
    code = (
        "import django; django.setup(); from django.test import Client; c = Client(raise_request_exception=False);"
        "r = c.post('/api/v1/cases/', '{}', content_type='application/json', HTTP_AUTHORIZATION='Bearer fms_x',"
        " HTTP_IDEMPOTENCY_KEY='k1');"
        "v = c.get('/api/v1/cases/', HTTP_AUTHORIZATION='Bearer fms_x');"
        "print(r.status_code, r['Content-Type'], r.json()['type'], v.status_code, v.json()['type'])"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "fms.settings",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/fms",
        "ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "CRITICAL",
    }
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    status, content_type, slug, view_status, view_slug = result.stdout.split()
    assert (status, content_type, slug) == ("503", "application/problem+json", "/api/problems/#service-unavailable")
    assert (view_status, view_slug) == ("503", "/api/problems/#service-unavailable"), result.stderr

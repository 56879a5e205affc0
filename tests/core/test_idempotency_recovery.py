"""A first request that never recorded its outcome does not block its Idempotency-Key for 24 hours."""

import datetime as dt

import pytest
from django.utils import timezone

from fms.accounts.services import token_digest
from fms.cases.models import Case
from fms.core.idempotency import IdempotencyMiddleware
from fms.core.models import IdempotencyRecord

pytestmark = pytest.mark.django_db

BODY = b'{"case_id": "KS-B-ABD", "title": "Abandoned"}'


def left_in_progress(officer, key: str, age_seconds: int) -> IdempotencyRecord:
    """What a request leaves behind when the database went away before its outcome was recorded."""
    record = IdempotencyRecord.objects.create(
        owner="token:" + token_digest(officer.secret),
        key=key,
        fingerprint=IdempotencyMiddleware.fingerprint("POST", "/api/v1/cases/", BODY),
        expires_at=timezone.now() + dt.timedelta(hours=24),
    )
    IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - dt.timedelta(seconds=age_seconds))
    return record


def post(officer, key: str):
    return officer.generic("POST", "/api/v1/cases/", BODY, "application/json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retry_runs_once_the_first_request_is_older_than_any_request_can_be(api, settings):
    officer = api("officer")
    left_in_progress(officer, "k-old", age_seconds=settings.IDEMPOTENCY_ABANDONED_SECONDS + 1)
    response = post(officer, "k-old")
    assert response.status_code == 201
    assert Case.objects.filter(case_id="KS-B-ABD").count() == 1
    assert post(officer, "k-old")["Idempotent-Replayed"] == "true"  # and is remembered as usual


def test_a_recent_one_is_still_running_409(api, settings):
    officer = api("officer")
    left_in_progress(officer, "k-new", age_seconds=settings.IDEMPOTENCY_ABANDONED_SECONDS - 10)
    assert post(officer, "k-new").status_code == 409
    assert not Case.objects.filter(case_id="KS-B-ABD").exists()

"""Idempotency-Key on API POSTs: a retry within 24 hours gets the first response again; the same
key with a different request is 422; a retry while the first is still running is 409.

A first request that never recorded its outcome (its worker was killed, or the database went away
before the record could be updated or removed) would block its key for 24 hours; after
IDEMPOTENCY_ABANDONED_SECONDS (longer than any request may run) a retry runs instead."""

import datetime as dt
import functools
import hashlib

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.module_loading import import_string

from fms.core.models import IdempotencyRecord
from fms.core.problems import problem_response

HEADER = "Idempotency-Key"
REPLAYED_HEADERS = ("Location", "ETag", "Content-Type")


@functools.cache
def _owner_of():
    """Who owns a key is the accounts app's knowledge (core imports no app above it): a setting names it."""
    return import_string(settings.IDEMPOTENCY_OWNER)


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not 1 <= len(key) <= 255:
            return problem_response(
                request,
                status_code=400,
                slug="validation-error",
                detail="Idempotency-Key must be 1 to 255 characters.",
                errors={HEADER: ["1 to 255 characters, e.g. a UUID."]},
            )
        owner = _owner_of()(request)
        if owner is None:
            return self.get_response(request)  # authentication will refuse it; nothing to remember
        try:
            body = request.body
        except RequestDataTooBig:
            return problem_response(request, status_code=413, slug="payload-too-large", detail="The body is too large.")
        fingerprint = self.fingerprint(request.method, request.get_full_path(), body)
        record, answer = self._claim(request, owner, key, fingerprint)
        if answer is not None:
            return answer

        try:
            response = self.get_response(request)
        except BaseException:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        if response.status_code >= 500 or response.status_code in (401, 403, 429) or response.streaming:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()  # not a final answer: let a retry run
            return response
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            state=IdempotencyRecord.State.DONE,
            status_code=response.status_code,
            content_type=response.get("Content-Type", ""),
            headers={name: response[name] for name in REPLAYED_HEADERS if name in response},
            body=response.content,
        )
        return response

    @staticmethod
    def fingerprint(method: str, path: str, body: bytes) -> str:
        return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()

    def _claim(self, request, owner: str, key: str, fingerprint: str):
        """(record, None) when this request may run; (None, response) when it is answered already."""
        now = timezone.now()
        expires = now + dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
        for _ in range(2):
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        owner=owner, key=key, fingerprint=fingerprint, expires_at=expires
                    )
                return record, None
            except IntegrityError:
                existing = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
                if existing is None:
                    continue  # finished and purged between the two statements
                abandoned = now - dt.timedelta(seconds=settings.IDEMPOTENCY_ABANDONED_SECONDS)
                if existing.expires_at <= now or (
                    existing.state == IdempotencyRecord.State.IN_PROGRESS and existing.created_at <= abandoned
                ):
                    IdempotencyRecord.objects.filter(pk=existing.pk, state=existing.state).delete()
                    continue
                return None, self._answer_existing(request, existing, fingerprint)
        return None, problem_response(request, status_code=409, slug="idempotency-key-in-use", detail="Retry shortly.")

    @staticmethod
    def _answer_existing(request, existing: IdempotencyRecord, fingerprint: str) -> HttpResponse:
        if existing.fingerprint != fingerprint:
            return problem_response(
                request,
                status_code=422,
                slug="idempotency-key-reused",
                detail="This Idempotency-Key was used for a different request; use a new key.",
                errors={HEADER: ["Already used for a different request."]},
            )
        if existing.state == IdempotencyRecord.State.IN_PROGRESS:
            response = problem_response(
                request,
                status_code=409,
                slug="idempotency-key-in-use",
                detail="The first request with this Idempotency-Key is still being processed; retry shortly.",
            )
            response["Retry-After"] = "1"
            return response
        response = HttpResponse(bytes(existing.body), status=existing.status_code)
        for name, value in existing.headers.items():
            response[name] = value
        response["Idempotent-Replayed"] = "true"
        return response

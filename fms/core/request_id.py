"""Every request gets an id: taken from a sane incoming X-Request-ID or made up, sent back in the
response header, put on every log line and into the field-history context."""

import contextvars
import logging
import re
import uuid

import pghistory.middleware

REQUEST_ID_HEADER = "X-Request-ID"
_SANE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SANE.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


class HistoryMiddleware(pghistory.middleware.HistoryMiddleware):
    """pghistory's request context (user, url) plus the request id."""

    def get_context(self, request):
        return {**super().get_context(request), "request_id": getattr(request, "request_id", None)}

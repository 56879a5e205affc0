"""RFC 9457 problem details: every API error is `application/problem+json` with a stable `type`,
a field-by-field `errors` map when fields are at fault, and the request id. Never a stack trace."""

import logging
import sys

import orjson
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import DatabaseError, OperationalError
from django.db.utils import InterfaceError
from django.http import Http404, HttpRequest, HttpResponse
from psycopg import errors as pg_errors
from rest_framework import exceptions, status
from rest_framework.response import Response

from fms.core.errors import DomainError

logger = logging.getLogger("fms.problems")

PROBLEM_CONTENT_TYPE = "application/problem+json"

# type slug -> (title, what a client should do). Served at /api/problems/ and in the schema.
PROBLEM_TYPES: dict[str, tuple[str, str]] = {
    "validation-error": ("The request has invalid fields", "Correct the fields listed in `errors` and retry."),
    "malformed-request": ("The request body could not be read", "Send valid JSON with Content-Type application/json."),
    "not-authenticated": ("Authentication required", "Send Authorization: Bearer fms_… or sign in."),
    "permission-denied": ("You may not do this", "Your role does not allow this operation."),
    "not-found": ("Not found", "The resource does not exist or is not visible to you."),
    "method-not-allowed": ("Method not allowed", "See the Allow header."),
    "not-acceptable": ("Not acceptable", "Ask for application/json (or text/csv on lists)."),
    "unsupported-media-type": ("Unsupported media type", "Send application/json."),
    "transition-not-allowed": ("This step is not possible now", "Read `detail` for the unmet condition."),
    "document-step-required": (
        "This step is taken through the LOA document",
        "Offer with POST /api/v1/cases/{case_id}/documents/BASIC/offer/; accept with "
        "POST /api/v1/cases/{case_id}/documents/BASIC/accept/ (see `errors.action`).",
    ),
    "separation-of-duties": ("Separation of duties", "Another reviewer must decide on a line you created or changed."),
    "conflict": ("The request conflicts with the current state", "Reload the resource and retry."),
    "idempotency-key-in-use": ("A request with this Idempotency-Key is still running", "Retry after it finishes."),
    "idempotency-key-reused": ("Idempotency-Key reused with a different request", "Use a new key for a new request."),
    "stale-version": ("The record changed since you read it", "GET it again and retry with the new ETag."),
    "precondition-required": ("If-Match required", "Send If-Match with the ETag from your last GET."),
    "payload-too-large": ("The request body is too large", "Send a smaller body."),
    "rate-limited": ("Too many requests", "Wait for Retry-After seconds."),
    "lock-timeout": (
        "The record is being changed by another request",
        "Nothing was changed; retry in a moment (GET it again first if you send If-Match).",
    ),
    "statement-timeout": ("The database took too long", "Nothing was changed; retry later or ask for less."),
    "service-unavailable": ("The service is unavailable", "Retry shortly; nothing was changed."),
    "server-error": ("Internal error", "Retry later and quote the request id if it persists."),
    "header-frozen": ("The case header is frozen since the offer", "Open an amendment or a modification."),
    "content-hash-mismatch": (
        "The content hash does not match the offered document",
        "GET the document again and accept the content_hash it shows.",
    ),
    "offer-expired": ("The offer has expired", "The offer can no longer be accepted; ask for a reinstated offer."),
    "draft-already-open": ("The case already has an open amendment or modification", "Offer, issue or withdraw it."),
    "modification-changes-scope": (
        "A modification cannot change the scope",
        "Open an amendment to add lines or raise quantities.",
    ),
    "import-refused": (
        "The file was refused: nothing was imported",
        "Correct every row listed in `errors` (by line number) and send the whole file again.",
    ),
    "domain-error": ("The request was refused", "Read `detail`."),
    "mfa-required": (
        "A second factor is required",
        "Sign in on the web and pass your second factor (/mfa/), or use an API token.",
    ),
}


def problem_type_uri(slug: str) -> str:
    return f"/api/problems/#{slug}"


def problem_body(
    request: HttpRequest | None, *, status_code: int, slug: str, detail: str, errors: dict | None = None
) -> dict:
    title = PROBLEM_TYPES.get(slug, PROBLEM_TYPES["domain-error"])[0]
    body = {
        "type": problem_type_uri(slug),
        "title": title,
        "status": status_code,
        "detail": detail,
        "request_id": getattr(request, "request_id", None),
    }
    if errors:
        body["errors"] = errors
    if request is not None:
        body["instance"] = request.path
    return body


def problem_response(
    request: HttpRequest | None, *, status_code: int, slug: str, detail: str, errors: dict | None = None
) -> HttpResponse:
    """A problem+json response outside DRF (middleware, Django's error handlers)."""
    body = problem_body(request, status_code=status_code, slug=slug, detail=detail, errors=errors)
    return HttpResponse(orjson.dumps(body), status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def _field_errors(detail) -> dict[str, list[str]]:
    """DRF's nested error detail as {field: [messages]}, nested fields dotted, list items indexed."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            flat.setdefault(prefix or "non_field_errors", []).extend(str(v) for v in value)
        elif isinstance(value, list):
            for index, sub in enumerate(value):
                walk(f"{prefix}.{index}" if prefix else str(index), sub)
        else:
            flat.setdefault(prefix or "non_field_errors", []).append(str(value))

    walk("", detail)
    return flat


_DRF_SLUGS = {
    exceptions.ParseError: "malformed-request",
    exceptions.AuthenticationFailed: "not-authenticated",
    exceptions.NotAuthenticated: "not-authenticated",
    exceptions.PermissionDenied: "permission-denied",
    exceptions.NotFound: "not-found",
    exceptions.MethodNotAllowed: "method-not-allowed",
    exceptions.NotAcceptable: "not-acceptable",
    exceptions.UnsupportedMediaType: "unsupported-media-type",
    exceptions.Throttled: "rate-limited",
}


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "Send If-Match with the ETag of the version you read."
    default_code = "precondition-required"


class ProblemException(exceptions.APIException):
    """Any problem raised from API code with its own slug and status."""

    def __init__(self, status_code: int, slug: str, detail: str) -> None:
        super().__init__(detail)
        self.status_code, self.slug = status_code, slug


def database_problem(exc: BaseException) -> tuple[int, str, str] | None:
    """(status, slug, detail) for a database error that is the database's state, not a bug.

    A lock wait or a statement cut by lock_timeout / statement_timeout (settings.DB_*_TIMEOUT_MS)
    rolled its transaction back; a lost or refused connection means the server is down or
    restarting. Every other DatabaseError is a bug: None (answered 500).
    """
    if not isinstance(exc, OperationalError | InterfaceError):
        return None
    cause = exc.__cause__
    if isinstance(cause, pg_errors.LockNotAvailable):
        return 409, "lock-timeout", "Another request holds this record; nothing was changed. Retry in a moment."
    if isinstance(cause, pg_errors.QueryCanceled):
        return 503, "statement-timeout", "The database did not answer in time; nothing was changed."
    return 503, "service-unavailable", "The database is unavailable; nothing was changed."


def api_exception_handler(exc, context) -> Response | None:
    request = context.get("request")
    headers: dict[str, str] = {}
    if isinstance(exc, DomainError):
        status_code, slug, detail, errors = exc.status, exc.type, exc.detail, exc.errors
    elif isinstance(exc, Http404):
        status_code, slug, detail, errors = 404, "not-found", "Not found.", None
    elif isinstance(exc, PermissionDenied):
        status_code, slug, detail, errors = 403, "permission-denied", "You may not do this.", None
    elif isinstance(exc, RequestDataTooBig):
        status_code, slug, detail, errors = 413, "payload-too-large", "The request body is too large.", None
    elif (database := database_problem(exc)) is not None:
        logger.warning("database: %s", exc)
        (status_code, slug, detail), errors = database, None
        headers["Retry-After"] = "1" if status_code == 409 else "2"
    elif isinstance(exc, ProblemException):
        status_code, slug, detail, errors = exc.status_code, exc.slug, str(exc.detail), None
    elif isinstance(exc, PreconditionRequired):
        status_code, slug, detail, errors = exc.status_code, "precondition-required", str(exc.detail), None
    elif isinstance(exc, exceptions.ValidationError):
        status_code, slug, errors = 400, "validation-error", _field_errors(exc.detail)
        detail = f"Invalid value for: {', '.join(sorted(errors))}."
    elif isinstance(exc, exceptions.APIException):
        status_code = exc.status_code
        slug = next((s for cls, s in _DRF_SLUGS.items() if isinstance(exc, cls)), "domain-error")
        detail, errors = str(exc.detail), None
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait) + 1)
        if status_code == 401:
            authenticator = request and request.successful_authenticator is None and request.authenticators
            if authenticator:
                headers["WWW-Authenticate"] = request.authenticators[0].authenticate_header(request)
    elif isinstance(exc, DatabaseError):
        logger.exception("database error")
        status_code, slug, detail, errors = 500, "server-error", "Internal error.", None
    else:
        return None  # Django's 500 handler answers (as problem+json for the API, without a trace)
    body = problem_body(request, status_code=status_code, slug=slug, detail=detail, errors=errors)
    response = Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)
    return response


def _wants_problem(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def handler404(request, exception=None):
    if _wants_problem(request):
        return problem_response(request, status_code=404, slug="not-found", detail="Not found.")
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def handler500(request):
    # An exception raised outside DRF (a middleware reaching a database that is down) lands here.
    database = database_problem(sys.exc_info()[1])
    if database is not None:
        status_code, slug, detail = database
        if _wants_problem(request):
            response = problem_response(request, status_code=status_code, slug=slug, detail=detail)
        else:
            response = HttpResponse(detail, status=status_code, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "2"
        return response
    if _wants_problem(request):
        return problem_response(
            request, status_code=500, slug="server-error", detail="Internal error; quote the request id if it persists."
        )
    from django.views.defaults import server_error

    return server_error(request)

"""Which responses carry a purchaser's data, and the read-audit row each one leaves (DESIGN §8).

The one hook: ReadAuditMiddleware looks at every answered request once its response is built and
before it is sent. A successful GET or HEAD counts when its route names a case (any route with a
`case_id`: the case, its lines, events, ledger, documents, prints, and whatever later apps add
under a case) or is one of the lists in LIST_VIEWS. Writes are not reads: the ledger records them.
The purchaser of a case route is the case id's customer code (a database constraint makes every
case id start with its purchaser's code), so no query is needed; a list's purchaser is the
client's own, or the `purchaser` filter, or none for a staff list across purchasers.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from fms.accounts import audit_spool
from fms.accounts.signin import current_via

# Lists and pages of several cases or events (view names, with the API's namespace).
LIST_VIEWS = frozenset(
    {
        "api:case-list",
        "api:case-csv",
        "api:event-feed",
        "api:notification-list",
        "api:notification-detail",
        "dashboard",
        "inbox",
        "review-queue",
        "case-list",
        "notification-pages",
        "notification-page",
    }
)
OBJECT_MAX = 200


def audited_object(request: HttpRequest, response: HttpResponse) -> tuple[str, str | None] | None:
    """(object, purchaser code) when this response carries purchaser data, else None."""
    if request.method not in ("GET", "HEAD") or not 200 <= response.status_code < 300:
        return None
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    case_id = match.kwargs.get("case_id")
    if not case_id and match.view_name not in LIST_VIEWS:
        return None  # decided before touching request.user: that would load the session for nothing
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    identifiers = "/".join(str(value) for value in match.kwargs.values())
    if case_id:
        return f"{match.view_name}:{identifiers}", case_id[:2].upper()  # the views take ja-p-saa too
    name = f"{match.view_name}:{identifiers}" if identifiers else match.view_name
    if request.GET.get("format") == "csv":
        name += "?format=csv"
    return name, user.purchaser_id or _single_purchaser_filter(request)


def _single_purchaser_filter(request: HttpRequest) -> str | None:
    value = request.GET.get("purchaser", "")
    return value if len(value) == 2 and value.isalnum() and value.isupper() else None


class ReadAuditMiddleware:
    """Spools one row per response that carries purchaser data, before the response is sent."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.READ_AUDIT_ENABLED:
            audited = audited_object(request, response)
            if audited is not None:
                audit_spool.append([row(request, *audited)])
        return response


def row(request: HttpRequest, obj: str, purchaser: str | None) -> dict:
    return {
        "entry": uuid.uuid4().hex,
        "at": dt.datetime.now(dt.UTC).isoformat(),
        "user_id": request.user.pk,
        "via": current_via(),
        "purchaser_id": purchaser,
        "object": obj[:OBJECT_MAX],
        "request_id": getattr(request, "request_id", "")[:64],
    }

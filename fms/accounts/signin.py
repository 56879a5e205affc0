"""How the user of the current request signed in: the `via` every ledger event records (DESIGN §9).

    session        a web session without a second factor (users whose roles do not require one)
    session+mfa    a web session that passed a second factor (mfa.py), or single sign-on whose
                   identity provider vouched for one (sso.py, OIDC_TRUST_MFA)
    token:<prefix> an API bearer token, named by its prefix
    command        no request at all: a management command, the demo loader, a shell

`request_via(request)` answers the same for a given request (the read audit asks it).
"""

import contextvars
from collections.abc import Callable

from django.http import HttpRequest

from fms.accounts.mfa import is_mfa_session

SESSION = "session"
SESSION_MFA = "session+mfa"
COMMAND = "command"
TOKEN = "token:"
# Every value an event's `via` may hold (the ledger's constraint allows these and '' for old rows).
VIA_PATTERN = r"^(session|session\+mfa|command|token:[A-Za-z0-9_-]{1,34})$"

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("signin_request", default=None)


def token_via(prefix: str) -> str:
    return f"{TOKEN}{prefix}"


def mark_token(request: HttpRequest, prefix: str) -> None:
    """Called by the bearer-token authentication once it has accepted a token for this request."""
    request.signed_in_via = token_via(prefix)


def request_via(request: HttpRequest | None) -> str:
    """How the user of this request signed in (COMMAND without a request)."""
    if request is None:
        return COMMAND
    marked = getattr(request, "signed_in_via", None)
    if marked:
        return marked
    if not request.user.is_authenticated:
        return COMMAND
    return SESSION_MFA if is_mfa_session(request) else SESSION


def current_via() -> str:
    """How the user acting in this request signed in (COMMAND outside a request)."""
    return request_via(_current_request.get())


class SignInMiddleware:
    """Makes the request visible to current_via() for as long as it is being answered."""

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)

"""How the user of the current request signed in: the `via` every ledger event records (DESIGN §9).

    session        a login form session (the web pages, the admin)
    token:<prefix> an API bearer token, named by its prefix
    command        no request at all: a management command, the demo loader, a shell

`session+mfa` is reserved for sessions that passed a second factor; there is no second factor yet.
"""

import contextvars
from collections.abc import Callable

from django.http import HttpRequest

SESSION = "session"
COMMAND = "command"
TOKEN = "token:"

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("signin_request", default=None)


def token_via(prefix: str) -> str:
    return f"{TOKEN}{prefix}"


def mark_token(request: HttpRequest, prefix: str) -> None:
    """Called by the bearer-token authentication once it has accepted a token for this request."""
    request.signed_in_via = token_via(prefix)


def current_via() -> str:
    """How the user acting in this request signed in (COMMAND outside a request)."""
    request = _current_request.get()
    if request is None:
        return COMMAND
    marked = getattr(request, "signed_in_via", None)
    if marked:
        return marked
    return SESSION if request.user.is_authenticated else COMMAND


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

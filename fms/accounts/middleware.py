"""Sessions of users who need a second factor reach nothing but the MFA pages until they pass one.

Covers every page, the admin, and the API when used with the session cookie: a page answers with
a redirect to /mfa/ (enrolment on first sign-in, otherwise the code or passkey prompt), the API
with a 403 problem `mfa-required`. Bearer tokens are not sessions and are untouched here (a staff
user's own tokens are issued only from an MFA session: services.token_issue).
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from fms.accounts.mfa import is_mfa_session, mfa_required
from fms.core.problems import problem_response

# Reachable before the second factor: signing in and out, the MFA pages themselves, the
# identity provider's callback, static files, health checks.
_OPEN_PREFIXES = ("/mfa/", "/login/", "/logout/", "/oidc/", "/healthz", "/readyz", "/favicon.ico")


def _is_open(path: str) -> bool:
    return path.startswith((*_OPEN_PREFIXES, "/" + settings.STATIC_URL.lstrip("/")))


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = request.user
        if (
            user.is_authenticated
            and not _is_open(request.path_info)
            and not is_mfa_session(request)
            and mfa_required(user)
        ):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest):
        if request.path_info.startswith("/api/"):
            return problem_response(
                request,
                status_code=403,
                slug="mfa-required",
                detail="Your role needs a second factor: finish signing in at /mfa/ or use an API token.",
            )
        target = reverse("mfa-verify")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)

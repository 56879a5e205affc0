"""The MFA pages: enrolment on first sign-in, the code or passkey prompt, recovery codes, passkeys.

The passkey ceremonies themselves are django-otp-webauthn's JSON views (mounted under /mfa/passkeys/);
these pages carry its scripts. Rules live in mfa.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import CompleteCredentialAuthenticationView

from fms.accounts import mfa


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure())
    return wanted if safe and wanted.startswith("/") else reverse("dashboard")


def _with_next(name: str, request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next")
    return reverse(name) + (f"?{urlencode({'next': wanted})}" if wanted else "")


def _locked_out(request: HttpRequest) -> HttpResponse:
    # django-axes' middleware turns a request marked locked out into its lockout answer (429).
    return HttpResponse(status=429)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, a recovery code, or a passkey."""
    if mfa.is_mfa_session(request):
        return redirect(_next(request))
    if not mfa.is_enrolled(request.user):
        return redirect(_with_next("mfa-enrol", request))
    refused = False
    if request.method == "POST":
        try:
            device = mfa.verify(request, request.POST.get("code", ""))
        except mfa.SecondFactorLockedOut:
            return _locked_out(request)
        if device is not None:
            if device.name == mfa.RECOVERY_NAME:
                left = mfa.recovery_codes_left(request.user)
                messages.warning(request, f"Recovery code used: {left} left. Make new ones under Sign-in security.")
            return redirect(_next(request))
        refused = True
    context = {
        "next": _next(request),
        "refused": refused,
        "has_app": mfa.totp_device(request.user) is not None,
        "has_passkey": WebAuthnCredential.objects.filter(user=request.user, confirmed=True).exists(),
    }
    return render(request, "mfa/verify.html", context, status=400 if refused else 200)


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in of a user who needs a second factor: set up an app (or a passkey), get recovery codes."""
    if mfa.is_enrolled(request.user):
        return redirect(_with_next("mfa-verify", request))
    device = mfa.totp_pending(request.user)
    refused = False
    if request.method == "POST":
        try:
            codes = mfa.totp_confirm(request, request.POST.get("code", ""))
        except mfa.SecondFactorLockedOut:
            return _locked_out(request)
        if codes is not None:
            return render(request, "mfa/recovery_codes.html", {"codes": codes, "next": _next(request)})
        refused = True
    context = {
        "secret": mfa.totp_secret(device),
        "otpauth_uri": device.config_url,
        "next": _next(request),
        "refused": refused,
    }
    return render(request, "mfa/enrol.html", context, status=400 if refused else 200)


@login_required
@require_http_methods(["GET"])
def security(request: HttpRequest) -> HttpResponse:
    """Sign-in security: the user's factors, adding a passkey, new recovery codes."""
    if not mfa.is_mfa_session(request):
        return redirect(_with_next("mfa-verify", request))
    context = {
        "app": mfa.totp_device(request.user),
        "passkeys": WebAuthnCredential.objects.filter(user=request.user, confirmed=True),
        "recovery_left": mfa.recovery_codes_left(request.user),
        "next": _next(request),
    }
    return render(request, "mfa/security.html", context)


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), for a session that passed its second factor."""
    if not mfa.is_mfa_session(request):
        return redirect(_with_next("mfa-verify", request))
    codes = mfa.recovery_codes_issue(request.user)
    return render(request, "mfa/recovery_codes.html", {"codes": codes, "next": _next(request)})


class PasskeyVerified(CompleteCredentialAuthenticationView):
    """django-otp-webauthn's passkey check, plus a new session key as for every second factor (mfa._passed)."""

    def complete_auth(self, device):
        self.request.session.cycle_key()
        return super().complete_auth(device)

"""Second factors: TOTP apps, passkeys (WebAuthn) and single-use recovery codes, on django-otp.

Who needs one: superusers and the members of roles.MFA_REQUIRED_ROLES, at web sign-in and for the
admin (middleware.py enforces it). A session is an MFA session once a confirmed device of its user
verified it (django_otp.login keeps the device in the session; OTPMiddleware reads it back as
`request.user.is_verified()`), or once a trusted identity provider said so (sso.py, with
OIDC_TRUST_MFA). A wrong or replayed code is refused and counted by django-axes like a wrong
password, so the same lockout stops guessing; django-otp also throttles each device on its own.
"""

import binascii
import secrets
from base64 import b32encode

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django_otp import devices_for_user, login, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from fms.accounts.roles import MFA_REQUIRED_ROLES

# Set in the session, to the user's id, when single sign-on brought a trusted MFA claim (sso.py).
IDP_MFA_SESSION_KEY = "fms_idp_mfa"
RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


class SecondFactorLockedOut(Exception):
    """Too many failed sign-in attempts (passwords and codes alike) for this user from here."""


def mfa_required(user) -> bool:
    """Whether this user must pass a second factor to use a web session."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name__in=MFA_REQUIRED_ROLES).exists()


def is_mfa_session(request: HttpRequest) -> bool:
    """Whether the signed-in user of this request passed a second factor in this session."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    verified = getattr(user, "is_verified", None)  # installed by django_otp's OTPMiddleware
    if verified is not None and verified():
        return True
    return getattr(request, "session", {}).get(IDP_MFA_SESSION_KEY) == user.pk


def mark_idp_mfa(request: HttpRequest) -> None:
    """The identity provider vouched for a second factor of this sign-in (sso.py)."""
    request.session[IDP_MFA_SESSION_KEY] = request.user.pk


def is_enrolled(user) -> bool:
    """Whether the user has a confirmed second factor (an app, a passkey, recovery codes)."""
    return user_has_device(user, confirmed=True)


def totp_pending(user) -> TOTPDevice:
    """The unconfirmed app device shown while enrolling: the same secret until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def totp_secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it typed in (base32, no padding)."""
    return b32encode(device.bin_key).decode().rstrip("=")


def _normalised(code: str) -> str:
    # Spaces and the dash that groups a recovery code for reading are not part of it.
    return "".join(str(code or "").split()).replace("-", "").lower()


def _refused(request: HttpRequest, credentials: dict) -> None:
    # Counted by django-axes exactly like a failed password: the same limit, the same lockout.
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False):
        raise SecondFactorLockedOut


def _check_not_locked(request: HttpRequest) -> dict:
    credentials = {settings.AXES_USERNAME_FORM_FIELD: request.user.get_username()}
    if settings.AXES_ENABLED and AxesProxyHandler.is_locked(request, credentials):
        request.axes_locked_out, request.axes_credentials = True, credentials
        raise SecondFactorLockedOut
    return credentials


def verify(request: HttpRequest, code: str):
    """Verify a code from the user's app or one of their recovery codes; mark the session on success.

    Returns the device that accepted the code, or None (refused and counted). A TOTP code is
    accepted once (django-otp keeps the last time step used); a recovery code is deleted when used.
    Raises SecondFactorLockedOut when the user is locked out from this address.
    """
    credentials = _check_not_locked(request)
    code = _normalised(code)
    accepted = None
    if code:
        with transaction.atomic():
            for device in devices_for_user(request.user, confirmed=True, for_verify=True):
                if isinstance(device, TOTPDevice | StaticDevice) and device.verify_token(code):
                    accepted = device
                    break
    if accepted is None:
        _refused(request, credentials)
        return None
    _passed(request, accepted)
    return accepted


def totp_confirm(request: HttpRequest, code: str) -> list[str] | None:
    """Confirm the pending app device with its first code; returns new recovery codes, or None."""
    credentials = _check_not_locked(request)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=request.user, confirmed=False).first()
        if device is None or not device.verify_token(_normalised(code)):
            device = None
        else:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
    if device is None:
        _refused(request, credentials)
        return None
    _passed(request, device)
    return recovery_codes_issue(request.user)


def _passed(request: HttpRequest, device) -> None:
    # The session now carries more trust: a new session key, as at sign-in, so an id seen before is worthless.
    request.session.cycle_key()
    login(request, device)


def recovery_codes_issue(user) -> list[str]:
    """New recovery codes for the user, replacing any earlier ones. Shown once; each works once."""
    # 10 characters of base32 each (50 bits), shown grouped for reading: e.g. "k3v9d-xq2mr".
    codes = [b32encode(secrets.token_bytes(10)).decode().lower()[:10] for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_for_demo(user) -> str:
    """The user's app secret, enrolling one when missing (the demo only: load_demo with DEBUG on)."""
    device = totp_device(user)
    if device is None:
        key = binascii.hexlify(secrets.token_bytes(20)).decode()
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, key=key, confirmed=True)
    return totp_secret(device)


def totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def second_factor_reset(user) -> int:
    """Remove every second factor of the user (a lost phone or key): they enrol again at next sign-in.

    Returns how many devices were removed. For administrators (the admin's user action).
    """
    removed = 0
    with transaction.atomic():
        for device in list(devices_for_user(user, confirmed=None)):
            device.delete()
            removed += 1
    return removed

"""Signing in with the second factor in tests.

The suite signs users in with the test client (`force_login`, `login`) in many places. Those
sessions stand for a user who also passed the second factor: conftest.py wraps the test client's
login so that a user whose role needs MFA gets a confirmed app device and a session verified by
it, exactly what django_otp.login leaves after a real code. Tests marked `real_mfa` sign in
without that, to prove the enforcement (tests/accounts/test_mfa*.py).
"""

import time

import pyotp
from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from fms.accounts import mfa

_plain_login = ClientMixin._login


def app_device(user) -> TOTPDevice:
    """The user's confirmed app device, created when missing."""
    return mfa.totp_device(user) or TOTPDevice.objects.create(user=user, name=mfa.TOTP_NAME, confirmed=True)


def mark_session_verified(client, user) -> None:
    """The client's session as after a real second factor, by the user's app device."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = app_device(user).persistent_id
    session.save()


def _login_with_second_factor(self, user, backend=None):
    _plain_login(self, user, backend)
    if mfa.mfa_required(user):
        mark_session_verified(self, user)


def install() -> None:
    ClientMixin._login = _login_with_second_factor


def uninstall() -> None:
    ClientMixin._login = _plain_login


def next_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current time step's, or the next one's when the current
    one was used already (django-otp accepts one step either side, and each step once)."""
    device.refresh_from_db()
    step = max(int(time.time()) // device.step, device.last_t + 1)
    return pyotp.TOTP(mfa.totp_secret(device), interval=device.step).at(step * device.step)

"""Single sign-on with OpenID Connect (mozilla-django-oidc), configured from the issuer alone.

The provider's endpoints come from its discovery document (OIDC_ISSUER/.well-known/openid-configuration),
read when a sign-in starts or comes back, never at start-up, so password sign-in keeps working while
the provider is down. SSO signs in existing, active users only (roles stay in this app) and never
creates one. The `amr` claim satisfies our MFA only with OIDC_TRUST_MFA=1; otherwise a user whose
role needs MFA passes our own second factor after the provider's sign-in, as after a password.
"""

import logging
from functools import cache

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from fms.accounts.mfa import mark_idp_mfa

logger = logging.getLogger("fms.sso")

# RFC 8176 methods that are a second factor (or several): any of them in `amr` counts.
MFA_METHODS = frozenset({"mfa", "otp", "hwk", "sc", "fpt", "face", "iris", "retina"})
_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
# Where the backend leaves the sign-in's `amr` for the callback view (the request, not the session).
_AMR_ATTRIBUTE = "fms_sso_amr"


@cache
def discovery(issuer: str) -> dict:
    """The provider's metadata (cached per process and issuer; a restart reads it again)."""
    response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10)
    response.raise_for_status()
    metadata = response.json()
    if metadata.get("issuer", "").rstrip("/") != issuer:
        raise ImproperlyConfigured(f"The provider at {issuer} calls itself {metadata.get('issuer')!r}.")
    return metadata


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def _setting(attr: str, *default):
    if attr in _ENDPOINTS:
        return discovery(settings.OIDC_ISSUER)[_ENDPOINTS[attr]]
    return import_from_settings(attr, *default)


def amr_is_mfa(amr) -> bool:
    return isinstance(amr, list) and bool(MFA_METHODS.intersection(str(method) for method in amr))


class SsoBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(_setting)

    def __init__(self, *args, **kwargs):
        # Django builds every backend for every sign-in, passwords too: the provider is asked only
        # when a sign-in comes back from it (authenticate below).
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if request is None or "username" in kwargs or "code" not in request.GET:
            return None
        super().__init__()
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims) -> bool:
        return bool(claims.get(settings.OIDC_USERNAME_CLAIM))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username=claims.get(settings.OIDC_USERNAME_CLAIM), is_active=True)

    def describe_user_by_claims(self, claims) -> str:
        return f"{settings.OIDC_USERNAME_CLAIM} {claims.get(settings.OIDC_USERNAME_CLAIM)!r}"

    def create_user(self, claims):
        # Never reached with OIDC_CREATE_USER off; refuses anyway, should the setting be changed.
        logger.warning("single sign-on refused: no user with %s", self.describe_user_by_claims(claims))
        return None

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            logger.warning("single sign-on refused: %s matches no active user", self.describe_user_by_claims(payload))
        else:
            setattr(self.request, _AMR_ATTRIBUTE, payload.get("amr"))
        return user


class _OnlyWhenConfigured:
    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)

        def configured_view(request, *args, **kwargs):
            if not enabled():
                raise Http404("Single sign-on is not configured.")
            return view(request, *args, **kwargs)

        return configured_view


class SsoStartView(_OnlyWhenConfigured, OIDCAuthenticationRequestView):
    get_settings = staticmethod(_setting)


class SsoCallbackView(_OnlyWhenConfigured, OIDCAuthenticationCallbackView):
    get_settings = staticmethod(_setting)

    def login_success(self):
        response = super().login_success()
        if settings.OIDC_TRUST_MFA and amr_is_mfa(getattr(self.request, _AMR_ATTRIBUTE, None)):
            mark_idp_mfa(self.request)
        return response


class SignInView(auth_views.LoginView):
    """The password form, with the single sign-on link when a provider is configured."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "sso_enabled": enabled(),
            "sso_refused": self.request.GET.get("sso") == "refused",
        }

"""URL routes of FMS Records."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from fms.accounts import mfa_views, sso
from fms.core import health, views

admin.site.site_header = "FMS Records"
admin.site.site_title = "FMS Records"
admin.site.index_title = "Administration"

handler404 = "fms.core.problems.handler404"
handler500 = "fms.core.problems.handler500"

urlpatterns = [
    path("favicon.ico", views.favicon),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", include(("fms.cases.api.urls", "api"))),
    path("api/v1/", include(("fms.documents.api.urls", "documents-api"))),
    path("api/v1/", include(("fms.accounts.api.urls", "accounts-api"))),
    path("api/v1/", include(("fms.execution.api.urls", "execution-api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's setup script as a file (?script): no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/problems/", views.problem_types, name="problem-types"),
    path("admin/", admin.site.urls),
    path("login/", sso.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("fms.accounts.urls")),
    # Second factors and single sign-on (fms/accounts/mfa.py, sso.py).
    path("mfa/", mfa_views.verify, name="mfa-verify"),
    path("mfa/enrol/", mfa_views.enrol, name="mfa-enrol"),
    path("mfa/security/", mfa_views.security, name="mfa-security"),
    path("mfa/recovery-codes/", mfa_views.recovery_codes, name="mfa-recovery-codes"),
    path("mfa/passkeys/authentication/complete/", mfa_views.PasskeyVerified.as_view()),
    path("mfa/passkeys/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
    path("oidc/start/", sso.SsoStartView.as_view(), name="sso-start"),
    path("oidc/callback/", sso.SsoCallbackView.as_view(), name="sso-callback"),
    path("", include("fms.documents.urls")),
    path("", include("fms.execution.urls")),
    path("", include("fms.cases.urls")),
]

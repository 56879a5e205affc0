"""URL routes of FMS Records."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

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
    path("api/v1/", include(("fms.execution.api.urls", "execution-api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's setup script as a file (?script): no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/problems/", views.problem_types, name="problem-types"),
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("fms.documents.urls")),
    path("", include("fms.execution.urls")),
    path("", include("fms.cases.urls")),
]

"""URL routes of FMS Records."""

from django.contrib import admin
from django.urls import path

from fms.core import health

admin.site.site_header = "FMS Records"
admin.site.site_title = "FMS Records"
admin.site.index_title = "Administration"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
]

"""Accounts routes under /api/v1/ (DESIGN §5)."""

from django.urls import path

from fms.accounts.api.read_audit import ReadAuditCSVView, ReadAuditView

urlpatterns = [
    path("read-audit/", ReadAuditView.as_view(), name="read-audit"),
    path("read-audit.csv", ReadAuditCSVView.as_view(), name="read-audit-csv"),
]

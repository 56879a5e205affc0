from django.urls import path

from fms.accounts import read_audit_page

urlpatterns = [
    path("read-audit/", read_audit_page.read_audit_page, name="read-audit"),
]

from django.urls import path

from fms.accounts import read_audit_page, views

urlpatterns = [
    path("purchaser-users/", views.purchaser_users, name="purchaser-users"),
    path("read-audit/", read_audit_page.read_audit_page, name="read-audit"),
]

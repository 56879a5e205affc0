from django.urls import path

from fms.accounts import views

urlpatterns = [
    path("read-audit/", views.read_audit_page, name="read-audit"),
]

"""Accounts routes under /api/v1/ (DESIGN §5): purchaser administration and the read audit."""

from django.urls import path

from fms.accounts.api import read_audit, views

urlpatterns = [
    path("purchaser-users/", views.PurchaserUserListView.as_view(), name="purchaser-user-list"),
    path("purchaser-users/<str:username>/", views.PurchaserUserDetailView.as_view(), name="purchaser-user-detail"),
    path(
        "purchaser-users/<str:username>/tokens/",
        views.PurchaserUserTokenView.as_view(),
        name="purchaser-user-tokens",
    ),
    path("tokens/<str:prefix>/", views.TokenView.as_view(), name="token-detail"),
    path("read-audit/", read_audit.ReadAuditView.as_view(), name="read-audit"),
    path("read-audit.csv", read_audit.ReadAuditCSVView.as_view(), name="read-audit-csv"),
]

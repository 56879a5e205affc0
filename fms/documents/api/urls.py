"""Document routes of DESIGN §5 under /api/v1/cases/{case_id}/documents/."""

from django.urls import path

from fms.documents.api.views import DocumentViewSet

BASE = "cases/<str:case_id>/documents/"

urlpatterns = [
    path(BASE, DocumentViewSet.as_view({"get": "list", "post": "create"}), name="document-list"),
    path(f"{BASE}<str:label>/", DocumentViewSet.as_view({"get": "retrieve"}), name="document-detail"),
    *[
        path(f"{BASE}<str:label>/{step}/", DocumentViewSet.as_view({"post": step}), name=f"document-{step}")
        for step in ("offer", "issue", "accept", "withdraw", "reinstate")
    ],
    path(
        f"{BASE}<str:label>/payment-schedule/",
        DocumentViewSet.as_view({"put": "payment_schedule"}),
        name="document-payment-schedule",
    ),
    path(f"{BASE}<str:label>/diff/", DocumentViewSet.as_view({"get": "diff"}), name="document-diff"),
]

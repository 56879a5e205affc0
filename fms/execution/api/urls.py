"""Execution routes of DESIGN §5 under /api/v1/."""

from django.urls import path

from fms.execution.api.views import ExecutionViewSet as V

BASE = "cases/<str:case_id>/"

urlpatterns = [
    path(f"{BASE}deliveries/", V.as_view({"get": "deliveries", "post": "deliveries"}), name="delivery-list"),
    path(f"{BASE}performance/", V.as_view({"post": "performance"}), name="performance"),
    path(f"{BASE}sdrs/", V.as_view({"get": "sdrs", "post": "sdrs"}), name="sdr-list"),
    path(f"{BASE}sdrs/<int:number>/", V.as_view({"get": "sdr_detail"}), name="sdr-detail"),
    path(f"{BASE}sdrs/<int:number>/review/", V.as_view({"post": "sdr_review"}), name="sdr-review"),
    path(f"{BASE}sdrs/<int:number>/resolve/", V.as_view({"post": "sdr_resolve"}), name="sdr-resolve"),
    path(f"{BASE}financials/", V.as_view({"get": "financials", "post": "financials"}), name="financials"),
    path(f"{BASE}statement/", V.as_view({"get": "statement"}), name="statement"),
    path(f"{BASE}closure/", V.as_view({"get": "closure", "post": "closure"}), name="closure"),
    path(f"{BASE}emergency-implementation/", V.as_view({"post": "emergency"}), name="emergency-implementation"),
    path(f"{BASE}cancellation/", V.as_view({"post": "cancellation"}), name="cancellation"),
    path("financials/import/", V.as_view({"post": "import_financials"}), name="financials-import"),
]

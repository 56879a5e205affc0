from django.urls import path

from fms.execution import views

BASE = "cases/<str:case_id>/"

urlpatterns = [
    path(f"{BASE}deliveries/record/", views.delivery_record, name="case-delivery"),
    path(f"{BASE}performance/record/", views.performance_record, name="case-performance"),
    path(f"{BASE}sdrs/file/", views.sdr_file, name="sdr-file"),
    path(f"{BASE}sdrs/<int:number>/review/", views.sdr_review, name="sdr-review"),
    path(f"{BASE}sdrs/<int:number>/resolve/", views.sdr_resolve, name="sdr-resolve"),
    path(f"{BASE}money/record/", views.money_record, name="case-money"),
    path(f"{BASE}emergency-implementation/", views.emergency_approve, name="case-emergency"),
    path(f"{BASE}termination/", views.termination, name="case-termination"),
    path(f"{BASE}statement/", views.statement, name="case-statement"),
    path(f"{BASE}statement/print/", views.statement, {"printed": True}, name="case-statement-print"),
]

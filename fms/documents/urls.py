from django.urls import path

from fms.documents import views

urlpatterns = [
    path("cases/<str:case_id>/documents/<str:label>/", views.document_detail, name="document-detail"),
    path("cases/<str:case_id>/documents/<str:label>/offer/", views.document_offer, name="document-offer"),
    path(
        "cases/<str:case_id>/documents/<str:label>/payment-schedule/",
        views.document_schedule,
        name="document-schedule",
    ),
    path("cases/<str:case_id>/documents/<str:label>/reinstate/", views.document_reinstate, name="document-reinstate"),
    path("cases/<str:case_id>/documents/<str:label>/diff/", views.document_diff, name="document-diff"),
    path("cases/<str:case_id>/documents/<str:label>/print/", views.document_print, name="document-print"),
]

from django.urls import path

from fms.documents import views

urlpatterns = [
    path("cases/<str:case_id>/documents/<str:label>/print/", views.document_print, name="document-print"),
]

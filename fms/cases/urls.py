"""Web pages for staff, reviewers and clients."""

from django.urls import path

from fms.cases import notification_pages, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("inbox/", views.inbox_page, name="inbox"),
    path("review/", views.review_queue, name="review-queue"),
    path("lines/bulk/", views.lines_bulk, name="lines-bulk"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/new/", views.case_create, name="case-create"),
    path("cases/<str:case_id>/", views.case_detail, name="case-detail"),
    path("cases/<str:case_id>/edit/", views.case_edit, name="case-edit"),
    path("cases/<str:case_id>/step/", views.case_step, name="case-step"),
    path("cases/<str:case_id>/cancel/", views.case_cancel, name="case-cancel"),
    path("cases/<str:case_id>/print/", views.case_print, name="case-print"),
    path("cases/<str:case_id>/lines/new/", views.line_create, name="line-create"),
    path("cases/<str:case_id>/lines/<str:line_number>/", views.line_detail, name="line-detail"),
    path("cases/<str:case_id>/lines/<str:line_number>/edit/", views.line_edit, name="line-edit"),
    path("cases/<str:case_id>/lines/<str:line_number>/step/", views.line_step, name="line-step"),
    path("cases/<str:case_id>/lines/<str:line_number>/reject/", views.line_reject, name="line-reject"),
    path("cases/<str:case_id>/lines/<str:line_number>/remove/", views.line_remove, name="line-remove"),
    path("notifications/", notification_pages.notification_list, name="notification-pages"),
    path("notifications/import/", notification_pages.notification_import, name="notification-import-page"),
    path("notifications/<str:pk>/", notification_pages.notification_detail, name="notification-page"),
    path(
        "notifications/<str:pk>/changes/<str:number>/decide/",
        notification_pages.notification_change_decide,
        name="notification-change-decide",
    ),
]

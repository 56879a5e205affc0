"""Routes of DESIGN §5 under /api/v1/."""

from django.urls import path

from fms.cases import selectors
from fms.cases.api import views
from fms.cases.services import LINE_STEPS
from fms.ledger.api import views as ledger

case_lines = views.LineItemViewSet

urlpatterns = [
    path("cases/", views.CaseViewSet.as_view({"get": "list", "post": "create"}), name="case-list"),
    path("cases.csv", views.CaseViewSet.as_view({"get": "export"}), name="case-csv"),
    path(
        "cases/<str:case_id>/",
        views.CaseViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="case-detail",
    ),
    path("cases/<str:case_id>/transition/", views.CaseViewSet.as_view({"post": "transition"}), name="case-transition"),
    path("cases/<str:case_id>/ledger/", views.CaseViewSet.as_view({"get": "ledger"}), name="case-ledger"),
    path("cases/<str:case_id>/events/", views.CaseEventViewSet.as_view({"get": "list"}), name="case-events"),
    path("cases/<str:case_id>/lines/", case_lines.as_view({"get": "list", "post": "create"}), name="line-list"),
    path("cases/<str:case_id>/lines.csv", case_lines.as_view({"get": "export"}), name="line-csv"),
    path(
        "cases/<str:case_id>/lines/<str:line_number>/",
        case_lines.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}),
        name="line-detail",
    ),
    *[
        path(
            f"cases/<str:case_id>/lines/<str:line_number>/{action}/",
            case_lines.as_view({"post": f"step_{action}"}),
            name=f"line-{action}",
        )
        for action in LINE_STEPS
    ],
    path("events/", views.EventFeedViewSet.as_view({"get": "list"}), name="event-feed"),
    path("ledger/public-key/", ledger.PublicKeyView.as_view(), name="ledger-public-key"),
    path("ledger/checkpoints/", ledger.CheckpointListView.as_view(), name="ledger-checkpoints"),
    path("ledger/checkpoints/latest/", ledger.LatestCheckpointView.as_view(), name="ledger-checkpoint-latest"),
    path(
        "ledger/proof/inclusion/",
        ledger.InclusionProofView.as_view(visible_events=selectors.event_queryset_for),
        name="ledger-proof-inclusion",
    ),
    path("ledger/proof/consistency/", ledger.ConsistencyProofView.as_view(), name="ledger-proof-consistency"),
    path("purchasers/", views.PurchaserViewSet.as_view({"get": "list"}), name="purchaser-list"),
    path("implementing-agencies/", views.ImplementingAgencyViewSet.as_view({"get": "list"}), name="agency-list"),
    path(
        "notifications/", views.NotificationViewSet.as_view({"get": "list", "post": "create"}), name="notification-list"
    ),
    path(
        "notifications/import/", views.NotificationViewSet.as_view({"post": "import_text"}), name="notification-import"
    ),
    path(
        "notifications/<str:pk>/",
        views.NotificationViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="notification-detail",
    ),
    path(
        "notifications/<str:pk>/changes/<str:number>/approve/",
        views.NotificationViewSet.as_view({"post": "approve_change"}),
        name="notification-change-approve",
    ),
    path(
        "notifications/<str:pk>/changes/<str:number>/reject/",
        views.NotificationViewSet.as_view({"post": "reject_change"}),
        name="notification-change-reject",
    ),
]

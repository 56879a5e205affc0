"""GET /api/v1/read-audit/ (DESIGN §5): the read audit for auditors, a purchaser's part for its
client_admin; keyset pages like every list, or `?format=csv`."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.views import APIView

from fms.accounts.selectors import READ_AUDIT_FILTERS, filter_read_audit, read_audit_for
from fms.core.api.csv import stream_csv
from fms.core.api.pagination import KeysetPage, Ordering, page_body
from fms.core.api.renderers import CSVRenderer, JSONRenderer, dumps

ORDERINGS = {"-at": Ordering(("at", "id"), descending=True)}
COLUMNS = ("id", "at", "user__username", "via", "purchaser_id", "object", "request_id")
NAMES = ("id", "at", "user", "via", "purchaser", "object", "request_id")


class ReadAuditRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    via = serializers.CharField()
    purchaser = serializers.CharField(allow_null=True)
    object = serializers.CharField()
    request_id = serializers.CharField()


class ReadAuditPageSerializer(serializers.Serializer):
    results = ReadAuditRowSerializer(many=True)
    next = serializers.CharField(allow_null=True)
    next_url = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    previous_url = serializers.CharField(allow_null=True)


PARAMETERS = [
    OpenApiParameter(name, OpenApiTypes.STR, description=f"filter by {name}") for name in READ_AUDIT_FILTERS
] + [
    OpenApiParameter("cursor", OpenApiTypes.STR),
    OpenApiParameter("page_size", OpenApiTypes.INT),
]


def scoped_rows(request):
    try:
        rows = read_audit_for(request.user)
    except DjangoPermissionDenied as refused:
        raise PermissionDenied(str(refused)) from None
    rows, errors = filter_read_audit(rows, request.query_params)
    if errors:
        raise ValidationError(errors)
    return rows


class ReadAuditView(APIView):
    # `?format=csv` answers the CSV too (DESIGN §5), but the schema shows it as its own operation
    # (read-audit.csv), as for cases: generated clients then parse the list as JSON only.
    csv_only = False

    def get_renderers(self):
        if self.csv_only:
            return [CSVRenderer()]
        return [JSONRenderer(), *([] if getattr(self, "swagger_fake_view", False) else [CSVRenderer()])]

    def perform_content_negotiation(self, request, force=False):
        # DRF answers an unknown ?format= with a bare 404: say which values exist instead.
        # (force: rendering that 400 itself, with the first renderer.)
        if not force and request.query_params.get("format") not in (None, "json", "csv"):
            raise ValidationError({"format": ["Use one of: json, csv."]})
        return super().perform_content_negotiation(request, force)

    @extend_schema(parameters=PARAMETERS, responses={200: ReadAuditPageSerializer}, summary="Read the read audit")
    def get(self, request):
        rows = scoped_rows(request)
        if self.csv_only or request.query_params.get("format") == "csv":
            data = rows.order_by("-at", "-id").values_list(*COLUMNS).iterator(chunk_size=2000)
            return stream_csv("read-audit.csv", list(NAMES), data)
        page = KeysetPage.from_request(request, ORDERINGS, "-at")
        found = list(page.apply(rows).values_list(*COLUMNS))
        found, next_cursor, previous_cursor = page.finish(found, key=lambda row: [row[1].isoformat(), row[0]])
        results = [dumps(dict(zip(NAMES, row, strict=True))) for row in found]
        body = page_body(request, results, next_cursor, previous_cursor)
        return HttpResponse(body, content_type="application/json")


class ReadAuditCSVView(ReadAuditView):
    csv_only = True

    @extend_schema(
        parameters=PARAMETERS[: len(READ_AUDIT_FILTERS)],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV, one row per read.")},
        summary="The read audit as CSV (what the list shows, every row)",
        operation_id="read_audit_csv",
    )
    def get(self, request):
        return super().get(request)

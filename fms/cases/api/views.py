"""The API of DESIGN §5. Reads start from the scoping selectors and are rendered by PostgreSQL
(documents.py); writes validate their input, then call the services, which own every rule."""

import functools
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils.module_loading import import_string
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import MethodNotAllowed, NotFound, ValidationError

from fms.accounts.roles import holds_role_permission
from fms.cases import selectors, services
from fms.cases.api import documents as docs
from fms.cases.api import serializers as s
from fms.cases.choices import LineAction
from fms.cases.filters import CaseFilterSet, EventFilterSet, LineItemFilterSet, NotificationFilterSet
from fms.cases.models import Case, LineItem
from fms.core import replica
from fms.core.api.conditional import etag, expected_version, not_modified
from fms.core.api.csv import stream_csv
from fms.core.api.filtering import FilterBackend, names_filters
from fms.core.api.pagination import KeysetPage, Ordering, page_body, page_size
from fms.core.api.renderers import CSVRenderer, JSONRenderer, dumps
from fms.core.api.schema import IDEMPOTENCY_KEY, IF_MATCH, IF_NONE_MATCH, NOT_MODIFIED
from fms.core.errors import NotAllowed, ValidationFailed
from fms.core.numbers import ascii_int
from fms.core.opaque import open_pair, seal_pair
from fms.core.transactions import write_and_answer
from fms.ledger.models import ApprovalEvent
from fms.ledger.verification import verify_ledger
from fms.notifications import importing, parsing
from fms.notifications import services as notification_services
from fms.notifications.models import CongressionalNotification
from fms.reference.models import ImplementingAgency, Purchaser

JSON = "application/json"

CURSOR = OpenApiParameter("cursor", str, description="The `next` or `previous` value of a page; omit for the first.")
PAGE_SIZE = OpenApiParameter("page_size", int, description="1 to 500 (anything else is a 400); default 50.")
EXPAND = OpenApiParameter("expand", str, enum=["lines"], description="Include each case's lines.")
CASE_ID = OpenApiParameter("case_id", str, OpenApiParameter.PATH, description="e.g. JA-P-SAA")
LINE_NUMBER = OpenApiParameter("line_number", str, OpenApiParameter.PATH, description="e.g. 001")
CSV_RESPONSE = OpenApiResponse(OpenApiTypes.STR, description="CSV, one row per record (per line with expand=lines).")
# The CSV of a list is its own operation (…/cases.csv), so that a generated client parses it as text: with
# text/csv as a second content type of the JSON list, generators pick JSON and fail to decode the CSV.
# `?format=csv` on the list itself still answers the same CSV (DESIGN §5) but is not in the schema.
CSV_OPERATION = {"responses": {(200, "text/csv"): CSV_RESPONSE}, "filters": True, "tags": ["cases"]}

CASE_ORDERINGS = {
    "-updated_at": Ordering(("updated_at", "id"), descending=True),
    "updated_at": Ordering(("updated_at", "id")),
    "case_id": Ordering(("case_id",)),
    "-case_id": Ordering(("case_id",), descending=True),
}
ORDERING = OpenApiParameter("ordering", str, enum=list(CASE_ORDERINGS), description="Default -updated_at.")


def _json(body: bytes, status: int = 200, **headers) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type=JSON)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _key(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _page_of(
    request, orderings: dict[str, Ordering], default: str, rows_of: Callable[[KeysetPage], list[tuple]]
) -> HttpResponse:
    """One keyset page whose rows, (json text, *sort key), `rows_of(page)` reads: a constant number of queries."""
    page = KeysetPage.from_request(request, orderings, default)
    rows, next_cursor, previous_cursor = page.finish(rows_of(page), key=lambda row: [_key(v) for v in row[1:]])
    return _json(page_body(request, [row[0] for row in rows], next_cursor, previous_cursor))


def _paged(
    request, queryset: QuerySet, document: docs.Document, orderings: dict[str, Ordering], default: str
) -> HttpResponse:
    """One keyset page of `queryset` rendered by PostgreSQL."""
    return _page_of(
        request, orderings, default, lambda page: docs.documents(page.apply(queryset), document, *page.ordering.fields)
    )


# ---- CSV ------------------------------------------------------------------------------------------

CASE_CSV = [
    ("case_id", "case_id"),
    ("purchaser", "purchaser_id"),
    ("implementing_agency", "implementing_agency_id"),
    ("title", "title"),
    ("status", "status"),
    ("total_value", "total_value"),
    ("mde_value", "mde_value"),
    ("design_construction_value", "design_construction_value"),
    ("lor_received_on", "lor_received_on"),
    ("offer_expires_on", "offer_expires_on"),
    ("updated_at", "updated_at"),
    ("version", "version"),
]
LINE_CSV = [
    ("line_number", "line_number"),
    ("category", "category"),
    ("description", "description"),
    ("masl", "masl"),
    ("quantity", "quantity"),
    ("unit_of_issue", "unit_of_issue"),
    ("unit_cost", "unit_cost"),
    ("total_cost", "total_cost"),
    ("is_mde", "is_mde"),
    ("is_sme", "is_sme"),
    ("source_code", "source_code"),
    ("type_of_assistance", "type_of_assistance"),
    ("offer_release_code", "offer_release_code"),
    ("delivery_term_code", "delivery_term_code"),
    ("months_of_service", "months_of_service"),
    ("delivery_from_months", "delivery_from_months"),
    ("delivery_to_months", "delivery_to_months"),
    ("review_status", "review_status"),
]


# A purchaser's CSV holds what its case documents hold (DESIGN §8): no working-copy figures.
PURCHASER_CASE_CSV = [
    column for column in CASE_CSV if column[0] not in ("total_value", "mde_value", "design_construction_value")
]
# …and with lines, the lines of the document offered or in force (fms.documents builds the rows).
PURCHASER_LINE_CSV = [
    *[(f"case_{name}", f"document__case__{source}") for name, source in PURCHASER_CASE_CSV[:5]],
    *[column for column in LINE_CSV if column[0] != "review_status"],
    ("change", "change"),
]


def _csv_of(queryset: QuerySet, columns: list[tuple[str, str]], order: list[str], filename: str):
    rows = queryset.order_by(*order).values_list(*(source for _, source in columns)).iterator(chunk_size=2000)
    return stream_csv(filename, [name for name, _ in columns], rows)


def _wants_csv(request) -> bool:
    if request.query_params.get("format") != "csv":
        return False
    page_size(request)  # a CSV streams every row, but a malformed page_size is still a 400 (found by schemathesis)
    return True


def _expand_lines(request) -> bool:
    expand = request.query_params.get("expand", "")
    if expand not in ("", "lines"):
        raise ValidationError({"expand": ["Only expand=lines is supported."]})
    return expand == "lines"


# ---- Cases ------------------------------------------------------------------------------------


class ScopedViewSet(viewsets.GenericViewSet):
    renderer_classes = [JSONRenderer]
    filter_backends = [FilterBackend]
    metadata_class = None  # OPTIONS is not part of the API: 405
    csv_actions: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Authenticated and throttled on the primary; a purchaser's reads may go to the replica.
        if self.purchaser_view:
            replica.read_from_replica(request)

    def get_renderers(self):
        # `?format=csv` exists only where a list streams CSV; a CSV operation (export) answers nothing else.
        action = getattr(self, "action", None)
        if action == "export":
            return [CSVRenderer()]
        # The schema (a fake view) shows the list as JSON only: its CSV is the export operation.
        listed = action in self.csv_actions and not getattr(self, "swagger_fake_view", False)
        return [*super().get_renderers(), *([CSVRenderer()] if listed else [])]

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:  # DRF's answer to an unknown ?format=: say which values exist
            if getattr(self, request.method.lower(), None) is None:
                # A method this route does not have is the first thing wrong: 405 (found by schemathesis).
                raise MethodNotAllowed(request.method) from None
            formats = [renderer.format for renderer in self.get_renderers()]
            raise ValidationError({"format": [f"Use one of: {', '.join(formats)}."]}) from None

    def case(self, case_id: str) -> Case:
        try:
            return selectors.case_for(self.request.user, case_id.upper())
        except Case.DoesNotExist:
            raise NotFound(f"No case {case_id}.") from None

    @property
    def purchaser_view(self) -> bool:
        return selectors.sees_as_purchaser(self.request.user)

    def case_document(self, with_lines: bool) -> docs.Document:
        if self.purchaser_view:
            return docs.PURCHASER_CASE_WITH_LINES if with_lines else docs.PURCHASER_CASE
        return docs.CASE_WITH_LINES if with_lines else docs.CASE

    def case_response(self, case_id: str, status: int = 200, **headers) -> HttpResponse:
        picker = selectors.case_picker(self.request.user, case_id)
        rows = self.case_document(with_lines=True).picked(*picker, ("version",)) if picker else []
        if not rows:
            raise NotFound(f"No case {case_id}.")
        body, version = rows[0]
        if status == 200 and self.request.method == "GET" and not_modified(self.request, version):
            return HttpResponse(status=304, headers={"ETag": etag(version)})
        return _json(body.encode(), status, ETag=etag(version), **headers)


class CaseViewSet(ScopedViewSet):
    filterset_class = CaseFilterSet
    csv_actions = ("list",)
    lookup_field = "case_id"

    def get_queryset(self):
        return selectors.case_queryset_for(self.request.user)

    @extend_schema(
        parameters=[CURSOR, PAGE_SIZE, ORDERING, EXPAND], responses={200: s.CasePageSerializer}, summary="List cases"
    )
    def list(self, request):
        with_lines = _expand_lines(request)
        document = self.case_document(with_lines)
        if request.query_params.get("format") != "csv" and not names_filters(request, self.filterset_class):
            # What every purchaser polls: the page's SQL is compiled once per kind of reader, not per request.
            picker = functools.partial(selectors.case_page_picker, request.user)
            return _page_of(request, CASE_ORDERINGS, "-updated_at", lambda page: document.page(picker(page), page))
        queryset = self.filter_queryset(self.get_queryset())
        if _wants_csv(request):
            return self._csv(queryset, with_lines)
        return _paged(request, queryset, document, CASE_ORDERINGS, "-updated_at")

    @extend_schema(
        parameters=[EXPAND],
        summary="Cases as CSV (what the list shows, every row)",
        operation_id="cases_csv",
        **CSV_OPERATION,
    )
    def export(self, request):
        with_lines = _expand_lines(request)
        return self._csv(self.filter_queryset(self.get_queryset()), with_lines)

    def _csv(self, queryset: QuerySet, with_lines: bool) -> StreamingHttpResponse:
        if self.purchaser_view and with_lines:  # its lines are in its documents, never the working copy
            lines = import_string(settings.PURCHASER_CASE_LINE_ROWS)(queryset)
            return _csv_of(lines, PURCHASER_LINE_CSV, ["document__case__case_id", "line_number"], "case-lines.csv")
        if self.purchaser_view:
            return _csv_of(queryset, PURCHASER_CASE_CSV, ["case_id"], "cases.csv")
        if with_lines:
            lines = selectors.line_item_queryset_for(self.request.user).filter(case__in=queryset)
            columns = [(f"case_{n}", f"case__{src}") for n, src in CASE_CSV[:5]] + LINE_CSV
            return _csv_of(lines, columns, ["case__case_id", "line_number"], "case-lines.csv")
        return _csv_of(queryset, CASE_CSV, ["case_id"], "cases.csv")

    @extend_schema(parameters=[CASE_ID, IF_NONE_MATCH], responses={200: s.CaseDetailSerializer, 304: NOT_MODIFIED})
    def retrieve(self, request, case_id: str):
        return self.case_response(case_id.upper())

    @extend_schema(
        request=s.CaseCreateSerializer, responses={201: s.CaseDetailSerializer}, parameters=[IDEMPOTENCY_KEY]
    )
    def create(self, request):
        data = _valid(s.CaseCreateSerializer, request.data)
        data["notification"] = _notification(request, data.pop("notification", None), data.pop("notification_id", None))
        for field, model in (("purchaser", Purchaser), ("implementing_agency", ImplementingAgency)):
            if data.get(field):
                data[field] = model.objects.filter(code=data[field]).first() or _unknown(field, data[field])
        with write_and_answer():
            case = services.case_create(actor=request.user, **data)
            return self.case_response(case.case_id, 201, Location=f"/api/v1/cases/{case.case_id}/")

    @extend_schema(
        request=s.CaseUpdateSerializer, responses={200: s.CaseDetailSerializer}, parameters=[CASE_ID, IF_MATCH]
    )
    def partial_update(self, request, case_id: str):
        case = self.case(case_id)
        version = expected_version(request)
        data = _valid(s.CaseUpdateSerializer, request.data)
        if "notification" in data or "notification_id" in data:
            data["notification"] = _notification(
                request, data.pop("notification", None), data.pop("notification_id", None)
            )
        with write_and_answer():
            services.case_update(actor=request.user, case=case, expected_version=version, **data)
            return self.case_response(case.case_id)

    @extend_schema(
        request=s.TransitionSerializer, responses={200: s.CaseDetailSerializer}, parameters=[CASE_ID, IF_MATCH]
    )
    def transition(self, request, case_id: str):
        case = self.case(case_id)
        version = expected_version(request)
        data = _valid(s.TransitionSerializer, request.data)
        with write_and_answer():
            services.case_transition(actor=request.user, case=case, expected_version=version, **data)
            return self.case_response(case.case_id)

    @extend_schema(parameters=[CASE_ID], responses={200: s.LedgerSerializer})
    def ledger(self, request, case_id: str):
        case = self.case(case_id)
        if self.purchaser_view:  # the chain holds internal steps and counts them: not a purchaser's record
            raise NotFound(f"No case {case_id}.")
        result = verify_ledger([case.pk])
        broken = result.breaks[0] if result.breaks else None
        first_break = {"position": broken.seq, "event_id": broken.event_id, "reason": broken.reason} if broken else None
        body = {"case": case.case_id, "ok": result.ok, "events": result.events, "first_break": first_break}
        return _json(dumps(body))


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _unknown(field: str, value: str):
    raise ValidationFailed({field: [f"Unknown code {value}."]})


def _notification(request, transmittal_number: str | None, notification_id: int | None):
    if not transmittal_number and not notification_id:
        return None
    visible = selectors.notification_queryset_for(request.user)
    found = (
        visible.filter(transmittal_number=transmittal_number)
        if transmittal_number
        else visible.filter(pk=notification_id)
    ).first()
    if found is None:
        field = "notification" if transmittal_number else "notification_id"
        raise ValidationFailed({field: [f"No congressional notification {transmittal_number or notification_id}."]})
    return found


# ---- Lines ------------------------------------------------------------------------------------

LINE_ORDERINGS = {"line_number": Ordering(("line_number",))}


class LineItemViewSet(ScopedViewSet):
    filterset_class = LineItemFilterSet
    csv_actions = ("list",)

    def get_queryset(self):
        return selectors.line_item_queryset_for(self.request.user)

    def line(self, case_id: str, line_number: str) -> LineItem:
        line = self.get_queryset().select_related("case").filter(case__case_id=case_id.upper(), line_number=line_number)
        found = line.first()
        if found is None:
            raise NotFound(f"No line {line_number} in case {case_id}.")
        return found

    def line_response(self, line: LineItem, status: int = 200, **headers) -> HttpResponse:
        rows = docs.documents(self.get_queryset().filter(pk=line.pk), docs.LINE, "version")
        if not rows:
            raise NotFound("No such line.")
        body, version = rows[0]
        if status == 200 and self.request.method == "GET" and not_modified(self.request, version):
            return HttpResponse(status=304, headers={"ETag": etag(version)})
        return _json(body.encode(), status, ETag=etag(version), **headers)

    def lines_case(self, case_id: str) -> Case:
        """The case whose working lines are asked for: a purchaser reads lines in its documents only (404)."""
        case = self.case(case_id)
        if self.purchaser_view:
            raise NotFound(f"No working lines of {case.case_id}: its lines are in its documents.")
        return case

    @extend_schema(
        parameters=[CASE_ID, CURSOR, PAGE_SIZE],
        responses={200: s.LineItemPageSerializer},
        summary="List a case's lines",
    )
    def list(self, request, case_id: str):
        case = self.lines_case(case_id)
        queryset = self.filter_queryset(self.get_queryset().filter(case=case))
        if _wants_csv(request):
            return _csv_of(queryset, LINE_CSV, ["line_number"], f"{case.case_id}-lines.csv")
        return _paged(request, queryset, docs.LINE, LINE_ORDERINGS, "line_number")

    @extend_schema(
        parameters=[CASE_ID], summary="A case's lines as CSV", operation_id="cases_lines_csv", **CSV_OPERATION
    )
    def export(self, request, case_id: str):
        case = self.lines_case(case_id)
        queryset = self.filter_queryset(self.get_queryset().filter(case=case))
        return _csv_of(queryset, LINE_CSV, ["line_number"], f"{case.case_id}-lines.csv")

    @extend_schema(
        request=s.LineWriteSerializer, responses={201: s.LineItemSerializer}, parameters=[CASE_ID, IDEMPOTENCY_KEY]
    )
    def create(self, request, case_id: str):
        case = self.case(case_id)
        data = _valid(s.LineWriteSerializer, request.data)
        with write_and_answer():
            line = services.line_item_add(actor=request.user, case=case, **data)
            location = f"/api/v1/cases/{case.case_id}/lines/{line.line_number}/"
            return self.line_response(line, 201, Location=location)

    @extend_schema(
        parameters=[CASE_ID, LINE_NUMBER, IF_NONE_MATCH], responses={200: s.LineItemSerializer, 304: NOT_MODIFIED}
    )
    def retrieve(self, request, case_id: str, line_number: str):
        return self.line_response(self.line(case_id, line_number))

    @extend_schema(
        request=s.LineUpdateSerializer,
        responses={200: s.LineItemSerializer},
        parameters=[CASE_ID, LINE_NUMBER, IF_MATCH],
    )
    def partial_update(self, request, case_id: str, line_number: str):
        line = self.line(case_id, line_number)
        version = expected_version(request)
        data = _valid(s.LineUpdateSerializer, request.data)
        with write_and_answer():
            line = services.line_item_update(actor=request.user, line=line, expected_version=version, **data)
            return self.line_response(line)

    @extend_schema(parameters=[CASE_ID, LINE_NUMBER, IF_MATCH], responses={204: None})
    def destroy(self, request, case_id: str, line_number: str):
        line = self.line(case_id, line_number)
        services.line_item_remove(actor=request.user, line=line, expected_version=expected_version(request))
        return HttpResponse(status=204)

    def _step(self, request, case_id: str, line_number: str, action: str):
        line = self.line(case_id, line_number)
        version = expected_version(request)
        data = _valid(s.CommentSerializer, request.data)
        with write_and_answer():
            decided = services.LINE_STEPS[action](
                actor=request.user, line=line, comment=data.get("comment", ""), expected_version=version
            )
            return self.line_response(decided)


def _line_step_view(action: str):
    @extend_schema(
        request=s.CommentSerializer,
        responses={200: s.LineItemSerializer},
        parameters=[CASE_ID, LINE_NUMBER, IF_MATCH],
        summary=f"{LineAction(action).label} a line",
        operation_id=f"cases_lines_{action}",
    )
    def step(self, request, case_id: str, line_number: str):
        return self._step(request, case_id, line_number, action)

    step.__name__ = action
    return step


for _action in services.LINE_STEPS:
    setattr(LineItemViewSet, f"step_{_action}", _line_step_view(_action))


# ---- Events -----------------------------------------------------------------------------------

EVENT_ORDERINGS = {"seq": Ordering(("seq",))}
AFTER = OpenApiParameter("after", str, description="The `next` value of your previous poll; omit to start.")


class CaseEventViewSet(ScopedViewSet):
    filterset_class = EventFilterSet

    def get_queryset(self):
        return selectors.event_queryset_for(self.request.user)

    @extend_schema(parameters=[CASE_ID, CURSOR, PAGE_SIZE], responses={200: s.EventPageSerializer})
    def list(self, request, case_id: str):
        case = self.case(case_id)
        queryset = self.filter_queryset(self.get_queryset().filter(case=case))
        if not self.purchaser_view:
            return _paged(request, queryset, docs.EVENT, EVENT_ORDERINGS, "seq")
        page = KeysetPage.from_request(request, EVENT_ORDERINGS, "seq")
        rows = docs.documents(page.apply(queryset), docs.PURCHASER_EVENT, "seq", "txid", "id")
        rows, next_cursor, previous_cursor = page.finish(rows, key=lambda row: [row[1]])
        events = [_with_own_id(request.user, body, txid, event_id) for body, _, txid, event_id in rows]
        return _json(page_body(request, events, next_cursor, previous_cursor))


def _own_scope(user) -> str:
    """The key scope of a purchaser's event ids and feed positions: its own, so no id is shared."""
    return f"events:{user.purchaser_id}"


def _own_id(user, txid: int, event_id: int) -> str:
    """A purchaser's id of an event: opaque, stable, its own (DESIGN §8). It is also its feed position."""
    return seal_pair(_own_scope(user), txid, event_id)


def _with_own_id(user, body: str, txid: int, event_id: int) -> str:
    return f'{{"id":"{_own_id(user, txid, event_id)}",{body[1:]}' if body != "{}" else body


def _parse_after(raw: str | None, visible: QuerySet, user) -> tuple[int, int]:
    """(txid, event id) of an `after` cursor: the position of an event the caller can see, or 0.0
    for the start. A cursor that is not one (`²`, `1.x`) or points at no such event is a 400: an
    invented one would otherwise answer an empty page forever. A purchaser's cursor is its opaque
    event id."""
    if raw is None:
        return 0, 0
    if selectors.sees_as_purchaser(user):
        position = open_pair(_own_scope(user), raw)
        if position is None:
            raise ValidationError({"after": ["Use the `next` value of a previous response."]})
        txid, event_id = position
    else:
        txid_text, dot, id_text = raw.partition(".")
        txid, event_id = ascii_int(txid_text), ascii_int(id_text)
        if not dot or txid is None or event_id is None:
            raise ValidationError({"after": ["Use the `next` value of a previous response, e.g. 1234.567."]})
    if (txid, event_id) != (0, 0) and not _exists(visible.filter(pk=event_id, txid=txid)):
        raise ValidationError({"after": ["No event at this position; pass the `next` value of a previous response."]})
    return txid, event_id


def _exists(position: QuerySet) -> bool:
    """A cursor handed out by the primary (to a user reading there after a write) may name an event
    a lagging replica has not replayed yet: it is still valid, so ask the primary. Its transaction
    is then not settled on the replica either (its id is not below the replica's snapshot xmin),
    so the replica's page after it is empty until replay catches up: nothing skipped or repeated."""
    return position.exists() or (replica.on_replica() and position.using(replica.PRIMARY).exists())


def _after(txid: int, event_id: int) -> RawSQL:
    """(txid, id) > (cursor) as a row comparison, which PostgreSQL walks as a range of the (txid, id)
    index. `txid > t OR (txid = t AND id > e)` scanned and dropped every earlier event of transaction
    t first: all of them after a bulk import in one transaction (450 ms at 900,000 events)."""
    table = connection.ops.quote_name(ApprovalEvent._meta.db_table)
    return RawSQL(f"({table}.txid, {table}.id) > (%s, %s)", [txid, event_id], output_field=BooleanField())  # noqa: S611


class EventFeedViewSet(ScopedViewSet):
    """Every event the caller may see, in the order of the transactions that wrote them.

    Only events of transactions older than every transaction still running are handed out, so
    an event committed late can never appear behind a cursor a client already holds.
    """

    filterset_class = EventFilterSet

    def get_queryset(self):
        return selectors.event_queryset_for(self.request.user)

    @extend_schema(parameters=[AFTER, PAGE_SIZE], responses={200: s.FeedSerializer}, summary="Poll the event feed")
    def list(self, request):
        user = request.user
        txid, event_id = _parse_after(request.query_params.get("after"), self.get_queryset(), user)
        settled = RawSQL("pg_snapshot_xmin(pg_current_snapshot())::text::bigint", [])
        queryset = (
            self.filter_queryset(self.get_queryset())
            .filter(_after(txid, event_id), txid__lt=settled)
            .order_by("txid", "id")[: page_size(request)]
        )
        if selectors.sees_as_purchaser(user):
            rows = docs.documents(queryset, docs.PURCHASER_EVENT, "txid", "id")
            events = [_with_own_id(user, body, row_txid, row_id) for body, row_txid, row_id in rows]
            cursor = _own_id(user, *(rows[-1][1:] if rows else (txid, event_id)))
        else:
            rows = docs.documents(queryset, docs.EVENT, "txid", "id")
            events = [row[0] for row in rows]
            cursor = f"{rows[-1][1]}.{rows[-1][2]}" if rows else f"{txid}.{event_id}"
        # A feed only goes forward: `next` is always there (poll it again later), `previous` never.
        return _json(page_body(request, events, cursor, None, parameter="after"))


# ---- Reference data and notifications ---------------------------------------------------------


CODE_ORDERINGS = {"code": Ordering(("code",))}


class PurchaserViewSet(ScopedViewSet):
    queryset = Purchaser.objects.none()  # for the schema; rows come from the selector

    @extend_schema(parameters=[CURSOR, PAGE_SIZE], responses={200: s.PurchaserPageSerializer})
    def list(self, request):
        return _paged(request, selectors.purchaser_queryset_for(request.user), docs.PURCHASER, CODE_ORDERINGS, "code")


class ImplementingAgencyViewSet(ScopedViewSet):
    queryset = ImplementingAgency.objects.none()

    @extend_schema(parameters=[CURSOR, PAGE_SIZE], responses={200: s.ImplementingAgencyPageSerializer})
    def list(self, request):
        return _paged(request, ImplementingAgency.objects.all(), docs.AGENCY, CODE_ORDERINGS, "code")


NOTIFICATION_ORDERINGS = {"-id": Ordering(("id",), descending=True)}


class NotificationViewSet(ScopedViewSet):
    """36(b) notifications: cn_officers record and change them (fms.notifications.services); sensitive
    changes wait for a second cn_officer; a text published by Congress or DSCA can be imported."""

    filterset_class = NotificationFilterSet

    def get_queryset(self):
        return selectors.notification_queryset_for(self.request.user)

    def notification(self, pk: str) -> CongressionalNotification:
        number = ascii_int(pk)
        found = self.get_queryset().filter(pk=number).first() if number is not None else None
        if found is None:
            raise NotFound("No such notification.")
        return found

    def notification_response(self, pk: int, status: int = 200, **headers) -> HttpResponse:
        rows = docs.documents(self.get_queryset().filter(pk=pk), docs.NOTIFICATION, "version")
        if not rows:
            raise NotFound("No such notification.")
        body, version = rows[0]
        return _json(body.encode(), status, ETag=etag(version), **headers)

    @extend_schema(parameters=[CURSOR, PAGE_SIZE], responses={200: s.NotificationPageSerializer})
    def list(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        return _paged(request, queryset, docs.NOTIFICATION, NOTIFICATION_ORDERINGS, "-id")

    @extend_schema(responses={200: s.NotificationSerializer})
    def retrieve(self, request, pk: str):
        return self.notification_response(self.notification(pk).pk)

    def _rows(self, data: dict) -> dict:
        if data.get("implementing_agency"):
            code = data["implementing_agency"]
            data["implementing_agency"] = ImplementingAgency.objects.filter(code=code).first() or _unknown(
                "implementing_agency", code
            )
        if data.get("original"):
            number = data["original"]
            data["original"] = self.get_queryset().filter(transmittal_number=number).first() or _unknown(
                "original", number
            )
        return data

    @extend_schema(
        request=s.NotificationCreateSerializer, responses={201: s.NotificationSerializer}, parameters=[IDEMPOTENCY_KEY]
    )
    def create(self, request):
        data = self._rows(_valid(s.NotificationCreateSerializer, request.data))
        code = data.pop("purchaser")
        purchaser = Purchaser.objects.filter(code=code).first() or _unknown("purchaser", code)
        with write_and_answer():
            notification = notification_services.notification_create(actor=request.user, purchaser=purchaser, **data)
            location = f"/api/v1/notifications/{notification.pk}/"
            return self.notification_response(notification.pk, 201, Location=location)

    @extend_schema(
        request=s.NotificationUpdateSerializer, responses={200: s.NotificationSerializer}, parameters=[IF_MATCH]
    )
    def partial_update(self, request, pk: str):
        notification = self.notification(pk)
        version = expected_version(request)
        data = self._rows(_valid(s.NotificationUpdateSerializer, request.data))
        with write_and_answer():
            notification_services.notification_update(
                actor=request.user, notification=notification, expected_version=version, **data
            )
            return self.notification_response(notification.pk)

    @extend_schema(request=s.DecisionSerializer, responses={200: s.NotificationSerializer})
    def approve_change(self, request, pk: str, number: str):
        return self._decide(request, pk, number, approve=True)

    @extend_schema(request=s.DecisionSerializer, responses={200: s.NotificationSerializer})
    def reject_change(self, request, pk: str, number: str):
        return self._decide(request, pk, number, approve=False)

    def _decide(self, request, pk: str, number: str, *, approve: bool) -> HttpResponse:
        notification = self.notification(pk)
        data = _valid(s.DecisionSerializer, request.data)
        change_number = ascii_int(number)
        if change_number is None:
            raise NotFound("No such change.")
        with write_and_answer():
            notification_services.notification_change_decide(
                actor=request.user, notification=notification, number=change_number, approve=approve, **data
            )
            return self.notification_response(notification.pk)

    @extend_schema(
        request=s.NotificationImportSerializer,
        responses={200: s.NotificationImportResultSerializer, 201: s.NotificationImportResultSerializer},
    )
    def import_text(self, request):
        """Draft notifications from a Congressional Record text or a DSCA press release (`save`: false previews)."""
        if not holds_role_permission(request.user, notification_services.ADD):
            raise NotAllowed("Importing notifications is the cn_officer role's.")
        data = _valid(s.NotificationImportSerializer, request.data)
        save = data.get("save", True)
        try:
            if save:
                drafts = importing.import_notifications(actor=request.user, text=data["text"])
            else:
                drafts = importing.resolve(data["text"])
        except parsing.NothingRecognised as nothing:
            raise ValidationFailed({"text": [str(nothing)]}) from nothing
        body = {"saved": save, "notifications": [importing.draft_as_dict(draft) for draft in drafts]}
        return _json(dumps(body), 201 if save else 200)

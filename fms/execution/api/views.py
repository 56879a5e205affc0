"""The execution routes of DESIGN §5: reads through the selectors, writes through the services.

A write whose answer is read back from the database reads it inside the write's transaction
(fms.core.transactions); a delivery, services performed and an emergency approval answer with the
row their service returned, so nothing is read after their commit."""

import io

import orjson
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound

from fms.cases.api.views import CASE_ID, CURSOR, PAGE_SIZE, ScopedViewSet, _json, _valid
from fms.cases.models import Case
from fms.core.api.conditional import etag, expected_version
from fms.core.api.pagination import KeysetPage, Ordering, page_body
from fms.core.api.renderers import dumps
from fms.core.api.schema import IDEMPOTENCY_KEY, IF_MATCH
from fms.core.errors import ValidationFailed
from fms.core.transactions import write_and_answer
from fms.execution import importing, present, selectors, services
from fms.execution.api import serializers as s
from fms.execution.models import Delivery, FinancialTransaction, SupplyDiscrepancyReport
from fms.execution.statements import statement_for

NUMBER = OpenApiParameter("number", int, OpenApiParameter.PATH, description="The SDR's number within the case.")
QUARTER = OpenApiParameter("quarter", str, description="YYYYQn, e.g. 2026Q3; default: the current quarter.")
CSV_MAX_BYTES = 50 * 1024 * 1024
# A case's transactions can run to thousands (DFAS posts them daily): one keyset page at a time.
TRANSACTION_ORDERINGS = {"posted_on": Ordering(("posted_on", "id"))}
# Deliveries and SDRs, in the order they were numbered within the case: keyset pages like every list.
NUMBER_ORDERINGS = {"number": Ordering(("number",))}


def numbered_page(request, rows, present_row) -> bytes:
    page = KeysetPage.from_request(request, NUMBER_ORDERINGS, "number")
    found, next_cursor, previous_cursor = page.finish(list(page.apply(rows)), key=lambda row: [row.number])
    return page_body(request, [dumps(present_row(row)) for row in found], next_cursor, previous_cursor)


class ExecutionViewSet(ScopedViewSet):
    queryset = Delivery.objects.none()  # for the schema; rows come from the selectors

    def case(self, case_id: str) -> Case:
        try:
            return selectors.case_for(self.request.user, case_id.upper())
        except Case.DoesNotExist:
            raise NotFound(f"No case {case_id}.") from None

    def sdr(self, case: Case, number: int) -> SupplyDiscrepancyReport:
        rows = selectors.visible_to(self.request.user, SupplyDiscrepancyReport.objects.select_related("delivery"))
        found = rows.filter(case=case, number=number).first()
        if found is None:
            raise NotFound(f"{case.case_id} has no SDR {number}.")
        found.case = case
        return found

    def sdr_response(self, case: Case, number: int, status: int = 200, **headers) -> HttpResponse:
        found = self.sdr(case, number)
        return _json(dumps(present.sdr(found)), status, ETag=etag(found.version), **headers)

    def financials_response(self, request, case: Case, status: int = 200) -> HttpResponse:
        rows = selectors.visible_to(request.user, FinancialTransaction.objects.filter(case=case))
        page = KeysetPage.from_request(request, TRANSACTION_ORDERINGS, "posted_on")
        found, next_cursor, previous_cursor = page.finish(
            list(page.apply(rows)), key=lambda row: [row.posted_on.isoformat(), row.pk]
        )
        transactions = page_body(
            request, [dumps(present.transaction(row)) for row in found], next_cursor, previous_cursor
        )
        body = {**present.financials(case, []), "transactions": orjson.Fragment(transactions)}
        return _json(dumps(body), status)

    def closure_response(self, case: Case) -> HttpResponse:
        return _json(dumps(present.closure(case)))

    # ---- Deliveries ----

    @extend_schema(
        methods=["GET"],
        parameters=[CASE_ID, CURSOR, PAGE_SIZE],
        responses={200: s.DeliveryPageSerializer},
        summary="A case's deliveries",
        operation_id="cases_deliveries_list",
    )
    @extend_schema(
        methods=["POST"],
        parameters=[CASE_ID, IDEMPOTENCY_KEY],
        request=s.DeliveryInputSerializer,
        responses={201: s.DeliverySerializer},
        summary="Record a delivery of a line (case officer)",
    )
    def deliveries(self, request, case_id: str):
        case = self.case(case_id)
        if request.method == "POST":
            return self.record_delivery(request, case)
        rows = selectors.visible_to(request.user, Delivery.objects.filter(case=case))
        return _json(numbered_page(request, rows, present.delivery))

    def record_delivery(self, request, case: Case) -> HttpResponse:
        data = _valid(s.DeliveryInputSerializer, request.data)
        delivery = services.delivery_record(actor=request.user, case=case, **data)
        location = f"/api/v1/cases/{case.case_id}/deliveries/"
        return _json(dumps(present.delivery(delivery)), 201, Location=location)

    @extend_schema(
        parameters=[CASE_ID, IDEMPOTENCY_KEY],
        request=s.PerformanceInputSerializer,
        responses={201: s.PerformanceInputSerializer},
        summary="Record a services line performed through a month",
    )
    def performance(self, request, case_id: str):
        case = self.case(case_id)
        data = _valid(s.PerformanceInputSerializer, request.data)
        record = services.services_performed(actor=request.user, case=case, **data)
        body = {"line_number": record.line_number, "performed_through_month": record.performed_through_month,
                "note": record.note}  # fmt: skip
        return _json(dumps(body), 201)

    # ---- SDRs ----

    @extend_schema(
        methods=["GET"],
        parameters=[CASE_ID, CURSOR, PAGE_SIZE],
        responses={200: s.SdrPageSerializer},
        summary="A case's SDRs",
        operation_id="cases_sdrs_list",
    )
    @extend_schema(
        methods=["POST"],
        parameters=[CASE_ID, IDEMPOTENCY_KEY],
        request=s.SdrInputSerializer,
        responses={201: s.SdrSerializer},
        summary="File an SDR against a delivery (the purchaser's client_officer)",
    )
    def sdrs(self, request, case_id: str):
        case = self.case(case_id)
        if request.method == "POST":
            data = _valid(s.SdrInputSerializer, request.data)
            with write_and_answer():
                sdr = services.sdr_file(actor=request.user, case=case, delivery_number=data.pop("delivery"), **data)
                location = f"/api/v1/cases/{case.case_id}/sdrs/{sdr.number}/"
                return self.sdr_response(case, sdr.number, 201, Location=location)
        rows = selectors.visible_to(request.user, SupplyDiscrepancyReport.objects.filter(case=case))
        return _json(numbered_page(request, rows.select_related("delivery"), present.sdr))

    @extend_schema(parameters=[CASE_ID, NUMBER], responses={200: s.SdrSerializer}, summary="One SDR")
    def sdr_detail(self, request, case_id: str, number: int):
        return self.sdr_response(self.case(case_id), number)

    @extend_schema(
        parameters=[CASE_ID, NUMBER, IF_MATCH],
        request=s.SdrReviewSerializer,
        responses={200: s.SdrSerializer},
        summary="Take an SDR under review (case officer)",
    )
    def sdr_review(self, request, case_id: str, number: int):
        case = self.case(case_id)
        sdr = self.sdr(case, number)
        version = expected_version(request)
        data = _valid(s.SdrReviewSerializer, request.data)
        with write_and_answer():
            services.sdr_review(actor=request.user, sdr=sdr, expected_version=version, **data)
            return self.sdr_response(case, number)

    @extend_schema(
        parameters=[CASE_ID, NUMBER, IF_MATCH],
        request=s.SdrResolveSerializer,
        responses={200: s.SdrSerializer},
        summary="Resolve an SDR: credit, replacement or denied, with a note (case officer)",
    )
    def sdr_resolve(self, request, case_id: str, number: int):
        case = self.case(case_id)
        sdr = self.sdr(case, number)
        version = expected_version(request)
        data = _valid(s.SdrResolveSerializer, request.data)
        with write_and_answer():
            services.sdr_resolve(actor=request.user, sdr=sdr, expected_version=version, **data)
            return self.sdr_response(case, number)

    # ---- Money, statement, closure ----

    @extend_schema(
        parameters=[CASE_ID, CURSOR, PAGE_SIZE],
        request=s.MoneyInputSerializer,
        responses={200: s.FinancialsSerializer},
        summary="A case's financial summary and transactions; POST records a deposit or collection (finance)",
    )
    def financials(self, request, case_id: str):
        case = self.case(case_id)
        if request.method != "POST":
            return self.financials_response(request, case)
        data = _valid(s.MoneyInputSerializer, request.data)
        record = services.deposit_record if data.pop("kind") == "deposit" else services.collection_record
        with write_and_answer():
            record(actor=request.user, case=case, **data)
            return self.financials_response(request, case, 201)

    @extend_schema(parameters=[CASE_ID, QUARTER], responses={200: s.StatementSerializer}, summary="Quarterly statement")
    def statement(self, request, case_id: str):
        case = self.case(case_id)
        try:
            statement = statement_for(case, request.query_params.get("quarter"))
        except ValueError as error:
            raise ValidationFailed({"quarter": [str(error)]}) from error
        return _json(dumps(statement.as_dict()))

    @extend_schema(
        parameters=[CASE_ID],
        request=s.CloseSerializer,
        responses={200: s.ClosureSerializer},
        summary="The closure checklist; POST closes the case (refused naming the unmet items)",
    )
    def closure(self, request, case_id: str):
        case = self.case(case_id)
        if request.method != "POST":
            return self.closure_response(case)
        data = _valid(s.CloseSerializer, request.data)
        with write_and_answer():
            return self.closure_response(services.case_close(actor=request.user, case=case, **data))

    @extend_schema(
        parameters=[CASE_ID, IDEMPOTENCY_KEY],
        request=s.EmergencySerializer,
        responses={201: s.EmergencySerializer},
        summary="Approve an emergency implementation before the deposit (reviewer)",
    )
    def emergency(self, request, case_id: str):
        case = self.case(case_id)
        data = _valid(s.EmergencySerializer, request.data)
        approval = services.emergency_implementation_approve(actor=request.user, case=case, **data)
        return _json(dumps({"reason": approval.reason}), 201)

    @extend_schema(
        parameters=[CASE_ID, IDEMPOTENCY_KEY],
        request=s.CancellationSerializer,
        responses={200: s.ClosureSerializer},
        summary="Cancel an implemented case with its termination costs (final billing)",
    )
    def cancellation(self, request, case_id: str):
        case = self.case(case_id)
        data = _valid(s.CancellationSerializer, request.data)
        with write_and_answer():
            return self.closure_response(services.case_cancel_with_termination(actor=request.user, case=case, **data))

    @extend_schema(
        request={"text/csv": OpenApiTypes.STR},
        responses={200: s.ImportResultSerializer},
        summary="Import financial transactions from CSV (finance officer); all or nothing",
    )
    def import_financials(self, request):
        importing.require_importer(request.user)  # who may, before what the body holds
        if request.content_type.split(";")[0].strip() != "text/csv":
            raise ValidationFailed({"file": ["Send the CSV file itself as the body, with Content-Type: text/csv."]})
        body = request.body
        if len(body) > CSV_MAX_BYTES:
            raise ValidationFailed({"file": [f"At most {CSV_MAX_BYTES // (1024 * 1024)} MB per request."]})
        name = request.headers.get("X-Filename", "upload.csv")[:100]
        result = importing.financials_import(actor=request.user, binary=io.BytesIO(body), source_name=name)
        return _json(dumps({"rows": result.rows, "created": result.created, "unchanged": result.unchanged,
                            "cases": result.cases}))  # fmt: skip

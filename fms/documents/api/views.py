"""The document routes of DESIGN §5: reads through the selectors, writes through the services."""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound

from fms.cases.api.views import CASE_ID, ScopedViewSet, _json, _valid
from fms.cases.models import Case
from fms.core.api.pagination import page_body
from fms.core.api.renderers import dumps
from fms.core.api.schema import IDEMPOTENCY_KEY
from fms.core.errors import Conflict, ValidationFailed
from fms.core.transactions import write_and_answer
from fms.documents import diff, selectors, services
from fms.documents.api import documents
from fms.documents.api import serializers as s
from fms.documents.models import LoaDocument

LABEL = OpenApiParameter("label", str, OpenApiParameter.PATH, description="BASIC, A01 …, M01 …")
AGAINST = OpenApiParameter("against", str, required=True, description="The label of the earlier document.")


def summary(document: LoaDocument) -> dict:
    """The document's header and status (no content rows)."""
    accepted = document.accepted_on is not None
    return {
        "case": document.case.case_id,
        "label": document.label,
        "kind": document.kind,
        "status": document.status,
        "reason": document.reason,
        "supersedes": document.supersedes.label if document.supersedes_id else None,
        "terms_of_sale": document.terms_of_sale,
        "offered_on": document.offered_on,
        "offer_expires_on": document.offer_expires_on,
        "reinstated_until": document.reinstated_until,
        "issued_on": document.issued_on,
        "content_hash": document.content_hash,
        "acceptance": {
            "accepted_on": document.accepted_on,
            "method": document.acceptance_method,
            "signatory_name": document.signatory_name,
            "signatory_title": document.signatory_title,
            "signed_copy_sha256": document.signed_copy_sha256,
        }
        if accepted
        else None,
    }


def detail(document: LoaDocument) -> dict:
    """Summary plus the frozen content, exactly as hashed (money as strings)."""
    body = summary(document)
    if not document.content_hash:
        figures, schedule = services.document_draft_figures(document)
        return {**body, "title": "", "description": "", "lines": [], "loa_notes": [], "cost_summary": figures,
                "payment_schedule": schedule}  # fmt: skip
    frozen = services.document_content(document)
    return {
        **body,
        "title": frozen["header"]["title"],
        "description": frozen["header"]["description"],
        "lines": frozen["lines"],
        "loa_notes": frozen["notes"],
        "cost_summary": frozen["cost_summary"],
        "payment_schedule": frozen["payment_schedule"],
    }


class DocumentViewSet(ScopedViewSet):
    queryset = LoaDocument.objects.none()  # for the schema; rows come from the selectors

    def case(self, case_id: str) -> Case:
        try:
            return selectors.case_for(self.request.user, case_id.upper())
        except Case.DoesNotExist:
            raise NotFound(f"No case {case_id}.") from None

    def document(self, case: Case, label: str, *, content: bool = False) -> LoaDocument:
        try:
            document = selectors.document_for(self.request.user, case, label.upper(), content=content)
        except LoaDocument.DoesNotExist:
            raise NotFound(f"{case.case_id} has no document {label}.") from None
        document.case = case
        return document

    def respond(self, case: Case, label: str, status: int = 200, **headers) -> HttpResponse:
        return _json(dumps(detail(self.document(case, label, content=True))), status, **headers)

    @extend_schema(parameters=[CASE_ID], responses={200: s.DocumentListSerializer}, summary="List a case's documents")
    def list(self, request, case_id: str):
        case = self.case(case_id)
        services.document_expire_due(case=case)
        documents = selectors.documents_for(request.user, case)
        for document in documents:
            document.case = case
        return _json(page_body(request, [dumps(summary(document)) for document in documents], None, None))

    @extend_schema(
        parameters=[CASE_ID, IDEMPOTENCY_KEY],
        request=s.DocumentOpenSerializer,
        responses={201: s.DocumentDetailSerializer},
        summary="Open an amendment or modification",
    )
    def create(self, request, case_id: str):
        case = self.case(case_id)
        data = _valid(s.DocumentOpenSerializer, request.data)
        with write_and_answer():
            document = services.document_open(actor=request.user, case=case, **data)
            location = f"/api/v1/cases/{case.case_id}/documents/{document.label}/"
            return self.respond(case, document.label, 201, Location=location)

    @extend_schema(parameters=[CASE_ID, LABEL], responses={200: s.DocumentDetailSerializer}, summary="One document")
    def retrieve(self, request, case_id: str, label: str):
        found = self.frozen(case_id, label)
        if found and services.offer_lapsed(found[1]):  # recorded expired on read, then read again
            services.document_expire_due(case=found[1].case_id)
            found = self.frozen(case_id, label)
        if not found:  # a draft (priced in Python), or a 404 saying which of the two is unknown
            return self.respond(self.case(case_id), label)
        return _json(found[0].encode())

    def frozen(self, case_id: str, label: str) -> tuple[str, LoaDocument] | None:
        """A frozen document's body and deciding columns, in one statement (fms.documents.api.documents)."""
        return documents.frozen(selectors.document_picker(self.request.user, case_id.upper(), label.upper()))

    @extend_schema(
        parameters=[CASE_ID, LABEL, IDEMPOTENCY_KEY],
        request=s.DocumentOfferSerializer,
        responses={200: s.DocumentDetailSerializer},
        summary="Freeze and offer BASIC or an amendment",
    )
    def offer(self, request, case_id: str, label: str):
        case = self.case(case_id)
        data = _valid(s.DocumentOfferSerializer, request.data)
        with write_and_answer():
            services.document_offer(actor=request.user, case=case, label=label.upper(), **data)
            return self.respond(case, label)

    @extend_schema(
        parameters=[CASE_ID, LABEL, IDEMPOTENCY_KEY],
        request=s.DocumentIssueSerializer,
        responses={200: s.DocumentDetailSerializer},
        summary="Freeze and issue a modification",
    )
    def issue(self, request, case_id: str, label: str):
        case = self.case(case_id)
        data = _valid(s.DocumentIssueSerializer, request.data)
        with write_and_answer():
            services.document_issue(actor=request.user, case=case, label=label.upper(), **data)
            return self.respond(case, label)

    @extend_schema(
        parameters=[CASE_ID, LABEL],
        request=s.DraftScheduleSerializer,
        responses={200: s.DocumentDetailSerializer},
        summary="Replace a draft's payment schedule",
    )
    def payment_schedule(self, request, case_id: str, label: str):
        case = self.case(case_id)
        data = _valid(s.DraftScheduleSerializer, request.data)
        with write_and_answer():
            services.document_payment_schedule_set(actor=request.user, case=case, label=label.upper(), **data)
            return self.respond(case, label)

    @extend_schema(
        parameters=[CASE_ID, LABEL, IDEMPOTENCY_KEY],
        request=s.DocumentAcceptSerializer,
        responses={200: s.DocumentDetailSerializer},
        summary="Accept an offered document for its exact content_hash",
    )
    def accept(self, request, case_id: str, label: str):
        case = self.case(case_id)
        document = self.document(case, label)
        data = _valid(s.DocumentAcceptSerializer, request.data)
        # Outside the write's transaction: an acceptance refused because the offer lapsed leaves the expiry
        # recorded (document_accept's own call then finds nothing due).
        services.document_expire_due(case=case)
        with write_and_answer():
            services.document_accept(actor=request.user, document=document, **data)
            return self.respond(case, label)

    @extend_schema(
        parameters=[CASE_ID, LABEL, IDEMPOTENCY_KEY],
        request=s.DocumentWithdrawSerializer,
        responses={200: s.DocumentDetailSerializer},
        summary="Withdraw an amendment or modification",
    )
    def withdraw(self, request, case_id: str, label: str):
        case = self.case(case_id)
        data = _valid(s.DocumentWithdrawSerializer, request.data)
        with write_and_answer():
            services.document_withdraw(actor=request.user, case=case, label=label.upper(), **data)
            return self.respond(case, label)

    @extend_schema(
        parameters=[CASE_ID, LABEL, IDEMPOTENCY_KEY],
        request=s.DocumentReinstateSerializer,
        responses={200: s.DocumentDetailSerializer},
        summary="Reinstate an expired or offered offer with a new OED (a reviewer)",
    )
    def reinstate(self, request, case_id: str, label: str):
        case = self.case(case_id)
        data = _valid(s.DocumentReinstateSerializer, request.data)
        with write_and_answer():
            services.document_reinstate(actor=request.user, case=case, label=label.upper(), **data)
            return self.respond(case, label)

    @extend_schema(
        parameters=[CASE_ID, LABEL, AGAINST], responses={200: s.DocumentDiffSerializer}, summary="Compare two documents"
    )
    def diff(self, request, case_id: str, label: str):
        case = self.case(case_id)
        against = request.query_params.get("against", "")
        if not against:
            raise ValidationFailed({"against": ["Name the document to compare with, e.g. ?against=BASIC."]})
        after, before = self.document(case, label), self.document(case, against)
        drafts = [d.label for d in (before, after) if not d.content_hash]
        if drafts:
            raise Conflict(f"{' and '.join(drafts)} is still a draft: only frozen documents are compared.")
        changes = diff.diff(services.document_content(before), services.document_content(after))
        return _json(dumps(changes))

"""The only code that reads LOA documents for a user (DESIGN §8).

Staff see every document of a case they may see. A purchaser's users see a case's documents
only once offered: never a draft, never one withdrawn before it was offered.
"""

from functools import cache

from django.db import connection
from django.db.models import Case as Choose
from django.db.models import F, Func, IntegerField, JSONField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce

from fms.accounts.models import User
from fms.cases import selectors as case_selectors
from fms.cases.api.documents import JSONAgg, JSONBuild, text
from fms.cases.models import Case
from fms.core.prepared import filled, split_at
from fms.documents import content
from fms.documents.choices import EFFECTIVE_STATUSES, DocumentStatus
from fms.documents.models import LoaDocument, LoaDocumentLine, LoaNote, PaymentScheduleRow

_MONEY = ("unit_cost", "total_cost", "amount", "cumulative")


def case_for(user: User, case_id: str) -> Case:
    """The case, or Case.DoesNotExist when it does not exist or the user may not see it."""
    return case_selectors.case_for(user, case_id)


def _sees_drafts(user: User) -> bool:
    return case_selectors.visible_purchaser(user) is None  # staff, not a purchaser's user


def _visible(*, drafts: bool) -> QuerySet[LoaDocument]:
    documents = LoaDocument.objects.all()
    return documents if drafts else documents.exclude(content_hash="")


def documents_for(user: User, case: Case) -> QuerySet[LoaDocument]:
    documents = _visible(drafts=_sees_drafts(user)).filter(case=case)
    return documents.select_related("supersedes", "accepted_by").order_by("created_at", "id")


def document_for(user: User, case: Case, label: str, *, content: bool = False) -> LoaDocument:
    """One document by label, or LoaDocument.DoesNotExist (also when the user may not see it);
    with `content`, its frozen rows come in the same statement (with_content)."""
    documents = documents_for(user, case)
    return (with_content(documents) if content else documents).get(label=label)


# What changes per request in the SQL that picks one document: the case's picker goes in its place,
# the label is a stand-in parameter.
_CASE, _LABEL = "ARRAY(/* the case the user may see */)", "\x00label"


@cache
def _document_picker_template(drafts: bool) -> tuple[str, str, tuple, int]:
    table = connection.ops.quote_name(LoaDocument._meta.db_table)
    documents = (
        _visible(drafts=drafts)
        .filter(label=_LABEL)
        .extra(where=[f"{table}.case_id = ANY({_CASE})"])  # noqa: S610 - a constant, the case picker's place
        .values("pk")
    )
    return split_at(*documents.query.sql_with_params(), _CASE)


def document_picker(user: User, case_id: str, label: str) -> tuple[str, list] | None:
    """(SQL, parameters) that select the id of document `label` of case `case_id` when `user` may see both, by
    the rules of case_selectors.case_picker and documents_for (compiled once per kind of reader); None when
    the user sees no case. For the documents read as JSON built by PostgreSQL (fms.documents.api.documents)."""
    case = case_selectors.case_picker(user, case_id)
    if case is None:
        return None
    before, after, params, split = _document_picker_template(_sees_drafts(user))
    params = tuple(label if param == _LABEL else param for param in params)
    return filled((before, after, params, split), f"ARRAY({case[0]})", case[1])


def _rows_json(model, fields: tuple[str, ...], order: str) -> Coalesce:
    row = JSONBuild(**{name: text(name) if name in _MONEY else F(name) for name in fields})
    rows = (
        model.objects.filter(document=OuterRef("pk"))
        .order_by()
        .values("document")
        .annotate(rows=JSONAgg(row, order_by=order))
        .values("rows")
    )
    # As jsonb, which Django decodes itself (psycopg would hand it a parsed json value); arrays keep their order.
    as_jsonb = Cast(Subquery(rows, output_field=JSONField()), JSONField())
    return Coalesce(as_jsonb, Func(template="'[]'::jsonb", output_field=JSONField()))


def content_rows() -> dict[str, Coalesce]:
    """The outer document's frozen lines, notes and payment rows as JSON arrays (money as strings,
    dates ISO: the values the hash canonicalises to)."""
    return {
        "content_lines": _rows_json(LoaDocumentLine, content.LINE_FIELDS, "line_number"),
        "content_notes": _rows_json(LoaNote, content.NOTE_FIELDS, "number"),
        "content_schedule": _rows_json(PaymentScheduleRow, content.PAYMENT_FIELDS, "position"),
    }


def with_content(documents: QuerySet[LoaDocument]) -> QuerySet[LoaDocument]:
    """Documents with their content_rows, read in the documents' own statement however many there are;
    fms.documents.services.document_content uses them."""
    return documents.annotate(**content_rows())


def shown_document_of(case_ref) -> Subquery:
    """The id of the document a purchaser reads a case by: the latest in force (accepted or issued),
    or before any acceptance the latest offered one."""
    in_force = When(status__in=EFFECTIVE_STATUSES, then=Value(0))
    in_force_first = Choose(in_force, default=Value(1), output_field=IntegerField())
    candidates = (
        LoaDocument.objects.filter(case=case_ref, status__in=[*EFFECTIVE_STATUSES, DocumentStatus.OFFERED])
        .annotate(rank=in_force_first)
        .order_by("rank", "-created_at", "-id")
        .values("pk")[:1]
    )
    return Subquery(candidates)


def shown_lines_json() -> Coalesce:
    """The frozen lines of the outer case's shown document, as a JSON array (the purchaser's case `lines`).

    Hooked into the case API by settings.PURCHASER_CASE_LINES: the cases app does not import documents.
    """
    line = JSONBuild(**{name: text(name) if name in _MONEY else F(name) for name in content.LINE_FIELDS})
    lines = (
        LoaDocumentLine.objects.filter(document_id=shown_document_of(OuterRef(OuterRef("pk"))))
        .order_by()
        .values("document")
        .annotate(docs=JSONAgg(line, order_by="line_number"))
        .values("docs")
    )
    return Coalesce(Subquery(lines, output_field=JSONField()), Func(template="'[]'::json", output_field=JSONField()))


def shown_line_rows(cases: QuerySet[Case]) -> QuerySet[LoaDocumentLine]:
    """The frozen lines of each case's shown document, for a purchaser's CSV of cases with lines.

    Hooked in by settings.PURCHASER_CASE_LINE_ROWS, like shown_lines_json.
    """
    return LoaDocumentLine.objects.filter(
        document__case__in=cases.values("pk"), document_id=shown_document_of(OuterRef("document__case_id"))
    )

"""The only code that reads LOA documents for a user (DESIGN §8).

Staff see every document of a case they may see. A purchaser's users see a case's documents
only once offered: never a draft, never one withdrawn before it was offered.
"""

from django.db.models import Case as Choose
from django.db.models import F, Func, IntegerField, JSONField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from fms.accounts.models import User
from fms.cases import selectors as case_selectors
from fms.cases.api.documents import JSONAgg, JSONBuild, text
from fms.cases.models import Case
from fms.documents import content
from fms.documents.choices import EFFECTIVE_STATUSES, DocumentStatus
from fms.documents.models import LoaDocument, LoaDocumentLine

_MONEY = ("unit_cost", "total_cost")


def case_for(user: User, case_id: str) -> Case:
    """The case, or Case.DoesNotExist when it does not exist or the user may not see it."""
    return case_selectors.case_for(user, case_id)


def documents_for(user: User, case: Case) -> QuerySet[LoaDocument]:
    documents = LoaDocument.objects.filter(case=case)
    if case_selectors.visible_purchaser(user) is not None:  # a purchaser's user
        documents = documents.exclude(content_hash="")
    return documents.select_related("supersedes", "accepted_by").order_by("created_at", "id")


def document_for(user: User, case: Case, label: str) -> LoaDocument:
    """One document by label, or LoaDocument.DoesNotExist (also when the user may not see it)."""
    return documents_for(user, case).get(label=label)


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

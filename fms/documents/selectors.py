"""The only code that reads LOA documents for a user (DESIGN §8).

Staff see every document of a case they may see. A purchaser's users see a case's documents
only once offered: never a draft, never one withdrawn before it was offered.
"""

from django.db.models import QuerySet

from fms.accounts.models import User
from fms.cases import selectors as case_selectors
from fms.cases.models import Case
from fms.documents.models import LoaDocument


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

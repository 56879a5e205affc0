"""The inbox section a purchaser's users get from this app: documents offered to their purchaser and
waiting for acceptance (issue 11). `cases` owns the inbox; this app adds its section from ready()."""

import datetime as dt

from fms.accounts.models import User
from fms.cases import selectors as case_selectors
from fms.cases.inbox import INBOX_LIMIT, Section
from fms.documents.choices import DocumentStatus
from fms.documents.models import LoaDocument, open_until


def offered_awaiting_acceptance(user: User, today: dt.date) -> Section | None:
    """For a purchaser's users only: their purchaser's offered documents, soonest expiry first."""
    if case_selectors.visible_purchaser(user) is None:
        return None  # staff: the offers nearing expiry are in their own section
    cases = case_selectors.case_queryset_for(user)
    documents = (
        LoaDocument.objects.filter(case__in=cases, status=DocumentStatus.OFFERED)
        .select_related("case")
        .order_by(open_until(), "id")[:INBOX_LIMIT]
    )
    return Section(
        "offered_documents",
        "Documents offered to you, awaiting acceptance",
        "No document is waiting for your acceptance.",
        list(documents),
        template="fms/_inbox_offered_documents.html",
    )

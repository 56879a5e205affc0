"""Pages of LOA documents: the printed LOA in the DD Form 1513 layout (DESIGN §4.3)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from fms.cases.models import Case
from fms.documents import selectors
from fms.documents.models import LoaDocument


@login_required
def document_print(request, case_id: str, label: str):
    try:
        case = selectors.case_for(request.user, case_id.upper())
        document = selectors.document_for(request.user, case, label.upper())
    except (Case.DoesNotExist, LoaDocument.DoesNotExist):
        raise Http404(f"No document {label} of case {case_id}.") from None
    context = {
        "case": case,
        "document": document,
        "lines": document.lines.order_by("line_number"),
        "notes": document.notes.order_by("number"),
        "schedule": document.payment_schedule.order_by("position"),
        "printed_at": timezone.now(),
    }
    return render(request, "documents/document_print.html", context)

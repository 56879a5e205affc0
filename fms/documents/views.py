"""Pages of LOA documents (DESIGN §4.3): a document with its online acceptance, the diff between
two versions, and the printed LOA in the DD Form 1513 layout. Reads go through the selectors;
the acceptance calls the service and comes back as a message, a refused one included."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from fms.cases.models import Case
from fms.core.errors import DomainError
from fms.documents import diff, selectors, services
from fms.documents.choices import DocumentStatus
from fms.documents.models import LoaDocument


class AcceptanceForm(forms.Form):
    """What the purchaser's officer signs: the hash on the page, their name and title."""

    content_hash = forms.RegexField(r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    signatory_name = forms.CharField(max_length=150)
    signatory_title = forms.CharField(max_length=150)


def _found(request, case_id: str, label: str) -> tuple[Case, LoaDocument]:
    try:
        case = selectors.case_for(request.user, case_id.upper())
        document = selectors.document_for(request.user, case, label.upper())
    except (Case.DoesNotExist, LoaDocument.DoesNotExist):
        raise Http404(f"No document {label} of case {case_id}.") from None
    document.case = case
    return case, document


def _can_accept_online(user, document: LoaDocument) -> bool:
    return (
        document.status == DocumentStatus.OFFERED
        and user.purchaser_id == document.case.purchaser_id
        and user.has_perm("documents.accept_loadocument")
    )


@login_required
def document_detail(request, case_id: str, label: str):
    case, document = _found(request, case_id, label)
    if services.document_expire_due(case=case):  # an offer past its OED is recorded expired on read
        document.refresh_from_db()
    can_accept = _can_accept_online(request.user, document)
    form = AcceptanceForm(request.POST or None, initial={"content_hash": document.content_hash})
    if request.method == "POST" and can_accept and form.is_valid():
        try:
            services.document_accept(actor=request.user, document=document, **form.cleaned_data)
        except DomainError as refused:
            messages.error(request, refused.detail)
        else:
            messages.success(request, f"{case.case_id} {document.label} accepted for content {document.content_hash}.")
        return HttpResponseRedirect(reverse("document-detail", args=[case.case_id, document.label]))
    earlier = [d.label for d in selectors.documents_for(request.user, case) if d.content_hash and d.pk != document.pk]
    context = {
        "case": case,
        "document": document,
        "lines": document.lines.order_by("line_number"),
        "notes": document.notes.order_by("number"),
        "schedule": document.payment_schedule.order_by("position"),
        "form": form if can_accept else None,
        "earlier": earlier,
    }
    return render(request, "documents/document_detail.html", context)


@login_required
def document_diff(request, case_id: str, label: str):
    case, after = _found(request, case_id, label)
    _, before = _found(request, case_id, request.GET.get("against", ""))
    if not (before.content_hash and after.content_hash):
        raise Http404("Only frozen documents are compared.")
    changes = diff.diff(services.document_content(before), services.document_content(after))
    return render(request, "documents/document_diff.html", {"case": case, "document": after, "changes": changes})


@login_required
def document_print(request, case_id: str, label: str):
    case, document = _found(request, case_id, label)
    context = {
        "case": case,
        "document": document,
        "lines": document.lines.order_by("line_number"),
        "notes": document.notes.order_by("number"),
        "schedule": document.payment_schedule.order_by("position"),
        "printed_at": timezone.now(),
    }
    return render(request, "documents/document_print.html", context)

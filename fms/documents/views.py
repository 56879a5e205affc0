"""Pages of LOA documents (DESIGN §4.3): offering a document, a document with its acceptance (online
by the purchaser's officer, or a countersigned copy entered by staff), the diff between two
versions, and the printed LOA in the DD Form 1513 layout. Reads go through the selectors; steps
call the services and come back as a message, a refused one included."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

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


class CountersignedForm(forms.Form):
    """A paper acceptance, entered by staff: who signed, when, and the SHA-256 of the scanned copy."""

    content_hash = forms.RegexField(r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    signatory_name = forms.CharField(max_length=150)
    signatory_title = forms.CharField(max_length=150)
    accepted_on = forms.DateField(label="Signed on", widget=forms.DateInput(attrs={"type": "date"}))
    signed_copy_sha256 = forms.RegexField(
        r"^[0-9a-f]{64}$",
        label="SHA-256 of the countersigned copy",
        error_messages={"invalid": "64 lowercase hexadecimal characters."},
    )


class OfferForm(forms.Form):
    """The amounts the case writer estimates for the document (the rest is priced from the lines)."""

    packing_crating_handling = forms.DecimalField(min_value=0, max_digits=15, decimal_places=2, required=False)
    transportation = forms.DecimalField(
        min_value=0,
        max_digits=15,
        decimal_places=2,
        required=False,
        help_text="Required when a line's delivery term code has the United States transport the materiel.",
    )
    other = forms.DecimalField(min_value=0, max_digits=15, decimal_places=2, required=False)


class ReinstateForm(forms.Form):
    """A reviewer reopens an offer: the new OED (Washington time) and why."""

    offer_expires_on = forms.DateField(label="New OED", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class ScheduleForm(OfferForm):
    """A draft's payment schedule, one row a line, and the amounts it is priced with."""

    rows = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6, "class": "mono"}),
        label="Payment schedule",
        help_text="One row a line: first the initial deposit's amount (due with acceptance), then "
        "'due date amount' rows, e.g. 2027-03-15 1500000.00. The rows must add up to the total estimated cost.",
    )

    def clean_rows(self) -> list[dict]:
        rows = []
        for number, text in enumerate(self.cleaned_data["rows"].split("\n"), start=1):
            parts = text.split()
            if not parts:
                continue
            try:
                due_on = dt.date.fromisoformat(parts[0]) if len(parts) == 2 else None
                amount = Decimal(parts[-1].replace(",", ""))
            except (ValueError, InvalidOperation):
                raise forms.ValidationError(
                    f"Row {number}: write 'YYYY-MM-DD amount' (the deposit: its amount)."
                ) from None
            if len(parts) > 2 or amount != amount.quantize(Decimal("0.01")):
                raise forms.ValidationError(f"Row {number}: write 'YYYY-MM-DD amount' with at most two decimals.")
            rows.append({"due_on": due_on, "amount": amount})
        return rows


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


def _can_record_acceptance(user, document: LoaDocument) -> bool:
    return (
        document.status == DocumentStatus.OFFERED
        and user.purchaser_id is None
        and user.has_perm("documents.record_acceptance")
    )


def _schedule_initial(document: LoaDocument) -> dict:
    rows = [
        f"{row['due_on']} {row['amount']}" if row["due_on"] else row["amount"]
        for row in document.entered_payment_schedule or []
    ]
    amounts = ("packing_crating_handling", "transportation", "other")
    return {"rows": "\n".join(rows), **{name: getattr(document, name) for name in amounts}}


@login_required
def document_detail(request, case_id: str, label: str):
    case, document = _found(request, case_id, label)
    if services.document_expire_due(case=case):  # an offer past its OED is recorded expired on read
        document.refresh_from_db()
    can_accept = _can_accept_online(request.user, document)
    can_record = _can_record_acceptance(request.user, document)
    posted = request.POST if request.method == "POST" else None
    initial = {"content_hash": document.content_hash}
    form = AcceptanceForm(posted if can_accept else None, initial=initial)
    paper = CountersignedForm(posted if can_record else None, initial=initial)
    chosen = form if can_accept else paper if can_record else None
    if posted is not None and chosen is not None and chosen.is_valid():
        try:
            services.document_accept(actor=request.user, document=document, **chosen.cleaned_data)
        except DomainError as refused:
            messages.error(request, refused.detail)
        else:
            messages.success(request, f"{case.case_id} {document.label} accepted for content {document.content_hash}.")
        return HttpResponseRedirect(reverse("document-detail", args=[case.case_id, document.label]))
    schedule_form = None
    if document.status == DocumentStatus.DRAFT and request.user.has_perm("documents.offer_loadocument"):
        schedule_form = ScheduleForm(initial=_schedule_initial(document))
    earlier = [d.label for d in selectors.documents_for(request.user, case) if d.content_hash and d.pk != document.pk]
    context = {
        "case": case,
        "document": document,
        "lines": document.lines.order_by("line_number"),
        "notes": document.notes.order_by("number"),
        "schedule": document.payment_schedule.order_by("position"),
        "form": form if can_accept else None,
        "paper": paper if can_record else None,
        "earlier": earlier,
        "schedule_form": schedule_form,
        "reinstate_form": ReinstateForm() if services.may_reinstate(request.user, document) else None,
    }
    status = 200
    if posted is not None:  # not taken: a form with errors, or nothing this user may accept now
        status = 400 if chosen is not None else 409
        if chosen is None:
            messages.error(request, f"{document.label} of {case.case_id} is {document.status}: you cannot accept it.")
    return render(request, "documents/document_detail.html", context, status=status)


def _case_for_offering(request, case_id: str) -> Case:
    """The case of the offer and schedule pages: one the user sees, for staff who may offer (else 404)."""
    try:
        case = selectors.case_for(request.user, case_id.upper())
    except Case.DoesNotExist:
        raise Http404(f"No case {case_id}.") from None
    if not request.user.has_perm("documents.offer_loadocument"):
        raise Http404("No such page.")
    return case


@login_required
@require_http_methods(["GET", "POST"])
def document_offer(request, case_id: str, label: str):
    """Freeze and offer a document: BASIC (the case's proposed → offered step) or an open amendment."""
    case = _case_for_offering(request, case_id)
    label = label.upper()
    form = OfferForm(request.POST if request.method == "POST" else None)
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        entered = {name: value for name, value in form.cleaned_data.items() if value is not None}
        try:
            document = services.document_offer(actor=request.user, case=case, label=label, **entered)
        except DomainError as refused:
            error, status = refused.detail, refused.status
        else:
            messages.success(
                request,
                f"{case.case_id} {document.label} offered for {document.total_estimated_cost:,.2f} USD, open until "
                f"{document.offer_expires_on:%d %b %Y}; content hash {document.content_hash}.",
            )
            return HttpResponseRedirect(reverse("document-detail", args=[case.case_id, document.label]))
    elif request.method == "POST":
        status = 400
    context = {"case": case, "label": label, "form": form, "error": error}
    return render(request, "documents/document_offer.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def document_schedule(request, case_id: str, label: str):
    """Replace a draft's payment schedule (BASIC's draft is made on first use)."""
    case = _case_for_offering(request, case_id)
    label = label.upper()
    form = ScheduleForm(request.POST if request.method == "POST" else None)
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        entered = {name: value for name, value in form.cleaned_data.items() if value is not None and name != "rows"}
        try:
            services.document_payment_schedule_set(
                actor=request.user, case=case, label=label, payment_schedule=form.cleaned_data["rows"], **entered
            )
        except DomainError as refused:
            error, status = refused.detail, refused.status
        else:
            messages.success(request, f"The payment schedule of {case.case_id} {label} was replaced.")
            return HttpResponseRedirect(reverse("document-detail", args=[case.case_id, label]))
    elif request.method == "POST":
        status = 400
    context = {"case": case, "label": label, "form": form, "error": error}
    return render(request, "documents/document_schedule.html", context, status=status)


@login_required
@require_http_methods(["POST"])
def document_reinstate(request, case_id: str, label: str):
    """A reviewer's reinstatement of an offer, from the document page; comes back there with a message."""
    case, document = _found(request, case_id, label)
    form = ReinstateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(f"{name}: {errors[0]}" for name, errors in form.errors.items()))
    else:
        try:
            services.document_reinstate(actor=request.user, case=case, label=document.label, **form.cleaned_data)
        except DomainError as refused:
            messages.error(request, refused.detail)
        else:
            until = form.cleaned_data["offer_expires_on"]
            messages.success(request, f"{case.case_id} {document.label} is offered again until {until:%d %b %Y}.")
    return HttpResponseRedirect(reverse("document-detail", args=[case.case_id, document.label]))


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

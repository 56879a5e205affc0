"""Pages of execution (DESIGN §4.5): the case page's forms post here and come back with a message,
a refused step included; the quarterly statement page and its print. Reads go through the selectors."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fms.cases.models import Case
from fms.core.errors import DomainError
from fms.execution import facts, forms, selectors, services
from fms.execution.models import Delivery, SupplyDiscrepancyReport
from fms.execution.statements import statement_for


def _case(request, case_id: str) -> Case:
    try:
        return selectors.case_for(request.user, case_id.upper())
    except Case.DoesNotExist:
        raise Http404(f"No case {case_id}.") from None


def _back(case: Case, anchor: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("case-detail", args=[case.case_id]) + f"#{anchor}")


def _form_errors(form) -> str:
    return " ".join(f"{name}: {errors[0]}" for name, errors in form.errors.items())


def _submit(request, case: Case, form, anchor: str, write: Callable[[dict], str]) -> HttpResponseRedirect:
    """Validate the form's shape, let the service decide, and say what happened."""
    if not form.is_valid():
        messages.error(request, f"Nothing was recorded: {_form_errors(form)}")
        return _back(case, anchor)
    try:
        done = write(form.cleaned_data)
    except DomainError as refused:
        problems = " ".join(f"{name}: {msgs[0]}" for name, msgs in refused.errors.items()) or refused.detail
        messages.error(request, f"Nothing was recorded: {problems}")
    else:
        messages.success(request, done)
    return _back(case, anchor)


@login_required
@require_POST
def delivery_record(request, case_id: str):
    case = _case(request, case_id)
    form = forms.DeliveryForm(request.POST, lines=[line.line_number for line in facts.line_progress(case)])

    def write(data):
        delivery = services.delivery_record(actor=request.user, case=case, **data)
        return f"Delivery {delivery.number} recorded: {delivery.quantity} of line {delivery.line_number}."

    return _submit(request, case, form, "deliveries", write)


@login_required
@require_POST
def performance_record(request, case_id: str):
    case = _case(request, case_id)
    form = forms.PerformanceForm(request.POST, lines=[line.line_number for line in facts.line_progress(case)])

    def write(data):
        record = services.services_performed(actor=request.user, case=case, **data)
        return f"Line {record.line_number} performed through month {record.performed_through_month}."

    return _submit(request, case, form, "deliveries", write)


@login_required
@require_POST
def sdr_file(request, case_id: str):
    case = _case(request, case_id)
    deliveries = selectors.visible_to(request.user, Delivery.objects.filter(case=case))
    form = forms.SdrForm(request.POST, deliveries=list(deliveries))

    def write(data):
        number = int(data.pop("delivery"))
        sdr = services.sdr_file(actor=request.user, case=case, delivery_number=number, **data)
        return f"SDR {sdr.number} filed against delivery {number}; the implementing agency reviews it."

    return _submit(request, case, form, "sdrs", write)


def _sdr(request, case: Case, number: int) -> SupplyDiscrepancyReport:
    found = selectors.visible_to(request.user, SupplyDiscrepancyReport.objects.filter(case=case, number=number))
    sdr = found.first()
    if sdr is None:
        raise Http404(f"{case.case_id} has no SDR {number}.")
    return sdr


@login_required
@require_POST
def sdr_review(request, case_id: str, number: int):
    case = _case(request, case_id)
    sdr = _sdr(request, case, number)
    form = forms.SdrResolveForm({"resolution": "credit", "note": "-", **request.POST.dict()})

    def write(data):
        services.sdr_review(actor=request.user, sdr=sdr, expected_version=data["version"])
        return f"SDR {number} is under review."

    return _submit(request, case, form, "sdrs", write)


@login_required
@require_POST
def sdr_resolve(request, case_id: str, number: int):
    case = _case(request, case_id)
    sdr = _sdr(request, case, number)

    def write(data):
        services.sdr_resolve(actor=request.user, sdr=sdr, resolution=data["resolution"], note=data["note"],
                             expected_version=data["version"])  # fmt: skip
        return f"SDR {number} resolved: {data['resolution']}."

    return _submit(request, case, forms.SdrResolveForm(request.POST), "sdrs", write)


@login_required
@require_POST
def money_record(request, case_id: str):
    case = _case(request, case_id)

    def write(data):
        record = services.deposit_record if data.pop("kind") == "deposit" else services.collection_record
        row = record(actor=request.user, case=case, **data)
        return f"{row.get_kind_display()} of ${row.amount:,.2f} recorded."

    return _submit(request, case, forms.MoneyForm(request.POST), "execution", write)


@login_required
@require_POST
def emergency_approve(request, case_id: str):
    case = _case(request, case_id)

    def write(data):
        services.emergency_implementation_approve(actor=request.user, case=case, **data)
        return f"Emergency implementation of {case.case_id} approved: it may be implemented before its deposit."

    return _submit(request, case, forms.ReasonForm(request.POST), "execution", write)


@login_required
@require_POST
def termination(request, case_id: str):
    case = _case(request, case_id)

    def write(data):
        services.case_cancel_with_termination(actor=request.user, case=case, **data)
        return f"{case.case_id} cancelled; termination costs of ${data['termination_costs']:,.2f} billed."

    return _submit(request, case, forms.CancellationForm(request.POST), "closure", write)


@login_required
def statement(request, case_id: str, printed: bool = False):
    case = _case(request, case_id)
    try:
        figures = statement_for(case, request.GET.get("quarter"))
    except ValueError as error:
        messages.error(request, f"quarter: {error}")
        figures = statement_for(case)
    template = "execution/statement_print.html" if printed else "execution/statement.html"
    return render(request, template, {"case": case, "statement": figures, "figures": figures.as_dict()})

"""Server-rendered pages: dashboard, cases, lines, the review queue and the printable case.

Reads go through the selectors (a client's pages show only its purchaser; anything else is 404);
every change calls a service and comes back as a message, a refused one included.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fms.cases import selectors, services, workflow
from fms.cases.choices import CaseStatus, LineAction
from fms.cases.filters import CaseFilterSet
from fms.cases.forms import CaseForm, DecisionForm, LineForm, add_refusal
from fms.cases.models import Case, LineItem
from fms.cases.templatetags.fms import money_short
from fms.core.charts import Bar, bar_chart
from fms.core.errors import DomainError
from fms.core.numbers import ascii_int
from fms.ledger.verification import verify_ledger

CASES_PER_PAGE = 50


def _case(request, case_id: str) -> Case:
    try:
        return selectors.case_for(request.user, case_id.upper())
    except Case.DoesNotExist:
        raise Http404(f"No case {case_id}.") from None


def _line(request, case: Case, line_number: str) -> LineItem:
    line = selectors.line_item_queryset_for(request.user).filter(case=case, line_number=line_number).first()
    if line is None:
        raise Http404(f"No line {line_number} in {case.case_id}.")
    line.case = case
    return line


def _back(request, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    return HttpResponseRedirect(target if target and safe else default)


# ---- Dashboard --------------------------------------------------------------------------------


@login_required
def dashboard(request):
    today = timezone.localdate()
    data = selectors.dashboard_for(request.user, today=today)
    by_status = data["by_status"]
    status_rows = [
        (status, label, *by_status.get(status, (0, 0))) for status, label in CaseStatus.choices if status in by_status
    ]
    value_chart = bar_chart(
        [
            Bar(label, float(value or 0), money_short(value), f"status-{status}")
            for status, label, _, value in status_rows
        ],
        title="Case value by status",
    )
    purchaser_chart = bar_chart(
        [
            Bar(f"{row['purchaser_id']} {row['purchaser__name']}", float(row["value"] or 0), money_short(row["value"]))
            for row in data["by_purchaser"][:12]
        ],
        title="Case value by purchaser",
    )
    now = timezone.now()
    ages = [(now - moment).days for moment in data["waiting_since"]]
    age_chart = bar_chart(
        [
            Bar(label, count, f"{count} line{'s' if count != 1 else ''}", css)
            for label, count, css in (
                ("under a day", sum(1 for a in ages if a < 1), "fresh"),
                ("1 to 7 days", sum(1 for a in ages if 1 <= a <= 7), "aging"),
                ("over 7 days", sum(1 for a in ages if a > 7), "late"),
            )
        ]
        if ages
        else [],
        title="Lines waiting for review, by age",
    )
    context = {
        "status_rows": status_rows,
        "total_cases": sum(row[2] for row in status_rows),
        "total_value": sum((row[3] or 0) for row in status_rows),
        "by_purchaser": data["by_purchaser"],
        "backlog": data["backlog"],
        "pending_notifications": data["pending_notifications"],
        "charts": [value_chart, purchaser_chart, age_chart],
        "queue_size": selectors.review_queue_for(request.user).count(),
        "today": today,
    }
    return render(request, "fms/dashboard.html", context)


# ---- Cases ------------------------------------------------------------------------------------


@login_required
def case_list(request):
    cases = selectors.case_queryset_for(request.user).select_related("purchaser", "implementing_agency")
    # The API's filters, so a filter means the same on the page and in the CSV it links to.
    filters = CaseFilterSet({k: v for k, v in request.GET.items() if k in ("status", "purchaser", "q") and v})
    filters.queryset = cases
    if filters.is_valid():
        cases = filters.qs
    else:
        problems = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in filters.errors.items())
        messages.error(request, f"Filter not applied: {problems}")
    page = Paginator(cases.order_by("-updated_at", "-id"), CASES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "statuses": CaseStatus.choices,
        "purchasers": selectors.purchaser_queryset_for(request.user),
        "filters": {name: request.GET.get(name, "").strip() for name in ("status", "purchaser", "q")},
        "can_create": request.user.has_perm("cases.add_case"),
    }
    context["filters"]["purchaser"] = context["filters"]["purchaser"].upper()
    return render(request, "fms/case_list.html", context)


def _notifications(request):
    return selectors.notification_queryset_for(request.user).select_related("purchaser")


@login_required
def case_create(request):
    if not request.user.has_perm("cases.add_case"):
        raise Http404("No such page.")
    form = CaseForm(request.POST or None, notifications=_notifications(request))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(actor=request.user, **form.cleaned_data)
        except DomainError as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, f"Case {case.case_id} opened in development. Add its lines next.")
            return HttpResponseRedirect(reverse("case-detail", args=[case.case_id]))
    return render(request, "fms/case_form.html", {"form": form, "case": None})


@login_required
def case_edit(request, case_id: str):
    case = _case(request, case_id)
    form = CaseForm(request.POST or None, instance=case, notifications=_notifications(request), editing=True)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.case_update(
                actor=request.user, case=case, expected_version=_int(request.POST.get("version")), **changes
            )
        except DomainError as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, f"{case.case_id} saved." if changes else "Nothing changed.")
            return HttpResponseRedirect(reverse("case-detail", args=[case.case_id]))
    return render(request, "fms/case_form.html", {"form": form, "case": case})


def _int(value) -> int | None:
    return ascii_int(value)


@login_required
def case_detail(request, case_id: str):
    case = _case(request, case_id)
    lines = list(
        selectors.line_item_queryset_for(request.user)
        .filter(case=case)
        .select_related("created_by", "updated_by")
        .order_by("line_number")
    )
    for line in lines:
        line.case = case
        line.actions = [option for option in services.line_step_options(request.user, line) if option.allowed]
        line.can_decide = any(option.action in workflow.LINE_DECISIONS for option in line.actions)
    events = selectors.event_queryset_for(request.user).filter(case=case).select_related("line_item").order_by("-seq")
    staff = selectors.visible_purchaser(request.user) is None
    context = {
        "case": case,
        "lines": lines,
        "events": events,
        "steps": services.case_step_options(request.user, case),
        "verification": verify_ledger([case.pk]),
        "history": selectors.field_history_of(case) if staff else None,
        "can_edit_lines": case.status in workflow.LINES_EDITABLE_IN and request.user.has_perm("cases.change_lineitem"),
        "can_add_lines": case.status in workflow.LINES_EDITABLE_IN and request.user.has_perm("cases.add_lineitem"),
        "can_edit": request.user.has_perm("cases.change_case") and case.status not in services.FINAL_CASE_STATUSES,
        "today": timezone.localdate(),
        "takes_steps": any(request.user.has_perm(p) for p in (workflow.STAFF, workflow.REVIEW)),
        "acts_on_lines": any(line.actions for line in lines),
    }
    return render(request, "fms/case_detail.html", context)


@login_required
@require_POST
def case_step(request, case_id: str):
    case = _case(request, case_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That step could not be read; reload the page and try again.")
        return _back(request, reverse("case-detail", args=[case.case_id]))
    data = form.cleaned_data
    try:
        moved = services.case_transition(
            actor=request.user,
            case=case,
            action=data["action"],
            comment=data["comment"],
            expected_version=data["version"],
        )
    except DomainError as refused:
        messages.error(request, refused.detail)
    else:
        messages.success(request, f"{moved.case_id} is now {moved.get_status_display().lower()}.")
    return _back(request, reverse("case-detail", args=[case.case_id]))


@login_required
def case_print(request, case_id: str):
    case = _case(request, case_id)
    lines = selectors.line_item_queryset_for(request.user).filter(case=case).order_by("line_number")
    decisions = selectors.event_queryset_for(request.user).filter(case=case).select_related("line_item").order_by("seq")
    context = {"case": case, "lines": lines, "events": decisions, "printed_at": timezone.now()}
    return render(request, "fms/case_print.html", context)


# ---- Lines ------------------------------------------------------------------------------------


@login_required
def line_create(request, case_id: str):
    case = _case(request, case_id)
    if not request.user.has_perm("cases.add_lineitem"):
        raise Http404("No such page.")
    form = LineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        number = data.pop("line_number") or None
        try:
            line = services.line_item_add(actor=request.user, case=case, line_number=number, **data)
        except DomainError as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, f"Line {line.line_number} added to {case.case_id} as a draft.")
            if "add_another" in request.POST:
                return HttpResponseRedirect(reverse("line-create", args=[case.case_id]))
            return HttpResponseRedirect(reverse("case-detail", args=[case.case_id]))
    return render(request, "fms/line_form.html", {"form": form, "case": case, "line": None})


@login_required
def line_edit(request, case_id: str, line_number: str):
    case = _case(request, case_id)
    line = _line(request, case, line_number)
    form = LineForm(request.POST or None, instance=line, editing=True)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.line_item_update(
                actor=request.user, line=line, expected_version=_int(request.POST.get("version")), **changes
            )
        except DomainError as refused:
            add_refusal(form, refused)
        else:
            messages.success(
                request, f"Line {line.line_number} saved; it is a draft again." if changes else "Nothing changed."
            )
            return HttpResponseRedirect(reverse("line-detail", args=[case.case_id, line.line_number]))
    return render(request, "fms/line_form.html", {"form": form, "case": case, "line": line})


@login_required
def line_detail(request, case_id: str, line_number: str):
    case = _case(request, case_id)
    line = _line(request, case, line_number)
    events = selectors.event_queryset_for(request.user).filter(case=case, line_item=line).order_by("-seq")
    context = {
        "case": case,
        "line": line,
        "options": services.line_step_options(request.user, line),
        "events": events,
        "can_edit": case.status in workflow.LINES_EDITABLE_IN and request.user.has_perm("cases.change_lineitem"),
        "can_remove": case.status in workflow.LINES_EDITABLE_IN and request.user.has_perm("cases.delete_lineitem"),
    }
    return render(request, "fms/line_detail.html", context)


@login_required
@require_POST
def line_step(request, case_id: str, line_number: str):
    case = _case(request, case_id)
    line = _line(request, case, line_number)
    form = DecisionForm(request.POST)
    fallback = reverse("line-detail", args=[case.case_id, line.line_number])
    step = services.LINE_STEPS.get(request.POST.get("action", ""))
    if not form.is_valid() or step is None:
        messages.error(request, "That decision could not be read; reload the page and try again.")
        return _back(request, fallback)
    data = form.cleaned_data
    try:
        decided = step(actor=request.user, line=line, comment=data["comment"], expected_version=data["version"])
    except DomainError as refused:
        messages.error(request, refused.detail)
    else:
        done = LineAction(data["action"]).label.lower()
        messages.success(request, f"{case.case_id} line {decided.line_number}: {done} — now {decided.review_status}.")
    return _back(request, fallback)


@login_required
@require_POST
def line_remove(request, case_id: str, line_number: str):
    case = _case(request, case_id)
    line = _line(request, case, line_number)
    try:
        services.line_item_remove(
            actor=request.user, line=line, expected_version=_int(request.POST.get("version")), comment=""
        )
    except DomainError as refused:
        messages.error(request, refused.detail)
        return HttpResponseRedirect(reverse("line-detail", args=[case.case_id, line.line_number]))
    messages.success(request, f"Line {line.line_number} removed from {case.case_id}.")
    return HttpResponseRedirect(reverse("case-detail", args=[case.case_id]))


# ---- Review queue -----------------------------------------------------------------------------


@login_required
def review_queue(request):
    if not request.user.has_perm("cases.approve_lineitem"):
        raise Http404("No such page.")
    lines = list(selectors.review_queue_for(request.user)[:200])
    return render(request, "fms/review_queue.html", {"lines": lines})

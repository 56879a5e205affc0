"""Server-rendered pages: dashboard, inbox, cases, lines, the review queue and the printable case.

Reads go through the selectors (a client's pages show only its purchaser; anything else is 404);
every change calls a service. A refused change keeps what the user typed and says why next to
it; a destructive one (cancel a case, reject or remove a line) is confirmed on a page of its own
first, with the reason the ledger records.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fms.cases import inbox, selectors, services, workflow
from fms.cases.choices import CaseAction, CaseStatus, LineAction, LineStatus
from fms.cases.filters import CaseFilterSet
from fms.cases.forms import CaseForm, DecisionForm, LineForm, add_refusal, refusal_words
from fms.cases.models import Case, LineItem
from fms.cases.templatetags.fms import money_short
from fms.cases.words import event_sentence, status_label
from fms.core.charts import Bar, bar_chart
from fms.core.errors import DomainError, StaleVersion
from fms.ledger.models import ApprovalEvent
from fms.ledger.verification import verify_ledger
from fms.notifications import rules as notification_rules

CASES_PER_PAGE = 50
# Line steps a page offers for several lines at once; rejecting is confirmed line by line.
BULK_LINE_ACTIONS = (LineAction.SUBMIT, LineAction.APPROVE, LineAction.RETURN)


def _case(request, case_id: str) -> Case:
    try:
        return selectors.case_for(request.user, case_id.upper())
    except Case.DoesNotExist:
        raise Http404(f"No case {case_id}.") from None


def _line(request, case: Case, line_number: str) -> LineItem:
    line = (
        selectors.line_item_queryset_for(request.user)
        .filter(case=case, line_number=line_number)
        .select_related("created_by", "updated_by")
        .first()
    )
    if line is None:
        raise Http404(f"No line {line_number} in {case.case_id}.")
    line.case = case
    return line


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    return target if target and safe else ""


def _back(request, default: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(_safe_next(request) or default)


def _what_changed(case: Case, line: LineItem | None = None) -> str:
    """Who changed the record last and how, for a stale-page message."""
    events = ApprovalEvent.objects.filter(case=case).select_related("line_item").order_by("-seq")
    if line is not None:
        events = events.filter(line_item=line)
    last = events.first()
    if last is None:
        return ""
    number = last.line_item.line_number if last.line_item_id else None
    when = timezone.localtime(last.occurred_at).strftime("%H:%M")
    did = event_sentence(action=last.action, line_number=number, to_status=last.to_status)
    return f"{last.actor_name} {did} at {when}"


def _changed_words(subject: str, case: Case, line: LineItem | None = None) -> str:
    changed = _what_changed(case, line)
    return f"{subject} changed since you opened this page" + (f" ({changed})" if changed else "")


def _stale_words(subject: str, case: Case, line: LineItem | None = None) -> str:
    return (
        _changed_words(subject, case, line)
        + ". Nothing was saved; what you typed is kept below: look at the change and try again."
    )


def _step_done_words(case: Case, line: LineItem | None, case_before: str) -> str:
    """A success message in words, e.g. "KS-B-WEB line 003 returned. The case went back to Write…"."""
    if line is None:
        return f"{case.case_id} moved to {status_label(case.status)}."
    text = f"{case.case_id} line {line.line_number} {status_label(line.review_status).lower()}."
    if case.status != case_before:
        text += f" The case went back to {status_label(case.status)} so that its case officer can fix the line."
    return text


# ---- Dashboard and inbox ------------------------------------------------------------------------


@login_required
def dashboard(request):
    today = notification_rules.washington_today(timezone.now())  # review periods end in Washington
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
    sections = inbox.inbox_for(request.user, today=today)
    context = {
        "status_rows": status_rows,
        "total_cases": sum(row[2] for row in status_rows),
        "total_value": sum((row[3] or 0) for row in status_rows),
        "inbox_sections": sections,
        "inbox_total": inbox.inbox_count(sections),
        "today": today,
        "purchaser_view": selectors.visible_purchaser(request.user) is not None,
    }
    if context["purchaser_view"]:
        # A purchaser sees its own cases by status and what waits on it; never the internal backlog,
        # nor values of the working copy (its prices are those of the documents offered to it).
        context["charts"] = []
        return render(request, "fms/dashboard_purchaser.html", context)
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
    context.update(
        {
            "by_purchaser": data["by_purchaser"],
            "backlog": data["backlog"],
            "pending_notifications": data["pending_notifications"],
            "charts": [value_chart, purchaser_chart, age_chart],
            "queue_size": selectors.review_queue_for(request.user).count(),
        }
    )
    return render(request, "fms/dashboard.html", context)


@login_required
def inbox_page(request):
    today = timezone.localdate()
    sections = inbox.inbox_for(request.user, today=today)
    return render(
        request,
        "fms/inbox.html",
        {"sections": sections, "inbox_total": inbox.inbox_count(sections), "today": today},
    )


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
        labels = {name: field.label or name for name, field in filters.form.fields.items()}
        problems = "; ".join(f"{labels.get(name, name)}: {' '.join(errors)}" for name, errors in filters.errors.items())
        messages.error(request, f"Filter not applied: {problems}")
    page = Paginator(cases.order_by("-updated_at", "-id"), CASES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "statuses": CaseStatus.choices,
        "purchasers": selectors.purchaser_queryset_for(request.user),
        "filters": {name: request.GET.get(name, "").strip() for name in ("status", "purchaser", "q")},
        "can_create": request.user.has_perm("cases.add_case"),
        "staff": not selectors.sees_as_purchaser(request.user),
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
            messages.success(request, f"Case {case.case_id} opened in Development. Add its lines next.")
            return HttpResponseRedirect(reverse("case-detail", args=[case.case_id]))
    return render(request, "fms/case_form.html", {"form": form, "case": None})


@login_required
def case_edit(request, case_id: str):
    case = _case(request, case_id)
    if not request.user.has_perm("cases.change_case"):
        raise Http404("No such page.")
    form = CaseForm(request.POST or None, instance=case, notifications=_notifications(request), editing=True)
    conflicts = None
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        try:
            services.case_update(
                actor=request.user, case=case, expected_version=form.cleaned_data["version"], **changes
            )
        except StaleVersion:
            current = _case(request, case_id)
            conflicts = form.refresh_after_stale(current)
            form.add_error(None, _stale_words(case.case_id, current))
        except DomainError as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, f"{case.case_id} saved." if changes else "Nothing changed.")
            return HttpResponseRedirect(reverse("case-detail", args=[case.case_id]))
    status = 409 if conflicts is not None else 200
    return render(request, "fms/case_form.html", {"form": form, "case": case, "conflicts": conflicts}, status=status)


def _lines_of_page(request, case: Case, row_errors: dict | None = None) -> list[LineItem]:
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
        line.row_actions = [o for o in line.actions if o.action != LineAction.REJECT]
        line.can_reject = any(o.action == LineAction.REJECT for o in line.actions)
        line.row_error = (row_errors or {}).get(line.line_number, "")
    return lines


def _keep_row_comments(lines: list[LineItem], comments: dict, key) -> None:
    """A refused decision keeps the comment typed in its row."""
    for line in lines:
        line.kept_comment = comments.get(key(line), "")


def _sent_back_lines(events_by_line: dict, lines: list[LineItem]) -> list[tuple[LineItem, ApprovalEvent | None]]:
    return [
        (line, events_by_line.get(line.pk))
        for line in lines
        if line.review_status in (LineStatus.RETURNED, LineStatus.REJECTED)
    ]


def _case_page(request, case: Case, *, kept: dict | None = None, row_errors: dict | None = None, status: int = 200):
    lines = _lines_of_page(request, case, row_errors)
    _keep_row_comments(lines, (kept or {}).get("row_comments", {}), lambda line: line.line_number)
    events = selectors.event_queryset_for(request.user).filter(case=case).select_related("line_item")
    events = selectors.shown_events(request.user, events.order_by("-seq"))
    last_decisions = {}
    for event in events:  # newest first: the first decision seen per line is its last
        if event.line_item_id and event.action in (LineAction.RETURN, LineAction.REJECT):
            last_decisions.setdefault(event.line_item_id, event)
    staff = selectors.visible_purchaser(request.user) is None
    bulk_actions = [
        (action, LineAction(action).label)
        for action in BULK_LINE_ACTIONS
        if any(option.action == action for line in lines for option in line.actions)
    ]
    context = {
        "case": case,
        "lines": lines,
        "events": events,
        "steps": services.case_step_options(request.user, case),
        "others_steps": [
            step
            for step in services.case_step_options(request.user, case, mine=False)
            if step.action not in (CaseAction.CANCEL, CaseAction.RETURN)
        ],
        "verification": verify_ledger([case.pk]),
        "history": selectors.field_history_of(case) if staff else None,
        "staff": staff,
        "sent_back": _sent_back_lines(last_decisions, lines),
        "can_edit_lines": workflow.lines_changeable(case.status, case.open_document)
        and request.user.has_perm("cases.change_lineitem"),
        "can_add_lines": workflow.lines_changeable(case.status, case.open_document)
        and request.user.has_perm("cases.add_lineitem"),
        "can_remove_lines": workflow.lines_changeable(case.status, case.open_document)
        and request.user.has_perm("cases.delete_lineitem"),
        "can_edit": request.user.has_perm("cases.change_case") and case.status not in services.FINAL_CASE_STATUSES,
        "today": timezone.localdate(),
        "takes_steps": any(request.user.has_perm(p) for p in (workflow.STAFF, workflow.REVIEW)),
        "acts_on_lines": any(line.actions for line in lines),
        "bulk_actions": bulk_actions,
        "kept": kept or {},
    }
    return render(request, "fms/case_detail.html", context, status=status)


@login_required
def case_detail(request, case_id: str):
    return _case_page(request, _case(request, case_id))


def _confirm_cancel(request, case: Case, *, reason: str = "", error: str = "", status: int = 200):
    return render(
        request,
        "fms/confirm.html",
        {
            "case": case,
            "title": f"Cancel {case.case_id}?",
            "consequence": (
                f"{case.case_id} ({case.title}) moves from {status_label(case.status)} to Cancelled. "
                "A cancelled case takes no further step and cannot be reopened; its lines and ledger stay "
                "on record. The reason is recorded in the approval ledger."
            ),
            "action_url": reverse("case-cancel", args=[case.case_id]),
            "back_url": reverse("case-detail", args=[case.case_id]),
            "button": "Yes, cancel the case",
            "version": case.version,
            "reason": reason,
            "reason_label": "Why is the case cancelled?",
            "error": error,
        },
        status=status,
    )


@login_required
def case_cancel(request, case_id: str):
    """Cancelling is confirmed here, with its reason; until the confirmed POST nothing changes."""
    case = _case(request, case_id)
    if not request.user.has_perm(workflow.STAFF):
        raise Http404("No such page.")
    if request.method != "POST" or not request.POST.get("confirmed"):
        return _confirm_cancel(request, case, reason=request.POST.get("comment", ""))
    form = DecisionForm({**request.POST.dict(), "action": CaseAction.CANCEL})
    reason = request.POST.get("comment", "").strip()
    if not form.is_valid():
        return _confirm_cancel(request, case, reason=reason, error=refusal_words_of(form), status=400)
    if not reason:
        return _confirm_cancel(
            request, case, error="Give the reason for cancelling: it goes into the ledger.", status=400
        )
    try:
        moved = services.case_transition(
            actor=request.user,
            case=case,
            action=CaseAction.CANCEL,
            comment=reason,
            expected_version=form.cleaned_data["version"],
        )
    except StaleVersion:
        current = _case(request, case_id)
        return _confirm_cancel(request, current, reason=reason, error=_stale_words(case.case_id, current), status=409)
    except DomainError as refused:
        return _confirm_cancel(request, case, reason=reason, error=refused.detail, status=refused.status)
    messages.success(request, f"{moved.case_id} cancelled. The reason is in the ledger.")
    return HttpResponseRedirect(reverse("case-detail", args=[moved.case_id]))


def refusal_words_of(form) -> str:
    """A form's own errors as one sentence with labels (for the small hidden-field forms of steps)."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@login_required
@require_POST
def case_step(request, case_id: str):
    case = _case(request, case_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"That step could not be read: {refusal_words_of(form)}")
        return _back(request, reverse("case-detail", args=[case.case_id]))
    data = form.cleaned_data
    if data["action"] == CaseAction.CANCEL:
        return _confirm_cancel(request, case, reason=data["comment"])  # a page of its own; nothing changes yet
    before = case.status
    try:
        moved = services.case_transition(
            actor=request.user,
            case=case,
            action=data["action"],
            comment=data["comment"],
            expected_version=data["version"],
        )
    except StaleVersion:
        current = _case(request, case_id)
        messages.error(request, _stale_words(case.case_id, current))
        return _case_page(request, current, kept={"step": data["action"], "comment": data["comment"]}, status=409)
    except DomainError as refused:
        messages.error(request, refused.detail)
        return _case_page(request, case, kept={"step": data["action"], "comment": data["comment"]}, status=409)
    messages.success(request, _step_done_words(moved, None, before))
    return _back(request, reverse("case-detail", args=[case.case_id]))


@login_required
def case_print(request, case_id: str):
    case = _case(request, case_id)
    lines = selectors.line_item_queryset_for(request.user).filter(case=case).order_by("line_number")
    decisions = selectors.event_queryset_for(request.user).filter(case=case).select_related("line_item")
    decisions = selectors.shown_events(request.user, decisions.order_by("seq"))
    context = {
        "case": case,
        "lines": lines,
        "events": decisions,
        "printed_at": timezone.now(),
        "staff": selectors.visible_purchaser(request.user) is None,
    }
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
    if not request.user.has_perm("cases.change_lineitem"):
        raise Http404("No such page.")
    form = LineForm(request.POST or None, instance=line, editing=True)
    conflicts = None
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        try:
            services.line_item_update(
                actor=request.user, line=line, expected_version=form.cleaned_data["version"], **changes
            )
        except StaleVersion:
            current = _line(request, case, line_number)
            conflicts = form.refresh_after_stale(current)
            form.add_error(None, _stale_words(f"Line {line.line_number}", case, current))
        except DomainError as refused:
            add_refusal(form, refused)
        else:
            messages.success(
                request,
                f"Line {line.line_number} saved; it is a draft again: submit it when ready."
                if changes
                else "Nothing changed.",
            )
            return HttpResponseRedirect(reverse("case-detail", args=[case.case_id]))
    status = 409 if conflicts is not None else 200
    context = {"form": form, "case": case, "line": line, "conflicts": conflicts}
    return render(request, "fms/line_form.html", context, status=status)


def _line_page(request, case: Case, line: LineItem, *, kept: dict | None = None, status: int = 200):
    events = (
        selectors.event_queryset_for(request.user).filter(case=case, line_item=line).order_by("-seq")
    ).select_related("line_item")
    options = services.line_step_options(request.user, line)
    context = {
        "case": case,
        "line": line,
        "options": [o for o in options if o.action != LineAction.REJECT],
        "can_reject": any(o.action == LineAction.REJECT and o.allowed for o in options),
        "events": events,
        "staff": selectors.visible_purchaser(request.user) is None,
        "can_edit": workflow.lines_changeable(case.status, case.open_document)
        and request.user.has_perm("cases.change_lineitem")
        and line.review_status != LineStatus.REJECTED,
        "can_remove": workflow.lines_changeable(case.status, case.open_document)
        and request.user.has_perm("cases.delete_lineitem"),
        "kept": kept or {},
    }
    return render(request, "fms/line_detail.html", context, status=status)


@login_required
def line_detail(request, case_id: str, line_number: str):
    case = _case(request, case_id)
    return _line_page(request, case, _line(request, case, line_number))


@login_required
@require_POST
def line_step(request, case_id: str, line_number: str):
    case = _case(request, case_id)
    line = _line(request, case, line_number)
    form = DecisionForm(request.POST)
    step = services.LINE_STEPS.get(request.POST.get("action", ""))
    if not form.is_valid() or step is None:
        messages.error(request, f"That decision could not be read. {refusal_words_of(form)}".strip())
        return _back(request, reverse("line-detail", args=[case.case_id, line.line_number]))
    data = form.cleaned_data
    if data["action"] == LineAction.REJECT and not request.POST.get("confirmed"):
        return _confirm_reject(request, case, line, reason=data["comment"])  # nothing changes yet
    before = case.status
    try:
        decided = step(actor=request.user, line=line, comment=data["comment"], expected_version=data["version"])
    except StaleVersion:
        current = _line(request, case, line_number)
        words = _stale_words(f"Line {line.line_number}", case, current)
        if data["action"] == LineAction.REJECT:
            return _confirm_reject(request, case, current, reason=data["comment"], error=words, status=409)
        messages.error(request, words)
        key = f"{case.case_id}/{line.line_number}"
        return _page_with_row_errors(request, {key: words}, "", row_comments={key: data["comment"]}) or _line_page(
            request, case, current, kept={"comment": data["comment"]}, status=409
        )
    except DomainError as refused:
        if data["action"] == LineAction.REJECT:
            return _confirm_reject(request, case, line, reason=data["comment"], error=refused.detail, status=409)
        words = refusal_words(refused)
        messages.error(request, words)
        key = f"{case.case_id}/{line.line_number}"
        return _page_with_row_errors(request, {key: words}, "", row_comments={key: data["comment"]}) or _line_page(
            request, case, line, kept={"comment": data["comment"]}, status=refused.status
        )
    case.refresh_from_db(fields=["status", "version"])
    messages.success(request, _step_done_words(case, decided, before))
    return _back(request, reverse("line-detail", args=[case.case_id, line.line_number]))


def _confirm_reject(request, case: Case, line: LineItem, *, reason: str = "", error: str = "", status: int = 200):
    back = _safe_next(request) or reverse("line-detail", args=[case.case_id, line.line_number])
    consequence = (
        f"Line {line.line_number} of {case.case_id} ({line.description}) becomes Rejected. "
        "A rejected line cannot be resubmitted: its case officer removes it, or adds a new line."
    )
    if case.status == CaseStatus.REVIEW:
        consequence += f" {case.case_id} goes back from Review to Write."
    return render(
        request,
        "fms/confirm.html",
        {
            "case": case,
            "line": line,
            "title": f"Reject line {line.line_number} of {case.case_id}?",
            "consequence": consequence + " The reason is recorded in the approval ledger.",
            "action_url": reverse("line-step", args=[case.case_id, line.line_number]),
            "back_url": back,
            "next": back,
            "button": "Yes, reject the line",
            "step": LineAction.REJECT,
            "version": line.version,
            "reason": reason,
            "reason_label": "Why is the line rejected?",
            "error": error,
        },
        status=status,
    )


@login_required
def line_reject(request, case_id: str, line_number: str):
    """The confirmation page of a rejection (its form posts to line-step, confirmed)."""
    case = _case(request, case_id)
    line = _line(request, case, line_number)
    if not request.user.has_perm(workflow.DECIDE):
        raise Http404("No such page.")
    return _confirm_reject(request, case, line)


def _confirm_remove(request, case: Case, line: LineItem, *, reason: str = "", error: str = "", status: int = 200):
    return render(
        request,
        "fms/confirm.html",
        {
            "case": case,
            "line": line,
            "title": f"Remove line {line.line_number} from {case.case_id}?",
            "consequence": (
                f"Line {line.line_number} ({line.description}, {line.quantity} {line.unit_of_issue}) leaves the "
                f"case and its total. Its number {line.line_number} is never reused; its history stays in the "
                "ledger with the reason you give."
            ),
            "action_url": reverse("line-remove", args=[case.case_id, line.line_number]),
            "back_url": reverse("line-detail", args=[case.case_id, line.line_number]),
            "button": "Yes, remove the line",
            "version": line.version,
            "reason": reason,
            "reason_label": "Why is the line removed?",
            "error": error,
        },
        status=status,
    )


@login_required
def line_remove(request, case_id: str, line_number: str):
    """Removing is confirmed here, with its reason; until the confirmed POST nothing changes."""
    case = _case(request, case_id)
    line = _line(request, case, line_number)
    if not request.user.has_perm("cases.delete_lineitem"):
        raise Http404("No such page.")
    reason = request.POST.get("comment", "").strip()
    if request.method != "POST" or not request.POST.get("confirmed"):
        return _confirm_remove(request, case, line, reason=reason)
    form = DecisionForm({**request.POST.dict(), "action": LineAction.REMOVE})
    if not form.is_valid():
        return _confirm_remove(request, case, line, reason=reason, error=refusal_words_of(form), status=400)
    if not reason:
        return _confirm_remove(request, case, line, error="Give the reason: it goes into the ledger.", status=400)
    try:
        services.line_item_remove(
            actor=request.user, line=line, expected_version=form.cleaned_data["version"], comment=reason
        )
    except StaleVersion:
        current = _line(request, case, line_number)
        words = _stale_words(f"Line {line.line_number}", case, current)
        return _confirm_remove(request, case, current, reason=reason, error=words, status=409)
    except DomainError as refused:
        return _confirm_remove(request, case, line, reason=reason, error=refused.detail, status=refused.status)
    messages.success(request, f"Line {line.line_number} removed from {case.case_id}.")
    return HttpResponseRedirect(reverse("case-detail", args=[case.case_id]))


@login_required
@require_POST
def lines_bulk(request):
    """One step on several lines with one comment: each line is its own service call, event and digest.

    Lines are named "CASE/NNN" with their page version in "version:CASE/NNN"; a line refused
    (stale, not allowed, separation of duties) is reported by name and the others are done.
    """
    action = request.POST.get("action", "")
    fallback = _safe_next(request) or reverse("inbox")
    if action not in BULK_LINE_ACTIONS:
        messages.error(request, "Choose Submit, Approve or Return for the selected lines.")
        return HttpResponseRedirect(fallback)
    keys = list(dict.fromkeys(request.POST.getlist("line")))
    if not keys:
        messages.error(request, f"Select at least one line to {LineAction(action).label.lower()}.")
        return HttpResponseRedirect(fallback)
    comment = request.POST.get("comment", "").strip()
    if action == LineAction.RETURN and not comment:
        messages.error(request, "Say why the lines are returned: one comment is required, nothing was returned.")
        return HttpResponseRedirect(fallback)
    done, refused = [], {}
    for key in keys[:200]:
        case_id, _, number = key.partition("/")
        version = DecisionForm({"action": action, "version": request.POST.get(f"version:{key}", "")})
        try:
            case = _case(request, case_id)
            line = _line(request, case, number)
        except Http404:
            refused[key] = f"{key}: no such line"
            continue
        if not version.is_valid():
            refused[key] = f"{case.case_id} line {number}: {refusal_words_of(version)}"
            continue
        before = case.status
        try:
            services.LINE_STEPS[action](
                actor=request.user, line=line, comment=comment, expected_version=version.cleaned_data["version"]
            )
        except StaleVersion:
            refused[key] = _changed_words(f"{case.case_id} line {number}", case, line)
        except DomainError as refusal:
            refused[key] = refusal_words(refusal)
        else:
            case.refresh_from_db(fields=["status"])
            moved = f" ({case.case_id} went back to {status_label(case.status)})" if case.status != before else ""
            done.append(f"{case.case_id} line {number}{moved}")
    past = {LineAction.SUBMIT: "Submitted", LineAction.APPROVE: "Approved", LineAction.RETURN: "Returned"}[action]
    if done:
        messages.success(request, f"{past} {len(done)} line{'s' if len(done) != 1 else ''}: {', '.join(done)}.")
    for reason in refused.values():
        messages.error(request, f"Not {past.lower()}: {reason}")
    if refused:
        shown = _page_with_row_errors(request, refused, comment)
        if shown is not None:
            return shown
    return HttpResponseRedirect(fallback)


def _page_with_row_errors(request, refused: dict[str, str], comment: str, *, row_comments: dict | None = None):
    """The case page or the queue the bulk form came from, each refusal beside its line, the comment
    and the refused lines' selection kept; None when the form came from elsewhere."""
    target = _safe_next(request)
    if target == reverse("review-queue"):
        return _review_queue_page(
            request, row_errors=refused, kept_comment=comment, row_comments=row_comments, status=409
        )
    try:
        match = resolve(target)
    except Http404:
        return None
    if match.url_name != "case-detail":
        return None
    case = _case(request, match.kwargs["case_id"])
    prefix = f"{case.case_id}/"
    row_errors = {key.removeprefix(prefix): words for key, words in refused.items() if key.startswith(prefix)}
    comments = {key.removeprefix(prefix): text for key, text in (row_comments or {}).items()}
    kept = {"bulk_comment": comment, "row_comments": comments}
    return _case_page(request, case, kept=kept, row_errors=row_errors, status=409)


# ---- Review queue -----------------------------------------------------------------------------


def _review_queue_page(
    request, *, row_errors: dict | None = None, kept_comment: str = "", row_comments: dict | None = None, status=200
):
    lines = list(selectors.review_queue_for(request.user)[:200])
    _keep_row_comments(lines, row_comments or {}, lambda line: f"{line.case.case_id}/{line.line_number}")
    for line in lines:
        line.row_error = (row_errors or {}).get(f"{line.case.case_id}/{line.line_number}", "")
    context = {"lines": lines, "kept_comment": kept_comment}
    return render(request, "fms/review_queue.html", context, status=status)


@login_required
def review_queue(request):
    if not request.user.has_perm("cases.approve_lineitem"):
        raise Http404("No such page.")
    return _review_queue_page(request)

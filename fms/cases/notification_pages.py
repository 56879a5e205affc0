"""Staff pages for 36(b) notifications (DESIGN §4.4): the list with each one's room and review state,
a notification's page (linked cases and documents, pending changes to decide, history), and the import
page with a preview. Reads go through the scoping selectors; writes through fms.notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fms.accounts.roles import holds_role_permission
from fms.cases import selectors
from fms.cases.forms import refusal_words
from fms.core.errors import DomainError
from fms.core.numbers import ascii_int
from fms.notifications import importing, parsing, rules
from fms.notifications import services as notification_services
from fms.notifications.choices import ChangeStatus
from fms.notifications.models import CongressionalNotification
from fms.notifications.selectors import room_annotations

PER_PAGE = 50


def _staff_notifications(request):
    # Purchasers do not see notifications on pages (DESIGN §8 lists what they see).
    if not request.user.is_staff:
        raise Http404("No such page.")
    return selectors.notification_queryset_for(request.user).select_related("purchaser", "original")


def review_state(notification: CongressionalNotification, today) -> str:
    if notification.status != "notified":
        return "draft: not notified"
    if notification.emergency:
        return "emergency: no review period"
    ends = notification.review_ends_on
    if rules.review_running(review_ends_on=ends, today=today):
        return f"in review until {ends:%-d %b %Y}"
    return f"review ended {ends:%-d %b %Y}"


@login_required
def notification_list(request):
    notifications = _staff_notifications(request).annotate(**room_annotations()).order_by("-notified_on", "-id")
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    today = rules.washington_today(timezone.now())
    rows = [(n, review_state(n, today), (n.total_value or 0) - n.committed_value) for n in page.object_list]
    can_record = holds_role_permission(request.user, notification_services.ADD)
    return render(request, "fms/notification_list.html", {"page": page, "rows": rows, "can_record": can_record})


def _notification(request, pk: str) -> CongressionalNotification:
    number = ascii_int(pk)
    found = _staff_notifications(request).filter(pk=number).first() if number is not None else None
    if found is None:
        raise Http404("No such notification.")
    return found


@login_required
def notification_detail(request, pk: str):
    notification = _notification(request, pk)
    room = notification_services.notification_room(notification)
    cases = selectors.case_queryset_for(request.user).filter(notification=notification).order_by("case_id")
    documents = [
        (case, list(case.documents.order_by("id").values("label", "status", "total_estimated_cost"))) for case in cases
    ]
    changes = [
        (change, [(field, change.previous.get(field), value) for field, value in change.changes.items()])
        for change in notification.changes.select_related("requested_by", "decided_by").order_by("-number")
    ]
    history = notification.history.select_related("pgh_context").order_by("-pgh_id")[:100]
    context = {
        "n": notification,
        "room": room,
        "state": review_state(notification, rules.washington_today(timezone.now())),
        "documents": documents,
        "changes": changes,
        "history": history,
        "can_decide": holds_role_permission(request.user, notification_services.DECIDE),
        "pending": ChangeStatus.PENDING,
    }
    return render(request, "fms/notification_detail.html", context)


@login_required
@require_POST
def notification_change_decide(request, pk: str, number: str):
    notification = _notification(request, pk)
    change_number = ascii_int(number)
    if change_number is None:
        raise Http404("No such change.")
    approve = request.POST.get("decision") == "approve"
    try:
        change = notification_services.notification_change_decide(
            actor=request.user,
            notification=notification,
            number=change_number,
            approve=approve,
            comment=request.POST.get("comment", "")[:10_000],
        )
    except DomainError as refused:
        messages.error(request, refusal_words(refused))
    else:
        messages.success(request, f"Change {change.number} {change.status}.")
    return HttpResponseRedirect(reverse("notification-page", args=[notification.pk]))


@login_required
def notification_import(request):
    if not holds_role_permission(request.user, notification_services.ADD):
        raise Http404("No such page.")
    text = request.POST.get("text", "")
    context: dict = {"text": text, "drafts": None}
    if request.method == "POST":
        try:
            if request.POST.get("save") == "1":
                drafts = importing.import_notifications(actor=request.user, text=text)
                messages.success(request, f"{len(drafts)} draft notification(s) recorded.")
                return HttpResponseRedirect(reverse("notification-pages"))
            context["drafts"] = [importing.draft_as_dict(draft) for draft in importing.resolve(text)]
        except parsing.NothingRecognised as nothing:
            messages.error(request, str(nothing))
        except DomainError as refused:
            messages.error(request, refusal_words(refused))
    return render(request, "fms/notification_import.html", context)

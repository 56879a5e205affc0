"""The read-audit page: who read which purchaser's records, filtered, with its CSV (DESIGN §8)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from fms.accounts.selectors import READ_AUDIT_FILTERS, filter_read_audit, read_audit_for, read_audit_scope

ROWS_PER_PAGE = 100


@login_required
def read_audit_page(request):
    try:
        scope = read_audit_scope(request.user)
    except PermissionDenied:
        raise Http404("No such page.") from None  # as for any page the user has no part in
    rows = read_audit_for(request.user)
    filtered, errors = filter_read_audit(rows, request.GET)
    if errors:
        problems = "; ".join(f"{name}: {' '.join(text)}" for name, text in errors.items())
        messages.error(request, f"Filter not applied: {problems}")
        filtered = rows
    filters = {name: request.GET.get(name, "").strip() for name in READ_AUDIT_FILTERS}
    query = urlencode({name: value for name, value in filters.items() if value})
    page = Paginator(filtered.order_by("-at", "-id"), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "query": query,
        "scope": scope,
    }
    return render(request, "accounts/read_audit.html", context)

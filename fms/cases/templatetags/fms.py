"""Template filters for money, ages, status badges and ledger actions."""

import datetime as dt
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.html import format_html

from fms.cases.choices import event_actions

register = template.Library()


@register.filter
def money(value) -> str:
    """$133,300,000.00 — exact, never through a float."""
    if value in (None, ""):
        return "—"
    return f"${Decimal(value):,.2f}"


@register.filter
def money_short(value) -> str:
    """$133.3M for charts and tiles."""
    amount = Decimal(value or 0)
    for limit, suffix in ((Decimal(10**9), "B"), (Decimal(10**6), "M"), (Decimal(10**3), "K")):
        if abs(amount) >= limit:
            return f"${amount / limit:,.1f}{suffix}"
    return f"${amount:,.0f}"


@register.filter
def age(moment: dt.datetime | None) -> str:
    """How long ago, in the largest sensible unit: 3 d, 5 h, 12 min."""
    if moment is None:
        return "—"
    seconds = max(0, int((timezone.now() - moment).total_seconds()))
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return "just now"


_ACTION_LABELS = dict(event_actions())


@register.filter
def action_label(action: str) -> str:
    """The words for a ledger event's action (the ledger stores the action's value only)."""
    return _ACTION_LABELS.get(action, action)


@register.simple_tag
def badge(value: str, label: str | None = None):
    return format_html('<span class="badge badge-{}">{}</span>', value, label or value.replace("_", " "))


@register.filter
def status_words(value: str) -> str:
    """A stored status as its label: "supply_complete" → "Supply complete"."""
    from fms.cases.words import status_label

    return status_label(value or "")


@register.simple_tag
def event_words(event) -> str:
    """What an event did, in words: "returned line 003", "sent the case back to Write"."""
    from fms.cases.words import event_sentence

    line_number = event.line_item.line_number if event.line_item_id else None
    return event_sentence(action=event.action, line_number=line_number, to_status=event.to_status)

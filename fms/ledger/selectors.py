"""Reads of the ledger that the apps above it decide with."""

from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce

from fms.ledger.models import CONTENT_ACTIONS, DECISION_ACTIONS, ApprovalEvent


def content_authors_since_last_decision(line_item_pk: int) -> frozenset[int]:
    """Who added or changed the line's content since its last decision, from the ledger's own events
    (not from columns the application can rewrite). The rule the database function applies; one query."""
    events = ApprovalEvent.objects.filter(line_item_id=line_item_pk)
    last_decision = events.filter(action__in=DECISION_ACTIONS).order_by("-seq").values("seq")[:1]
    since = Coalesce(Subquery(last_decision), Value(0))
    authors = events.filter(action__in=CONTENT_ACTIONS, seq__gt=since).order_by()  # no join for Meta's ordering
    return frozenset(authors.values_list("actor_id", flat=True))

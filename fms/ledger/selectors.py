"""Reads of the ledger that the apps above it decide with."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from fms.ledger.models import CONTENT_ACTIONS, DECISION_ACTIONS, ApprovalEvent


def _content_authors(line_item) -> QuerySet[ApprovalEvent]:
    # The decision is looked up by the outer event's own line: an OuterRef here would point one level too far in.
    decisions = ApprovalEvent.objects.filter(line_item_id=OuterRef("line_item_id"), action__in=DECISION_ACTIONS)
    since = Coalesce(Subquery(decisions.order_by("-seq").values("seq")[:1]), Value(0))
    authors = ApprovalEvent.objects.filter(line_item_id=line_item, action__in=CONTENT_ACTIONS, seq__gt=since)
    authors = authors.order_by()  # no join for Meta's ordering
    return authors.values_list("actor_id", flat=True)


def content_authors_since_last_decision(line_item_pk: int) -> frozenset[int]:
    """Who added or changed the line's content since its last decision, from the ledger's own events
    (not from columns the application can rewrite). The rule the database function applies; one query."""
    return frozenset(_content_authors(line_item_pk))


def content_authors_of_line(line_path: str = "pk") -> ArraySubquery:
    """The same, as an array column of a query over lines (`line_path` leads to the line's id), so
    that a decision reads it with the line it locks, in one statement."""
    return ArraySubquery(_content_authors(OuterRef(line_path)))

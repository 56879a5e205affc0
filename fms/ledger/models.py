"""The ledger's rows: one immutable event per decision or step, hash-chained per case.

The table keeps its original name (`cases_approvalevent`): the model moved here from `cases`
without moving a row. The ledger records what the apps above it hand it (subject, action,
statuses, actor, content digest); the meaning of actions and digests is theirs, except for the
two kinds the ledger enforces maker–checker on (CONTENT_ACTIONS, DECISION_ACTIONS).

Rows are written only by the database function `ledger_append` (migrations/0002), which the
application's role may execute; it may not INSERT, UPDATE, DELETE or TRUNCATE the table.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q

# Events that record a line's content (its digest) and events that decide on that content. The
# ledger refuses a decision by anyone who recorded content since the line's last decision.
CONTENT_ACTIONS = ("add", "edit")
DECISION_ACTIONS = ("approve", "reject", "return")
APPROVAL_ACTION = "approve"  # the decision whose content must stay as approved (verification.py)
# Hash formats (fms/ledger/chain.py): 1 before the ledger function existed, 2 adds `via`.
HASH_VERSIONS = (1, 2)


class ApprovalEvent(models.Model):
    """One immutable ledger row per decision or step, hash-chained per case (see chain.py)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="events")
    line_item = models.ForeignKey(
        "cases.LineItem", on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    seq = models.PositiveIntegerField(help_text="Position of the event in its case's chain, from 1.")
    action = models.CharField(max_length=16, help_text="What happened, in the words of the app that recorded it.")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150)
    comment = models.TextField(blank=True)
    occurred_at = models.DateTimeField()
    content_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    txid = models.BigIntegerField(
        editable=False, help_text="The writing transaction's id, set by the database; orders the event feed."
    )
    via = models.CharField(
        max_length=40,
        blank=True,
        db_default="",
        help_text="How the actor signed in: session, session+mfa, token:<prefix> or command; empty: not kept yet.",
    )
    hash_version = models.PositiveSmallIntegerField(db_default=1, help_text="Which payload the hash covers (chain.py).")

    class Meta:
        db_table = "cases_approvalevent"
        ordering = ["case", "seq"]
        indexes = [models.Index(fields=["txid", "id"], name="approvalevent_feed_order")]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="approvalevent_unique_seq_per_case"),
            models.UniqueConstraint(fields=["case", "prev_hash"], name="approvalevent_chain_does_not_fork"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="approvalevent_seq_positive"),
            models.CheckConstraint(condition=Q(action__regex=r"^[a-z_]{1,16}$"), name="approvalevent_action_is_a_word"),
            models.CheckConstraint(
                condition=Q(hash_version__in=HASH_VERSIONS), name="approvalevent_hash_version_known"
            ),
            models.CheckConstraint(
                condition=Q(content_digest__regex=r"^[0-9a-f]{64}$")
                & Q(prev_hash__regex=r"^[0-9a-f]{64}$")
                & Q(hash__regex=r"^[0-9a-f]{64}$"),
                name="approvalevent_hashes_are_sha256_hex",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="approvalevent_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            pgtrigger.Trigger(
                name="approvalevent_no_truncate",
                when=pgtrigger.Before,
                operation=pgtrigger.Truncate,
                level=pgtrigger.Statement,
                func="RAISE EXCEPTION 'the approval ledger is append-only: TRUNCATE is refused'; RETURN NULL;",
            ),
        ]

    def __str__(self) -> str:
        target = f" line {self.line_item.line_number}" if self.line_item_id else ""
        return f"{self.case.case_id}{target} #{self.seq}: {self.action} by {self.actor_name}"

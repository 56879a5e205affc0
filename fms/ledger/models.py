"""The ledger's rows: one immutable event per decision or step, hash-chained per case.

The table keeps its original name (`cases_approvalevent`): the model moved here from `cases`
without moving a row. The ledger records what the apps above it hand it (subject, action,
statuses, actor, content digest); the meaning of actions and digests is theirs.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q

# Maker–checker in the database: whoever created or last changed a line cannot decide on it,
# whatever code (or raw SQL) writes the event. Also stamps the writing transaction for the feed.
_EVENT_INSERT_CHECKS_SQL = """
    IF NEW.line_item_id IS NOT NULL THEN
        IF NOT EXISTS (SELECT 1 FROM cases_lineitem li WHERE li.id = NEW.line_item_id AND li.case_id = NEW.case_id) THEN
            RAISE EXCEPTION 'line item % does not belong to case %', NEW.line_item_id, NEW.case_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF NEW.action IN ('approve', 'reject', 'return') AND EXISTS (
            SELECT 1 FROM cases_lineitem li
            WHERE li.id = NEW.line_item_id AND NEW.actor_id IN (li.created_by_id, li.updated_by_id)
        ) THEN
            RAISE EXCEPTION 'separation of duties: user % created or last changed line item % and cannot % it',
                NEW.actor_id, NEW.line_item_id, NEW.action
                USING ERRCODE = 'check_violation', CONSTRAINT = 'approvalevent_separation_of_duties';
        END IF;
    END IF;
    NEW.txid := pg_current_xact_id()::text::bigint;
    RETURN NEW;
"""


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
                condition=Q(content_digest__regex=r"^[0-9a-f]{64}$")
                & Q(prev_hash__regex=r"^[0-9a-f]{64}$")
                & Q(hash__regex=r"^[0-9a-f]{64}$"),
                name="approvalevent_hashes_are_sha256_hex",
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="approvalevent_checks_insert",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert,
                func=_EVENT_INSERT_CHECKS_SQL,
            ),
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

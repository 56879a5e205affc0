"""The ledger's rows: one immutable event per decision or step, hash-chained per case.

The table keeps its original name (`cases_approvalevent`): the model moved here from `cases`
without moving a row. The ledger records what the apps above it hand it (subject, action,
statuses, actor, content digest); the meaning of actions and digests is theirs, except for the
two kinds the ledger enforces maker–checker on (CONTENT_ACTIONS, DECISION_ACTIONS).

Rows are written only by the database function `ledger_append` (migrations/0003), which the
application's role may execute; it may not INSERT, UPDATE, DELETE or TRUNCATE the table.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q

from fms.accounts.signin import VIA_PATTERN

# Events that record a line's content (its digest) and events that decide on that content. The
# ledger refuses a decision by anyone who recorded content since the line's last decision.
CONTENT_ACTIONS = ("add", "edit")
DECISION_ACTIONS = ("approve", "reject", "return")
APPROVAL_ACTION = "approve"  # the decision whose content must stay as approved (verification.py)
# Hash formats (fms/ledger/chain.py): 1 before the ledger function existed, 2 adds `via`, 3 `document`.
HASH_VERSIONS = (1, 2, 3)
# A document label as the apps above record it (BASIC, A01…, M01…): opaque to the ledger, hashed from format 3.
DOCUMENT_LABEL = r"^(BASIC|[AM][0-9]{2})$"


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
    # NULL, not '': the hashed payload and the API carry JSON null for an event of no document.
    document = models.CharField(  # noqa: DJ001
        max_length=5, null=True, blank=True, help_text="The LOA document of a document step (hashed from format 3)."
    )

    class Meta:
        db_table = "cases_approvalevent"
        ordering = ["case", "seq"]
        indexes = [
            models.Index(fields=["txid", "id"], name="approvalevent_feed_order"),
            # A purchaser sees a case once it was offered (cases.selectors.offered_q asks for the case's
            # case-level `offer` event): a few rows per case, so the filter reads this small index
            # instead of every case-level event (51 ms -> 1.7 ms for a list at 10,000 cases).
            models.Index(
                fields=["case"], condition=Q(line_item__isnull=True, action="offer"), name="approvalevent_offers"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="approvalevent_unique_seq_per_case"),
            models.UniqueConstraint(fields=["case", "prev_hash"], name="approvalevent_chain_does_not_fork"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="approvalevent_seq_positive"),
            models.CheckConstraint(condition=Q(action__regex=r"^[a-z_]{1,16}$"), name="approvalevent_action_is_a_word"),
            models.CheckConstraint(
                condition=Q(hash_version__in=HASH_VERSIONS), name="approvalevent_hash_version_known"
            ),
            # How the actor signed in is one of the known forms (accounts/signin.py); '' on rows
            # written before `via` was kept.
            models.CheckConstraint(condition=Q(via="") | Q(via__regex=VIA_PATTERN), name="approvalevent_via_known"),
            # Formats 1 and 2 do not hash a document: an event of theirs carrying one would be unverified text.
            models.CheckConstraint(
                condition=Q(document__isnull=True) | Q(hash_version=3, document__regex=DOCUMENT_LABEL),
                name="approvalevent_document_is_hashed_label",
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


# ---- The transparency log (DESIGN §9): entries in feed order, its stored tree nodes, signed heads ----


def _append_only(prefix: str, what: str) -> list:
    return [
        pgtrigger.Protect(name=f"{prefix}_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        pgtrigger.Trigger(
            name=f"{prefix}_no_truncate",
            when=pgtrigger.Before,
            operation=pgtrigger.Truncate,
            level=pgtrigger.Statement,
            func=f"RAISE EXCEPTION '{what} is append-only: TRUNCATE is refused'; RETURN NULL;",
        ),
    ]


# Whatever code inserts (the sequencer, or raw SQL by the app's role), the log stays dense, in feed
# order and complete: entry n is the next settled event after entry n-1's, with none skipped.
_LOG_ENTRY_CHECKS_SQL = """
    SELECT l.log_index, e.txid, e.id INTO last_index, last_txid, last_id
        FROM ledger_logentry l JOIN cases_approvalevent e ON e.id = l.event_id
        ORDER BY l.log_index DESC LIMIT 1;
    IF NEW.log_index IS DISTINCT FROM COALESCE(last_index + 1, 0) THEN
        RAISE EXCEPTION 'the transparency log is dense: the next entry is %, not %', COALESCE(last_index + 1, 0),
            NEW.log_index USING ERRCODE = 'check_violation', CONSTRAINT = 'logentry_dense_feed_order';
    END IF;
    SELECT txid INTO new_txid FROM cases_approvalevent WHERE id = NEW.event_id;
    IF new_txid >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint THEN
        RAISE EXCEPTION 'event % is not settled: transactions older than it are still running', NEW.event_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'logentry_dense_feed_order';
    END IF;
    -- The next event in feed order after the last entry's (an index walk of (txid, id), one row).
    SELECT e.id INTO next_id FROM cases_approvalevent e
        WHERE (e.txid, e.id) > (COALESCE(last_txid, 0), COALESCE(last_id, 0)) ORDER BY e.txid, e.id LIMIT 1;
    IF next_id IS DISTINCT FROM NEW.event_id THEN
        RAISE EXCEPTION 'the transparency log follows the feed order: event % is not the next one (%)',
            NEW.event_id, next_id USING ERRCODE = 'check_violation', CONSTRAINT = 'logentry_dense_feed_order';
    END IF;
    RETURN NEW;
"""

# A stored node is the hash of its children (level 0: of its entry's event hash), computed here too.
_LOG_NODE_CHECKS_SQL = """
    IF NEW.level = 0 THEN
        SELECT sha256('\\x00'::bytea || decode(e.hash, 'hex')) INTO expected
            FROM ledger_logentry l JOIN cases_approvalevent e ON e.id = l.event_id WHERE l.log_index = NEW.index;
    ELSE
        SELECT sha256('\\x01'::bytea || l.hash || r.hash) INTO expected
            FROM ledger_lognode l, ledger_lognode r
            WHERE l.level = NEW.level - 1 AND l.index = 2 * NEW.index
              AND r.level = NEW.level - 1 AND r.index = 2 * NEW.index + 1;
    END IF;
    IF expected IS NULL OR NEW.hash IS DISTINCT FROM expected THEN
        RAISE EXCEPTION 'log node (%, %) is not the RFC 9162 hash of what it covers', NEW.level, NEW.index
            USING ERRCODE = 'check_violation', CONSTRAINT = 'lognode_is_its_childrens_hash';
    END IF;
    RETURN NEW;
"""


class LogEntry(models.Model):
    """Event `event` is leaf `log_index` of the transparency log (feed order, from 0); its leaf is the
    event's 32-byte hash (RFC 9162 §2.1.1). Appended by fms.ledger.transparency, never changed."""

    log_index = models.BigIntegerField(primary_key=True)
    event = models.OneToOneField(ApprovalEvent, on_delete=models.PROTECT, related_name="log_entry")

    class Meta:
        ordering = ["log_index"]
        verbose_name_plural = "log entries"
        constraints = [models.CheckConstraint(condition=Q(log_index__gte=0), name="logentry_index_nonnegative")]
        triggers = [
            pgtrigger.Trigger(
                name="logentry_dense_feed_order",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert,
                declare=[(name, "bigint") for name in ("last_index", "last_txid", "last_id", "new_txid", "next_id")],
                func=_LOG_ENTRY_CHECKS_SQL,
            ),
            *_append_only("logentry", "the transparency log"),
        ]

    def __str__(self) -> str:
        return f"log entry {self.log_index}: event {self.event_id}"


class LogNode(models.Model):
    """A perfect subtree of the log (fms/ledger/merkle.py): the hash of the 2**level leaves from
    index·2**level; level 0 holds the leaf hashes. Proofs read O(log n) of these, never the leaves."""

    pk = models.CompositePrimaryKey("level", "index")
    level = models.SmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=0, level__lte=62, index__gte=0), name="lognode_position_valid"
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="lognode_is_its_childrens_hash",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert,
                declare=[("expected", "bytea")],
                func=_LOG_NODE_CHECKS_SQL,
            ),
            *_append_only("lognode", "the transparency log"),
        ]

    def __str__(self) -> str:
        return f"log node ({self.level}, {self.index})"


class SignedTreeHead(models.Model):
    """A checkpoint of the log: its size and root, signed with the key outside the database.

    `checkpoint` is the C2SP signed note exactly as signed; the other columns repeat what it says so
    it can be queried. Append-only: a signed head is a promise the log keeps forever.
    """

    tree_size = models.BigIntegerField()
    root_hash = models.CharField(max_length=64, help_text="Hex of the RFC 9162 root at tree_size.")
    checkpoint = models.TextField(help_text="The C2SP tlog-checkpoint, signed as a C2SP signed-note.")
    key_name = models.CharField(max_length=200)
    key_id = models.CharField(max_length=8, help_text="Hex of the note key ID that signed it.")
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["-tree_size", "-id"]
        indexes = [models.Index(fields=["tree_size", "id"], name="signedtreehead_size")]
        constraints = [
            models.CheckConstraint(condition=Q(tree_size__gte=0), name="signedtreehead_size_nonnegative"),
            models.CheckConstraint(
                condition=Q(root_hash__regex=r"^[0-9a-f]{64}$") & Q(key_id__regex=r"^[0-9a-f]{8}$"),
                name="signedtreehead_hashes_are_hex",
            ),
        ]
        triggers = _append_only("signedtreehead", "the list of signed tree heads")

    def __str__(self) -> str:
        return f"tree head {self.tree_size} signed by {self.key_name} at {self.signed_at:%Y-%m-%d %H:%M:%SZ}"

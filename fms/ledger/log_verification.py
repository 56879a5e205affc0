"""verify_ledger's check of the transparency log: recompute the tree from the events themselves and
hold every signed head to it.

- Entries are dense (0, 1, 2 …), in feed order, and leave out no event before the last one logged.
- Each entry's stored leaf is SHA-256(0x00 ‖ its event's hash): else the event changed after it was
  logged, and that event is named.
- The root recomputed at each signed head's size equals the head's root, and the head's signature
  verifies with a known key: the signing key's, and the verifier keys of rotated keys in
  LEDGER_VERIFIER_KEYS. A head whose key is not known (or when the key file is missing or
  unreadable) is listed as not checked, with the reason.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from fms.ledger import merkle
from fms.ledger.checkpoint import Checkpoint, NoteError, VerifierKey, open_note
from fms.ledger.models import ApprovalEvent, LogEntry, LogNode, SignedTreeHead
from fms.ledger.signing import SigningKeyUnavailable, verifier


@dataclass(frozen=True)
class LogBreak:
    """Something the transparency log does not prove."""

    reason: str
    log_index: int | None = None
    event_id: int | None = None

    def __str__(self) -> str:
        where = f"entry {self.log_index}" + (f" (event {self.event_id})" if self.event_id else "")
        return f"transparency log at {where}: {self.reason}" if self.log_index is not None else self.reason


@dataclass
class LogVerification:
    size: int = 0
    heads: int = 0
    heads_checked: int = 0
    unchecked: list[str] = field(default_factory=list)
    breaks: list[LogBreak] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


def known_keys() -> tuple[dict[tuple[str, str], VerifierKey], str | None]:
    """Verifier keys by (name, key ID), and why the current signing key is not among them, if it is not."""
    keys, problem = {}, None
    try:
        current = verifier()
        keys[current.name, current.id.hex()] = current
    except SigningKeyUnavailable as error:
        problem = str(error)
    for vkey in settings.LEDGER_VERIFIER_KEYS:
        key = VerifierKey.parse(vkey)
        keys[key.name, key.id.hex()] = key
    return keys, problem


def _check_signature(head: dict, keys: dict, key_problem: str | None, result: LogVerification) -> None:
    label = f"signed head {head['id']} (size {head['tree_size']}, {head['key_name']}+{head['key_id']})"
    key = keys.get((head["key_name"], head["key_id"]))
    if key is None:
        result.unchecked.append(f"{label}: {key_problem or 'no verifier key for it (add it to LEDGER_VERIFIER_KEYS)'}")
        return
    try:
        checkpoint = Checkpoint.parse(open_note(head["checkpoint"], key))
    except NoteError as error:
        result.breaks.append(LogBreak(f"{label}: its signature does not hold: {error}"))
        return
    if (checkpoint.size, checkpoint.root_hash.hex()) != (head["tree_size"], head["root_hash"]):
        result.breaks.append(LogBreak(f"{label}: its columns differ from the checkpoint it signed"))
        return
    result.heads_checked += 1


_ROWS_SQL = """
    SELECT l.log_index, e.id, e.hash, e.txid, n.hash
    FROM {entries} l LEFT JOIN {events} e ON e.id = l.event_id
    LEFT JOIN {nodes} n ON n.level = 0 AND n.index = l.log_index
    ORDER BY l.log_index
"""


def _rows(chunk_size: int):
    """(log_index, event id, event hash, txid, stored leaf) in log order, from a server-side cursor."""
    quote = connection.ops.quote_name
    sql = _ROWS_SQL.format(
        entries=quote(LogEntry._meta.db_table),
        events=quote(ApprovalEvent._meta.db_table),
        nodes=quote(LogNode._meta.db_table),
    )
    with connection.chunked_cursor() as cursor:
        cursor.itersize = chunk_size
        cursor.execute(sql)
        yield from cursor


def _hold_heads_to(frontier: merkle.Frontier, heads: list[dict], result: LogVerification) -> None:
    """Compare the recomputed root with every signed head of the frontier's size (heads: by size)."""
    while heads and heads[0]["tree_size"] == frontier.size:
        head = heads.pop(0)
        if frontier.root().hex() != head["root_hash"]:
            result.breaks.append(
                LogBreak(
                    f"signed head {head['id']} (size {head['tree_size']}) does not match the tree recomputed from "
                    "the events: an event it covers was changed, removed or reordered"
                )
            )


def verify_log(*, chunk_size: int = 20_000) -> LogVerification:
    """Recompute the log from the events, streaming; check every signed head against it."""
    result = LogVerification()
    keys, key_problem = known_keys()
    heads = list(
        SignedTreeHead.objects.order_by("tree_size", "id").values(
            "id", "tree_size", "root_hash", "checkpoint", "key_name", "key_id"
        )
    )
    result.heads = len(heads)
    for head in heads:
        _check_signature(head, keys, key_problem, result)

    frontier = merkle.Frontier()
    last_key = (0, 0)
    _hold_heads_to(frontier, heads, result)
    for log_index, event_id, event_hash, txid, stored_leaf in _rows(chunk_size):
        if log_index != frontier.size:
            result.breaks.append(LogBreak(f"entry {frontier.size} is missing (the next is {log_index})", frontier.size))
            break
        if event_id is None:
            result.breaks.append(LogBreak("its event is gone", log_index))
            break
        if (txid, event_id) <= last_key:
            result.breaks.append(LogBreak("it is out of feed order", log_index, event_id))
        leaf = bytes.fromhex(event_hash)
        if stored_leaf is None or bytes(stored_leaf) != merkle.leaf_hash(leaf):
            reason = "the event changed after it was logged (its hash is not the logged leaf)"
            result.breaks.append(LogBreak(reason, log_index, event_id))
        frontier.append(leaf)
        last_key = (txid, event_id)
        _hold_heads_to(frontier, heads, result)
    result.size = frontier.size
    for head in heads:  # heads larger than the log
        reason = f"signed head {head['id']} covers {head['tree_size']} entries but the log has {frontier.size}"
        result.breaks.append(LogBreak(reason))
    up_to_last = ApprovalEvent.objects.filter(RawSQL("(txid, id) <= (%s, %s)", last_key, output_field=BooleanField()))
    missing = up_to_last.count() - frontier.size
    if missing > 0:
        result.breaks.append(LogBreak(f"{missing} events up to the last logged one are missing from the log"))
    return result

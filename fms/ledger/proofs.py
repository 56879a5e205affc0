"""Reads of the transparency log: its size, stored nodes, signed heads and RFC 9162 proofs.

A proof costs three small queries whatever the log's size: the event's entry, the log's size and
the O(log n) stored nodes the proof needs (fms/ledger/merkle.py), never the leaves. Which events a
user may ask about is the caller's business (the API asks the event selector first).
"""

from collections.abc import Iterable

from django.db import connection

from fms.core.errors import Conflict, ValidationFailed
from fms.ledger import merkle
from fms.ledger.models import LogEntry, LogNode, SignedTreeHead

HEAD_FIELDS = ("tree_size", "root_hash", "checkpoint", "key_name", "key_id", "signed_at")


class LogBroken(RuntimeError):
    """A node the tree needs is not stored: the log's tables were tampered with (verify_ledger says more)."""


def log_size() -> int:
    last = LogEntry.objects.order_by("-log_index").values_list("log_index", flat=True).first()
    return 0 if last is None else last + 1


def stored_nodes(nodes: Iterable[merkle.Node]) -> dict[merkle.Node, bytes]:
    """The stored hashes of these perfect subtrees, in one query."""
    wanted = sorted(set(nodes))
    if not wanted:
        return {}
    table = connection.ops.quote_name(LogNode._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT level, index, hash FROM {table}
                WHERE (level, index) IN (SELECT * FROM unnest(%s::smallint[], %s::bigint[]))""",  # noqa: S608
            [[level for level, _ in wanted], [index for _, index in wanted]],
        )
        found = {(level, index): bytes(value) for level, index, value in cursor.fetchall()}
    if len(found) != len(wanted):
        missing = sorted(set(wanted) - set(found))[:3]
        raise LogBroken(f"log nodes {missing} are missing")
    return found


def stored_root(size: int) -> bytes:
    """The root of the first `size` entries, from O(log n) stored nodes."""
    return merkle.root(size, stored_nodes(merkle.range_nodes(0, size)))


def _within_log(name: str, value: int, size: int) -> None:
    if value > size:
        raise ValidationFailed({name: [f"The log has {size} entries: give at most {size}."]})


def inclusion_proof(*, event_id: int, size: int) -> dict:
    """RFC 9162 PATH for the event's leaf in the tree of `size` entries."""
    current = log_size()
    _within_log("size", size, current)
    leaf_index = LogEntry.objects.filter(event_id=event_id).values_list("log_index", flat=True).first()
    if leaf_index is None:
        raise Conflict(f"Event {event_id} is not in the transparency log yet: it enters with the next checkpoint.")
    if leaf_index >= size:
        raise ValidationFailed({"size": [f"Event {event_id} is entry {leaf_index} of the log: give a size above it."]})
    ranges = merkle.inclusion_ranges(leaf_index, size)
    path = merkle.proof_from(ranges, stored_nodes(merkle.proof_nodes(ranges)))
    return {"event": event_id, "leaf_index": leaf_index, "tree_size": size, "audit_path": [h.hex() for h in path]}


def consistency_proof(*, first: int, second: int) -> dict:
    """RFC 9162 PROOF that the tree of `second` entries extends the tree of `first`."""
    current = log_size()
    _within_log("to", second, current)
    if first > second:
        raise ValidationFailed({"from": [f"Give a size no larger than to ({second})."]})
    ranges = merkle.consistency_ranges(first, second)
    proof = merkle.proof_from(ranges, stored_nodes(merkle.proof_nodes(ranges)))
    return {"first": first, "second": second, "proof": [h.hex() for h in proof]}


def latest_head() -> dict | None:
    return SignedTreeHead.objects.order_by("-tree_size", "-id").values(*HEAD_FIELDS).first()

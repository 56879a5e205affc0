"""The transparency log's writers: the sequencer, which appends settled events in feed order, and
the signer of tree heads. `manage.py ledger_checkpoint` runs both (once, or every N seconds).

Feed order is the order the event feed hands events out (fms/cases/api/views.py): by (txid, id),
and only events of transactions older than every running one ("settled"), so nothing can later
appear before an entry already logged. The database refuses an entry out of that order (the
logentry trigger), and a node that is not the hash of its children (the lognode trigger).
"""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from fms.core.errors import Conflict
from fms.ledger import merkle
from fms.ledger.checkpoint import Checkpoint, SignerKey
from fms.ledger.models import ApprovalEvent, LogEntry, LogNode, SignedTreeHead
from fms.ledger.proofs import log_size, stored_nodes, stored_root

# pg_advisory_xact_lock key: one writer of the log at a time (the sequencer and the signer).
LOG_WRITER_LOCK = 0x746C6F67  # "tlog"
BATCH = 5_000


class LogInconsistent(Conflict):
    """The stored log no longer matches a head signed before: refuse to sign anything else."""


def _lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOG_WRITER_LOCK])


def _frontier(size: int) -> merkle.Frontier:
    nodes = merkle.range_nodes(0, size)
    hashes = stored_nodes(nodes)
    return merkle.Frontier(size, [hashes[node] for node in nodes])


def _last_entry() -> tuple[int, tuple[int, int]]:
    """The log's size and the feed key (txid, id) of its last event ((0, 0) when empty)."""
    last = LogEntry.objects.order_by("-log_index").values_list("log_index", "event__txid", "event_id").first()
    return (0, (0, 0)) if last is None else (last[0] + 1, (last[1], last[2]))


def _settled_events_after(key: tuple[int, int], limit: int) -> list[tuple[int, str]]:
    """The next settled events in feed order: the rule of the event feed (fms/cases/api/views.py)."""
    events = connection.ops.quote_name(ApprovalEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT id, hash FROM {events}
                WHERE (txid, id) > (%s, %s) AND txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
                ORDER BY txid, id LIMIT %s""",  # noqa: S608 - the table name comes from the model
            [*key, limit],
        )
        return cursor.fetchall()


def _copy(table: str, columns: str, rows: list[tuple]) -> None:
    """COPY the rows in (their row triggers still check each one)."""
    sql = f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


@transaction.atomic
def _append_batch(limit: int) -> int:
    _lock()
    size, key = _last_entry()
    frontier = _frontier(size)
    events = _settled_events_after(key, limit)
    entries, nodes = [], []
    for event_id, event_hash in events:
        entries.append((frontier.size, event_id))
        nodes.extend(frontier.append(bytes.fromhex(event_hash)))
    _copy(LogEntry._meta.db_table, "log_index, event_id", entries)
    _copy(LogNode._meta.db_table, "level, index, hash", nodes)
    return len(events)


def log_append_settled(*, batch: int = BATCH) -> int:
    """Append every settled event not yet in the log, in feed order; how many were appended.

    Batches commit one by one, so a long catch-up holds no lock for long and keeps what it did.
    """
    appended = 0
    while True:
        added = _append_batch(batch)
        appended += added
        if added < batch:
            return appended


@transaction.atomic
def tree_head_sign(*, signer: SignerKey, now: dt.datetime | None = None) -> SignedTreeHead | None:
    """Sign the log's current head, unless the latest head already says the same with this key.

    Never signs a head inconsistent with the latest one signed before (C2SP tlog-checkpoint: a log
    must not): the stored tree must still give that head's root.
    """
    _lock()
    size = log_size()
    latest = SignedTreeHead.objects.order_by("-tree_size", "-id").first()
    key_id = signer.verifier.id.hex()
    if latest is not None:
        if latest.tree_size > size or stored_root(latest.tree_size).hex() != latest.root_hash:
            raise LogInconsistent(
                f"the stored log no longer gives the root signed at size {latest.tree_size} "
                f"(head {latest.pk}): run verify_ledger; nothing was signed"
            )
        if latest.tree_size == size and latest.key_id == key_id:
            return None
    now = (now or timezone.now()).astimezone(dt.UTC)
    root = stored_root(size)
    text = Checkpoint(signer.name, size, root, (f"time {now:%Y-%m-%dT%H:%M:%SZ}",)).text()
    return SignedTreeHead.objects.create(
        tree_size=size,
        root_hash=root.hex(),
        checkpoint=signer.sign_note(text),
        key_name=signer.name,
        key_id=key_id,
        signed_at=now,
    )

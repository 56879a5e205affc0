"""The per-case hash chain of ledger events and its verification.

    hash = SHA-256(prev_hash ‖ canonical JSON of the event)

The first event of a case chains from GENESIS. Two payload formats, told apart by the event's
`hash_version` (so that events hashed before a format existed still verify):

1. EVENT_FIELDS plus the case's id and the line's number (which come from joins): every event
   written before the ledger function existed (and the benchmark's generated events).
2. format 1's payload plus `via` and `hash_version` itself (= 2): every event the database
   function `ledger_append` wrote from migrations/0003 (which computes the same bytes in SQL).
3. format 2's payload plus `document` (the LOA document label of a document step, else null) and
   `hash_version` = 3: every event `ledger_append` writes from migrations/0005.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from fms.ledger.canonical import canonical_json, sha256_hex

GENESIS = "0" * 64

# The columns the hash of format 1 covers, besides case_id and line_number which come from joins.
EVENT_FIELDS = (
    "seq",
    "action",
    "from_status",
    "to_status",
    "actor_id",
    "actor_name",
    "comment",
    "occurred_at",
    "content_digest",
    "prev_hash",
)


def event_payload(*, case_id: str, line_number: str | None, hash_version: int = 1, **fields) -> dict:
    """What the hash of an event of this format covers; `fields` holds at least its columns."""
    payload = {"case_id": case_id, "line_number": line_number, **{f: fields[f] for f in EVENT_FIELDS}}
    if hash_version not in (1, 2, 3):
        raise ValueError(f"Unknown ledger hash format {hash_version}.")
    if hash_version >= 2:
        payload |= {"hash_version": hash_version, "via": fields["via"]}
    if hash_version == 3:
        payload["document"] = fields["document"]
    return payload


def event_hash(*, case_id: str, line_number: str | None, **fields) -> str:
    """The event's own hash; `fields` holds the columns its format covers (extra keys are ignored)."""
    payload = event_payload(case_id=case_id, line_number=line_number, **fields)
    return sha256_hex(fields["prev_hash"].encode() + canonical_json(payload))


@dataclass(frozen=True)
class Break:
    """The first broken link of a chain."""

    case_id: str
    seq: int  # position where the chain breaks (the expected position for a missing event)
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        return f"{self.case_id} at position {self.seq}: {self.reason}"


def verify_chain(case_id: str, events: Iterable[dict]) -> Break | None:
    """Recompute one case's chain (events ordered by seq); return the first break, if any.

    Each event row may carry the current status of its case (`case_status`) and of its line
    (`line_status`): the chain must end in those states, so a deleted tail is found too.
    """
    expected_prev = GENESIS
    expected_seq = 1
    # "" would be equivalent: the report writes either as "never created", and no case status is "".
    last_case_status: str | None = None  # pragma: no mutate
    current_case_status: str | None = None
    last_line_status: dict[str, tuple[str, str | None]] = {}
    for event in events:
        if event["seq"] != expected_seq:
            # `>=` would be an equivalent mutant: here seq != expected_seq, so the two never differ.
            missing = "missing" if event["seq"] > expected_seq else "out of order"  # pragma: no mutate
            return Break(
                case_id, expected_seq, event["id"], f"event #{expected_seq} is {missing} (found #{event['seq']})"
            )
        if event["prev_hash"] != expected_prev:
            return Break(case_id, event["seq"], event["id"], "prev_hash does not match the hash of the event before it")
        if event_hash(**event) != event["hash"]:
            return Break(case_id, event["seq"], event["id"], "the event's content does not match its hash (altered)")
        if event["line_number"] is None:
            last_case_status = event["to_status"]
        else:
            last_line_status[event["line_number"]] = (event["to_status"], event.get("line_status"))
        current_case_status = event.get("case_status", current_case_status)
        expected_prev = event["hash"]
        expected_seq += 1
    if current_case_status is not None and last_case_status != current_case_status:
        return Break(
            case_id,
            expected_seq,
            None,
            f"the chain ends with the case {last_case_status or 'never created'} but it is {current_case_status}: "
            "events are missing",
        )
    for line_number, (recorded, current) in sorted(last_line_status.items()):
        if current is not None and recorded != current:
            return Break(
                case_id,
                expected_seq,
                None,
                f"the chain ends with line {line_number} {recorded} but it is {current}: events are missing",
            )
    return None


def group_by_case(rows: Iterable[dict]) -> Iterator[tuple[str, list[dict]]]:
    """Split rows ordered by case into (case_id, events) runs without holding everything in memory."""
    current: str | None = None
    # Equivalent when mutated (e.g. to None): the first row always starts a new run before any append.
    run: list[dict] = []  # pragma: no mutate
    for row in rows:
        if row["case_id"] != current:
            if current is not None:
                yield current, run
            current, run = row["case_id"], []
        run.append(row)
    if current is not None:
        yield current, run

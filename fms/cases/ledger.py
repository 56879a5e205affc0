"""The tamper-evident ledger: canonical JSON, content digests and the per-case hash chain.

    content_digest = SHA-256(canonical JSON of the line (or case) content decided on)
    hash           = SHA-256(prev_hash ‖ canonical JSON of the event)

The first event of a case chains from GENESIS. Canonical JSON is UTF-8, keys sorted, no
whitespace, money as strings with two decimals, datetimes as UTC ISO 8601 with microseconds.
"""

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import orjson

GENESIS = "0" * 64

LINE_CONTENT_FIELDS = (
    "line_number",
    "category",
    "description",
    "masl",
    "quantity",
    "unit_of_issue",
    "unit_cost",
    "is_mde",
    "is_sme",
)
# Fields added after the ledger began: they enter a line's content only once set, so the digests
# recorded before they existed still verify.
LINE_LATER_CONTENT_FIELDS = (
    "source_code",
    "type_of_assistance",
    "offer_release_code",
    "delivery_term_code",
    "months_of_service",
    "delivery_from_months",
    "delivery_to_months",
)
CASE_CONTENT_FIELDS = (
    "case_id",
    "purchaser_id",
    "implementing_agency_id",
    "title",
    "description",
    "lor_date",
    "lor_received_on",
    "offer_expires_on",
    "notification_id",
)
# The columns an event's hash covers, besides case_id and line_number which come from joins.
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


def _plain(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def canonical_json(data: dict) -> bytes:
    return orjson.dumps({key: _plain(value) for key, value in data.items()}, option=orjson.OPT_SORT_KEYS)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def line_content(values: dict) -> dict:
    """The content of a line that a decision is about (not its status or bookkeeping), with its total."""
    content = {field: values[field] for field in LINE_CONTENT_FIELDS}
    content.update({f: values[f] for f in LINE_LATER_CONTENT_FIELDS if values.get(f) not in (None, "")})
    content["total_cost"] = values["quantity"] * values["unit_cost"]
    return content


def line_digest(values: dict) -> str:
    return sha256_hex(canonical_json(line_content(values)))


def case_digest(case_values: dict, line_digests: dict[str, str]) -> str:
    """Digest of a case header and the digests of its current lines, keyed by line number."""
    content = {field: case_values[field] for field in CASE_CONTENT_FIELDS}
    content["lines"] = dict(sorted(line_digests.items()))
    return sha256_hex(canonical_json(content))


def event_hash(*, case_id: str, line_number: str | None, **fields) -> str:
    """The event's own hash; `fields` holds at least EVENT_FIELDS (extra keys are ignored)."""
    payload = {"case_id": case_id, "line_number": line_number, **{f: fields[f] for f in EVENT_FIELDS}}
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
    last_case_status: str | None = None
    current_case_status: str | None = None
    last_line_status: dict[str, tuple[str, str | None]] = {}
    for event in events:
        if event["seq"] != expected_seq:
            missing = "missing" if event["seq"] > expected_seq else "out of order"
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
            f"the chain ends with the case {last_case_status} but it is {current_case_status}: events are missing",
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
    run: list[dict] = []
    for row in rows:
        if row["case_id"] != current:
            if current is not None:
                yield current, run
            current, run = row["case_id"], []
        run.append(row)
    if current is not None:
        yield current, run


@dataclass
class Verification:
    cases: int = 0
    events: int = 0
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


def verify_ledger(case_pks: Iterable[int] | None = None, *, chunk_size: int = 20_000) -> Verification:
    """Recompute every chain (or those of the given cases), streaming rows from a server-side cursor."""
    from fms.cases.models import ApprovalEvent  # ledger.py stays importable without the ORM

    columns = (
        "id",
        "case__case_id",
        "line_item__line_number",
        "hash",
        "case__status",
        "line_item__review_status",
        *EVENT_FIELDS,
    )
    rows = ApprovalEvent.objects.order_by("case_id", "seq").values_list(*columns)
    if case_pks is not None:
        rows = rows.filter(case_id__in=list(case_pks))
    keys = ("id", "case_id", "line_number", "hash", "case_status", "line_status", *EVENT_FIELDS)
    result = Verification()
    for case_id, events in group_by_case(dict(zip(keys, row, strict=True)) for row in rows.iterator(chunk_size)):
        result.cases += 1
        result.events += len(events)
        broken = verify_chain(case_id, events)
        if broken:
            result.breaks.append(broken)
    return result

"""Verify the ledger: recompute every chain from the stored events, streaming them, and check that
every approved line still has the content its last approval recorded (DESIGN §4.2, §9).

The ledger does not know what a line's content is: the app that owns the lines registers a
source of their current digests (register_content_digests; the cases app does so when it loads).
Apps that keep frozen records whose hashes the ledger recorded (the documents app's offered LOAs)
register a check of their own (register_record_check) that recomputes them and names what broke.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from fms.ledger.chain import EVENT_FIELDS, Break, group_by_case, verify_chain
from fms.ledger.models import APPROVAL_ACTION, ApprovalEvent

# Given case row ids (None: every case), yields (line item id, current content digest) of every line
# that is approved now.
ContentDigests = Callable[[list[int] | None], Iterator[tuple[int, str]]]
_content_sources: list[ContentDigests] = []


def register_content_digests(source: ContentDigests) -> None:
    if source not in _content_sources:
        _content_sources.append(source)


# Given case row ids (None: every case), yields a Break for every frozen record whose content no
# longer gives the hash the ledger recorded.
RecordCheck = Callable[[list[int] | None], Iterator[Break]]
_record_checks: list[RecordCheck] = []


def register_record_check(check: RecordCheck) -> None:
    if check not in _record_checks:
        _record_checks.append(check)


@dataclass
class Verification:
    cases: int = 0
    events: int = 0
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


@dataclass(frozen=True)
class _Approval:
    case_id: str
    line_number: str
    event_id: int
    seq: int
    content_digest: str


def _approvals(events: list[dict]) -> Iterator[tuple[int, _Approval]]:
    for event in events:
        if event["action"] == APPROVAL_ACTION and event["line_item_id"] is not None:
            where = (event["case_id"], event["line_number"], event["id"], event["seq"])
            yield event["line_item_id"], _Approval(*where, event["content_digest"])


def _content_breaks(case_pks: list[int] | None, last_approval: dict[int, _Approval]) -> Iterator[Break]:
    for source in _content_sources:
        for line_pk, current in source(case_pks):
            approval = last_approval.get(line_pk)
            if approval is None or approval.content_digest == current:
                continue  # an approved line without an approval breaks its chain's end state instead
            yield Break(
                approval.case_id,
                approval.seq,
                approval.event_id,
                f"line {approval.line_number} changed after its approval at position {approval.seq}: its content "
                f"digest is now {current[:16]}…, the approval recorded {approval.content_digest[:16]}…",
            )


def verify_ledger(case_pks: Iterable[int] | None = None, *, chunk_size: int = 20_000) -> Verification:
    """Recompute every chain (or those of the given cases), streaming rows from a server-side cursor,
    then compare every approved line's content with its last approval and run the record checks."""
    case_pks = list(case_pks) if case_pks is not None else None
    columns = (
        "id",
        "case__case_id",
        "line_item_id",
        "line_item__line_number",
        "hash",
        "case__status",
        "line_item__review_status",
        "hash_version",
        "via",
        "document",
        *EVENT_FIELDS,
    )
    rows = ApprovalEvent.objects.order_by("case_id", "seq").values_list(*columns)
    if case_pks is not None:
        rows = rows.filter(case_id__in=case_pks)
    keys = ("id", "case_id", "line_item_id", "line_number", "hash", "case_status", "line_status", "hash_version", "via")
    keys += ("document", *EVENT_FIELDS)
    result = Verification()
    last_approval: dict[int, _Approval] = {}
    for case_id, events in group_by_case(dict(zip(keys, row, strict=True)) for row in rows.iterator(chunk_size)):
        result.cases += 1
        result.events += len(events)
        broken = verify_chain(case_id, events)
        if broken:
            result.breaks.append(broken)
        last_approval.update(_approvals(events))
    result.breaks.extend(_content_breaks(case_pks, last_approval))
    for check in _record_checks:
        result.breaks.extend(check(case_pks))
    return result

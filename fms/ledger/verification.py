"""Verify the ledger: recompute every chain from the stored events, streaming them."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from fms.ledger.chain import EVENT_FIELDS, Break, group_by_case, verify_chain
from fms.ledger.models import ApprovalEvent


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

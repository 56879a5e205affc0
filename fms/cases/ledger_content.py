"""What the ledger's verification asks of the cases app: the current content of approved lines.

Registered with the ledger when the app loads (apps.py), so that verify_ledger and the case's
`/ledger/` check each approved line against the digest its last approval recorded.
"""

from collections.abc import Iterator

from fms.cases.choices import LineStatus
from fms.cases.digests import LINE_CONTENT_FIELDS, LINE_LATER_CONTENT_FIELDS, line_digest
from fms.cases.models import LineItem


def approved_line_digests(case_pks: list[int] | None) -> Iterator[tuple[int, str]]:
    """(line id, digest of its current content) of every approved line (of these cases), streamed."""
    lines = LineItem.objects.filter(review_status=LineStatus.APPROVED, removed_at__isnull=True)
    if case_pks is not None:
        lines = lines.filter(case_id__in=case_pks)
    for row in lines.values("pk", *LINE_CONTENT_FIELDS, *LINE_LATER_CONTENT_FIELDS).iterator(chunk_size=20_000):
        yield row["pk"], line_digest(row)

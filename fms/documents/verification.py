"""verify_ledger's check of frozen documents (DESIGN §9): each offered, accepted, issued, expired or
withdrawn document is recomputed from its stored rows; its hash must still be the one it was frozen
with, and that hash must be one the case's chain recorded when the document was offered (a
modification: issued)."""

from collections.abc import Iterator

from fms.cases.choices import DocumentStep
from fms.documents import content, selectors
from fms.documents.models import LoaDocument
from fms.documents.services import document_content
from fms.ledger.chain import Break
from fms.ledger.models import ApprovalEvent


def frozen_document_breaks(case_pks: list[int] | None) -> Iterator[Break]:
    # One statement for every frozen document with its lines, notes and schedule (no query per document).
    frozen = LoaDocument.objects.exclude(content_hash="").select_related("case", "supersedes")
    documents = selectors.with_content(frozen).order_by("case_id", "id")
    # A modification is frozen when it is issued, with no offer: its issue event records its hash.
    events = ApprovalEvent.objects.filter(action__in=("offer", DocumentStep.ISSUE)).exclude(content_digest="")
    if case_pks is not None:
        documents = documents.filter(case_id__in=case_pks)
        events = events.filter(case_id__in=case_pks)
    # (case row id, recorded hash) -> (position, event id) of the offer that recorded it
    rows = events.values_list("case_id", "content_digest", "seq", "id")
    offers = {(case, digest): (seq, pk) for case, digest, seq, pk in rows}
    for document in documents:
        recorded = offers.get((document.case_id, document.content_hash))
        case_id = document.case.case_id
        if recorded is None:
            yield Break(
                case_id, 0, None,
                f"document {document.label}'s content hash {document.content_hash[:16]}… was recorded by no offer "
                "in the case's chain",
            )  # fmt: skip
            continue
        now = content.content_hash(document_content(document))
        if now != document.content_hash:
            yield Break(
                case_id, recorded[0], recorded[1],
                f"document {document.label} changed after it was offered at position {recorded[0]}: its content "
                f"hash is now {now[:16]}…, the ledger recorded {document.content_hash[:16]}…",
            )  # fmt: skip

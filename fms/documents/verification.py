"""verify_ledger's check of frozen documents (DESIGN §9): each offered, accepted, issued, expired or
withdrawn document is recomputed from its stored rows; its hash must still be the one it was frozen
with, and that hash must be one the case's chain recorded when the document was offered (a
modification: issued). A reinstated offer's OED in force must be the one its last reinstatement
event recorded."""

from collections.abc import Iterator

from fms.cases.choices import DocumentStep
from fms.documents import content, selectors
from fms.documents.models import LoaDocument
from fms.documents.services import document_content, reinstatement_digest
from fms.ledger.chain import Break
from fms.ledger.models import ApprovalEvent


def frozen_document_breaks(case_pks: list[int] | None) -> Iterator[Break]:
    # One statement for every frozen document with its lines, notes and schedule (no query per document).
    frozen = LoaDocument.objects.exclude(content_hash="").select_related("case", "supersedes")
    documents = selectors.with_content(frozen).order_by("case_id", "id")
    # A modification is frozen when it is issued, with no offer: its issue event records its hash.
    events = ApprovalEvent.objects.filter(action__in=("offer", DocumentStep.ISSUE, DocumentStep.REINSTATE))
    if case_pks is not None:
        documents = documents.filter(case_id__in=case_pks)
        events = events.filter(case_id__in=case_pks)
    # (case row id, recorded hash) -> (position, event id) of the offer that recorded it
    rows = list(
        events.order_by("case_id", "seq").values_list("case_id", "content_digest", "seq", "id", "action", "document")
    )
    offers = {
        (case, digest): (seq, pk) for case, digest, seq, pk, action, _ in rows if action != DocumentStep.REINSTATE
    }
    # (case row id, document label) -> digest of its last reinstatement (rows come in chain order)
    reinstated = {
        (case, label): digest for case, digest, _, _, action, label in rows if action == DocumentStep.REINSTATE
    }  # fmt: skip
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
        if document.reinstated_until and reinstated.get((document.case_id, document.label)) != reinstatement_digest(
            document
        ):
            yield Break(
                case_id, recorded[0], recorded[1],
                f"document {document.label}'s offer is open until {document.reinstated_until.isoformat()}, which no "
                "reinstatement in the case's chain recorded",
            )  # fmt: skip
        now = content.content_hash(document_content(document))
        if now != document.content_hash:
            yield Break(
                case_id, recorded[0], recorded[1],
                f"document {document.label} changed after it was offered at position {recorded[0]}: its content "
                f"hash is now {now[:16]}…, the ledger recorded {document.content_hash[:16]}…",
            )  # fmt: skip

"""A frozen LOA document's API body built by PostgreSQL, in the statement that finds it.

The same JSON value as views.detail() (tests hold the two equal): the summary, and the frozen content
as document_content canonicalises it (money as strings with two decimals, dates ISO). Compiled once
per process like the case documents (fms.cases.api.documents); a draft's figures are priced in Python.
"""

from django.db.models import Case as Choose
from django.db.models import F, JSONField, When

from fms.cases.api.documents import Document, JSONBuild, text
from fms.documents import content, selectors
from fms.documents.models import LoaDocument


def _acceptance() -> Choose:
    accepted = JSONBuild(
        accepted_on=F("accepted_on"),
        method=F("acceptance_method"),
        signatory_name=F("signatory_name"),
        signatory_title=F("signatory_title"),
        signed_copy_sha256=F("signed_copy_sha256"),
    )
    return Choose(When(accepted_on__isnull=False, then=accepted), default=None, output_field=JSONField())


def frozen_document() -> JSONBuild:
    rows = selectors.content_rows()
    return JSONBuild(
        case=F("case__case_id"),
        label=F("label"),
        kind=F("kind"),
        status=F("status"),
        reason=F("reason"),
        supersedes=F("supersedes__label"),
        terms_of_sale=F("terms_of_sale"),
        offered_on=F("offered_on"),
        offer_expires_on=F("offer_expires_on"),
        reinstated_until=F("reinstated_until"),
        issued_on=F("issued_on"),
        content_hash=F("content_hash"),
        acceptance=_acceptance(),
        title=F("title"),
        description=F("description"),
        lines=rows["content_lines"],
        loa_notes=rows["content_notes"],
        cost_summary=JSONBuild(**{field: text(field) for field in content.COST_FIELDS}),
        payment_schedule=rows["content_schedule"],
    )


FROZEN = Document(LoaDocument, frozen_document)
# What the view decides by (services.offer_lapsed, a draft's Python path), read in the same statement.
DECIDING = ("pk", "case_id", "status", "offer_expires_on", "reinstated_until", "content_hash")


def frozen(picker: tuple[str, list] | None) -> tuple[str, LoaDocument] | None:
    """(JSON text, the document's deciding columns as an unsaved instance) of the document the picker
    (selectors.document_picker) selects when it is frozen; None when there is none or it is a draft."""
    rows = FROZEN.picked(*picker, DECIDING) if picker else []
    if not rows or not rows[0][-1]:
        return None
    body, *values = rows[0]
    return body, LoaDocument(**dict(zip(DECIDING, values, strict=True)))

"""The only code that writes LOA documents (DESIGN §4.3).

Each use case is atomic and locks the case row first (then the document), like the case
services. Every document step is an event of the case's ledger chain, appended through the one
function that appends events; the event's statuses are the case's (so the chain still ends in
the case's status), its `document` field names the document (hashed with the event, ledger format
3), and, once the document is frozen, its content digest is the document's content_hash. Where a
document step is also a step of the case (BASIC: proposed → offered → accepted), the case service
takes it with the hash.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

import pghistory
from django.db.models import Q, Sum
from django.utils import timezone

from fms.accounts.models import User
from fms.accounts.roles import holds_role_permission
from fms.cases import rules, workflow
from fms.cases import services as case_services
from fms.cases.choices import CaseAction, CaseStatus, DocumentStep
from fms.cases.errors import TransitionNotAllowed
from fms.cases.models import Case
from fms.core.errors import NotAllowed, NotFound, ValidationFailed
from fms.core.transactions import in_service_transaction, service_transaction
from fms.documents import content, notes, pricing, selectors
from fms.documents.choices import (
    EFFECTIVE_STATUSES,
    AcceptanceMethod,
    DocumentKind,
    DocumentStatus,
    LineChange,
)
from fms.documents.errors import ContentHashMismatch, DraftAlreadyOpen, ModificationChangesScope, OfferExpired
from fms.documents.models import LoaDocument, LoaDocumentLine, LoaNote, PaymentScheduleRow, open_until
from fms.ledger.canonical import canonical_json, sha256_hex
from fms.notifications import services as notification_services

WASHINGTON = ZoneInfo("America/New_York")
SYSTEM_USERNAME = "system"  # the actor of steps no person takes (an offer expiring)
LINE_VALUE_FIELDS = tuple(f for f in content.LINE_FIELDS if f not in ("change", "total_cost"))
CHANGEABLE_STATUSES = (CaseStatus.ACCEPTED, CaseStatus.IMPLEMENTED)
LABEL_PREFIX = {DocumentKind.AMENDMENT: "A", DocumentKind.MODIFICATION: "M"}


def washington_today(now: dt.datetime | None = None) -> dt.date:
    """The date in Washington, D.C.: offers expire and review periods end by it (DESIGN §4.4)."""
    return (now or timezone.now()).astimezone(WASHINGTON).date()


def _require(actor: User, permission: str, doing: str) -> None:
    if not actor.has_perm(permission):
        raise NotAllowed(f"You do not have permission to {doing}.")


def _locked(document: LoaDocument) -> tuple[Case, LoaDocument]:
    case = Case.objects.select_for_update(of=("self",)).select_related("purchaser").get(pk=document.case_id)
    locked = LoaDocument.objects.select_for_update().get(pk=document.pk)
    locked.case = case
    return case, locked


def _locked_case(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("purchaser").get(pk=case.pk)


def _record(*, case: Case, document: LoaDocument, action: str, actor: User, comment: str, digest: str = "") -> None:
    """One event of the case's chain for a document step that is not itself a case step."""
    case_services._append_event(
        case=case,
        line=None,
        action=action,
        from_status=case.status,
        to_status=case.status,
        actor=actor,
        comment=comment,
        content_digest=digest or case_services._case_digest(case),
        document=document.label,
    )
    case.version += 1
    case.save(update_fields=["version", "updated_at"])


def _writing_as(actor: User):
    return pghistory.context(user=actor.pk, username=actor.get_username())


def effective_document(case: Case) -> LoaDocument | None:
    """The document in force: the latest accepted or issued one."""
    return LoaDocument.objects.filter(case=case, status__in=EFFECTIVE_STATUSES).order_by("-created_at", "-id").first()


# ---- Freezing -----------------------------------------------------------------------------------


def _working_lines(case: Case) -> list[dict]:
    return list(case.lines.filter(removed_at__isnull=True).order_by("line_number").values(*LINE_VALUE_FIELDS))


def _frozen_lines(document: LoaDocument | None) -> dict[str, dict]:
    if document is None:
        return {}
    rows = document.lines.exclude(change=LineChange.REMOVED).values(*LINE_VALUE_FIELDS)
    return {row["line_number"]: row for row in rows}


def _with_changes(working: list[dict], previous: dict[str, dict]) -> list[dict]:
    """Working lines marked against the superseded document, plus the lines it had and they dropped."""
    marked = []
    for line in working:
        before = previous.get(line["line_number"])
        # Every line of a BASIC document is added: it supersedes nothing.
        change = LineChange.ADDED if before is None else LineChange.UNCHANGED if before == line else LineChange.CHANGED
        marked.append({**line, "change": change})
    kept = {line["line_number"] for line in working}
    marked += [{**line, "change": LineChange.REMOVED} for number, line in previous.items() if number not in kept]
    return sorted(marked, key=lambda line: line["line_number"])


def _priced(line: dict) -> pricing.PricedLine:
    return pricing.PricedLine(
        line["line_number"],
        line["quantity"] * line["unit_cost"],
        source_code=line["source_code"],
        delivery_term_code=line["delivery_term_code"],
        delivery_from_months=line["delivery_from_months"],
        delivery_to_months=line["delivery_to_months"],
    )


def _schedule(entered: Sequence[dict] | None, lines, total: Decimal, starts_on: dt.date) -> list[pricing.PaymentRow]:
    """Entered rows checked against the total, or (none entered) the generated quarterly schedule.

    The first row is the initial deposit, due with acceptance: dated `starts_on` (the offer date)
    when its due_on is left out, as a draft's stored schedule leaves it.
    """
    if entered is None:
        return pricing.payment_schedule(lines, total=total, starts_on=starts_on)
    rows, running = [], Decimal("0.00")
    for position, row in enumerate(entered, start=1):
        due_on = row.get("due_on") or (starts_on if position == 1 else None)
        if due_on is None:
            raise pricing.PricingError(f"Payment row {position}: when is it due?", field="payment_schedule")
        running += row["amount"]
        rows.append(pricing.PaymentRow(due_on, row["amount"], running))
    if rows and rows[0].due_on != starts_on:
        raise pricing.PricingError(
            f"The first row is the initial deposit, due with acceptance on {starts_on.isoformat()}.",
            field="payment_schedule",
        )
    pricing.check_schedule(rows, total)
    return rows


def _entered_rows(document: LoaDocument) -> list[dict] | None:
    """The draft's stored schedule as the values it was entered with (None: none entered)."""
    if document.entered_payment_schedule is None:
        return None
    return [
        {"due_on": dt.date.fromisoformat(row["due_on"]) if row["due_on"] else None, "amount": Decimal(row["amount"])}
        for row in document.entered_payment_schedule
    ]


def _priced_working_copy(
    document: LoaDocument, case: Case, dated_on: dt.date
) -> tuple[list[dict], list[pricing.PricedLine], pricing.CostSummary]:
    """The working lines marked against the superseded document, and their price if offered on `dated_on`.

    Raises pricing.PricingError (naming the field) when they cannot be priced yet.
    """
    lines = _with_changes(_working_lines(case), _frozen_lines(document.supersedes))
    priced = [_priced(line) for line in lines if line["change"] != LineChange.REMOVED]
    summary = pricing.cost_summary(
        priced,
        priced_on=dated_on,
        packing_crating_handling=document.packing_crating_handling,
        transportation=document.transportation,
        other=document.other,
    )
    return lines, priced, summary


def _freeze(
    document: LoaDocument,
    case: Case,
    *,
    dated_on: dt.date,
    expires_on: dt.date | None,
    payment_schedule: Sequence[dict] | None,
) -> None:
    """Copy the working lines into the document with its notes, figures and schedule; set its hash.

    The schedule: `payment_schedule` when the step brings one, else the draft's entered one, else generated.
    """
    if payment_schedule is None:
        payment_schedule = _entered_rows(document)
    try:
        lines, priced, summary = _priced_working_copy(document, case, dated_on)
        rows = _schedule(payment_schedule, priced, summary.total_estimated_cost, dated_on)
    except pricing.PricingError as refused:
        raise ValidationFailed({refused.field: [str(refused)]}) from refused
    categories = {line["line_number"]: line["category"] for line in lines if line["change"] != LineChange.REMOVED}
    library = notes.notes_for(notes.NoteFacts(priced, categories, dated_on, expires_on))
    LoaDocumentLine.objects.bulk_create(LoaDocumentLine(document=document, **line) for line in lines)
    LoaNote.objects.bulk_create(
        LoaNote(document=document, number=number, key=key, title=title, text=text)
        for number, (key, title, text) in enumerate(library, start=1)
    )
    PaymentScheduleRow.objects.bulk_create(
        PaymentScheduleRow(
            document=document, position=position, due_on=row.due_on, amount=row.amount, cumulative=row.cumulative
        )
        for position, row in enumerate(rows, start=1)
    )
    document.title, document.description = case.title, case.description
    if document.kind == DocumentKind.MODIFICATION:
        document.issued_on = dated_on
    else:
        document.offered_on, document.offer_expires_on = dated_on, expires_on
    for name, value in summary.as_dict().items():
        setattr(document, name, value)
    document.content_hash = content.content_hash(document_content(document))


def document_content(document: LoaDocument) -> dict:
    """The hashed content of a frozen document, read from its rows (what verification recomputes).

    A document read through selectors.with_content brings its rows along; any other costs one query.
    """
    if not hasattr(document, "content_lines"):
        rows = selectors.with_content(LoaDocument.objects.filter(pk=document.pk))
        values = rows.values("content_lines", "content_notes", "content_schedule").get()
        lines, note_rows, schedule = values["content_lines"], values["content_notes"], values["content_schedule"]
    else:
        lines, note_rows, schedule = document.content_lines, document.content_notes, document.content_schedule
    own = (
        "label",
        "kind",
        "title",
        "description",
        "reason",
        "terms_of_sale",
        "offered_on",
        "offer_expires_on",
        "issued_on",
    )
    header = {field: getattr(document, field) for field in own}
    header["case_id"] = document.case.case_id
    header["supersedes"] = document.supersedes.label if document.supersedes_id else None
    figures = {field: getattr(document, field) for field in content.COST_FIELDS}
    return content.document_content(
        header=header, lines=lines, notes=note_rows, cost_summary=figures, payment_schedule=schedule
    )


def _check_lines_approved(case: Case, doing: str) -> None:
    reason = workflow.lines_approved(case_services.case_facts(case))
    if reason:
        raise TransitionNotAllowed(f"Cannot {doing} for {case.case_id}: {reason}.", state=case.status, action=doing)


# ---- Use cases ----------------------------------------------------------------------------------


def _set_entered(document: LoaDocument, entered: dict) -> None:
    unknown = sorted(set(entered) - {"packing_crating_handling", "transportation", "other"})
    if unknown:
        raise ValidationFailed({name: ["This field cannot be set here."] for name in unknown})
    for name, value in entered.items():
        setattr(document, name, value)


@in_service_transaction
def document_offer(
    *, actor: User, case: Case, label: str, payment_schedule: Sequence[dict] | None = None, **entered
) -> LoaDocument:
    """Freeze the BASIC document (taking the case's proposed → offered step) or an open amendment, and offer it.

    `entered`: packing_crating_handling, transportation, other (amounts the case writer estimates).
    """
    _require(actor, "documents.offer_loadocument", "offer LOA documents")
    with _writing_as(actor):
        case = _locked_case(case)
        today = washington_today()
        if label == "BASIC":
            document = _basic_to_offer(actor, case)
            start = case.milap_on or today
        else:
            document = _open_draft(case, label, DocumentKind.AMENDMENT, "offer")
            start = today
        _check_lines_approved(case, f"offer {label}")
        expires_on = rules.offer_expiry(start)  # SAMM C5.4: open 85 days from the MILAP date
        if expires_on < today:
            raise TransitionNotAllowed(
                f"Cannot offer {label} for {case.case_id}: counted from the MILAP date {start.isoformat()}, the offer "
                f"would have expired on {expires_on.isoformat()}.",
                state=case.status,
                action="offer",
            )
        _set_entered(document, entered)
        _freeze(document, case, dated_on=today, expires_on=expires_on, payment_schedule=payment_schedule)
        _check_notification(case, document, today)
        document.status = DocumentStatus.OFFERED
        document.save()
        comment = f"{label} offered, content hash {document.content_hash}, open until {expires_on.isoformat()}"
        if label == "BASIC":
            case_services.case_document_step(
                actor=actor,
                case=case,
                action=CaseAction.OFFER,
                comment=comment,
                today=today,
                offer_expires_on=expires_on,
                content_digest=document.content_hash,
                document=document.label,
            )
        else:
            case_services.case_set_open_document(actor=actor, case=case, label="")
            _record(case=case, document=document, action=CaseAction.OFFER, actor=actor, comment=comment,
                    digest=document.content_hash)  # fmt: skip
    return document


def _check_notification(case: Case, document: LoaDocument, today: dt.date) -> None:
    """The 36(b) gate on the document's own figures: its estimated total with surcharge and
    accessorials, its MDE and design-and-construction lines (fms.notifications checks the room)."""
    live = document.lines.exclude(change=LineChange.REMOVED)
    values = live.aggregate(
        mde=Sum("total_cost", filter=Q(is_mde=True), default=Decimal("0.00")),
        design=Sum("total_cost", filter=Q(category="design_construction"), default=Decimal("0.00")),
    )
    notification_services.notification_offer_check(
        case=case,
        value=document.total_estimated_cost,
        mde_value=values["mde"],
        design_construction_value=values["design"],
        today=today,
    )


def _basic_to_offer(actor: User, case: Case) -> LoaDocument:
    if case.status != CaseStatus.PROPOSED:
        raise TransitionNotAllowed(
            f"Cannot offer the BASIC document of {case.case_id}: the case is {case.status}; "
            "the BASIC document is offered when the case moves from proposed to offered.",
            state=case.status,
            action="offer",
        )
    existing = LoaDocument.objects.filter(case=case, label="BASIC").first()
    if existing is not None and existing.status != DocumentStatus.DRAFT:
        raise TransitionNotAllowed(
            f"The BASIC document of {case.case_id} is already {existing.status}.", state=case.status, action="offer"
        )
    if existing is not None:
        return existing
    return LoaDocument.objects.create(case=case, label="BASIC", kind=DocumentKind.BASIC, created_by=actor)


def _open_draft(case: Case, label: str, kind: str, doing: str) -> LoaDocument:
    document = LoaDocument.objects.select_for_update().filter(case=case, label=label).first()
    if document is None:
        raise NotFound(f"{case.case_id} has no document {label}.")
    if document.kind != kind or document.status != DocumentStatus.DRAFT:
        raise TransitionNotAllowed(
            f"Cannot {doing} {label} of {case.case_id}: it is a {document.status} {document.kind}; "
            f"only a draft {kind} can be {'offered' if doing == 'offer' else doing + 'd'}.",
            state=document.status,
            action=doing,
        )
    document.case = case
    return document


@in_service_transaction
def document_open(*, actor: User, case: Case, kind: str, reason: str) -> LoaDocument:
    """Open an amendment or modification of an accepted or implemented case; its working lines become editable."""
    _require(actor, "documents.add_loadocument", "open amendments and modifications")
    reason = (reason or "").strip()
    if kind not in LABEL_PREFIX:
        raise ValidationFailed({"kind": ["Open an amendment or a modification."]})
    if not reason:
        raise ValidationFailed({"reason": ["Say what changes and why."]})
    with _writing_as(actor):
        case = _locked_case(case)
        if case.status not in CHANGEABLE_STATUSES:
            raise TransitionNotAllowed(
                f"Cannot open an {kind} of {case.case_id}: the case is {case.status}; only an accepted or "
                "implemented case is amended or modified.",
                state=case.status,
                action="open",
            )
        draft = LoaDocument.objects.filter(case=case, status=DocumentStatus.DRAFT).first()
        if draft is not None:
            raise DraftAlreadyOpen(f"{case.case_id} already has {draft.label} open; offer, issue or withdraw it first.")
        prefix = LABEL_PREFIX[kind]
        taken = LoaDocument.objects.filter(case=case, kind=kind).count()
        document = LoaDocument.objects.create(
            case=case,
            label=f"{prefix}{taken + 1:02d}",
            kind=kind,
            reason=reason,
            supersedes=effective_document(case),
            created_by=actor,
        )
        case_services.case_set_open_document(actor=actor, case=case, label=document.label)
        _record(case=case, document=document, action=DocumentStep.OPEN, actor=actor, comment=f"opened: {reason}")
    return document


def _scope_increase(case: Case, document: LoaDocument) -> str | None:
    """Why the working lines are beyond a modification's reach (a new line, a higher quantity), or None."""
    previous = _frozen_lines(document.supersedes)
    for line in _working_lines(case):
        before = previous.get(line["line_number"])
        if before is None:
            return f"line {line['line_number']} is new: adding a line needs an amendment"
        if line["quantity"] > before["quantity"]:
            return (
                f"line {line['line_number']} raises the quantity from {before['quantity']} to {line['quantity']}: "
                "that needs an amendment"
            )
    return None


@in_service_transaction
def document_issue(*, actor: User, case: Case, label: str, **entered) -> LoaDocument:
    """Freeze and issue a modification: effective at once, no purchaser acceptance (SAMM C6.7)."""
    _require(actor, "documents.offer_loadocument", "issue modifications")
    with _writing_as(actor):
        case = _locked_case(case)
        document = _open_draft(case, label, DocumentKind.MODIFICATION, "issue")
        _check_lines_approved(case, f"issue {label}")
        problem = _scope_increase(case, document)
        if problem:
            raise ModificationChangesScope(f"Cannot issue {label} of {case.case_id}: {problem}.")
        _set_entered(document, entered)
        today = washington_today()
        _freeze(document, case, dated_on=today, expires_on=None, payment_schedule=None)
        _check_notification(case, document, today)  # an issued modification counts against the room too
        document.status = DocumentStatus.ISSUED
        document.save()
        case_services.case_set_open_document(actor=actor, case=case, label="")
        _record(case=case, document=document, action=DocumentStep.ISSUE, actor=actor,
                comment=f"issued, content hash {document.content_hash}", digest=document.content_hash)  # fmt: skip
    return document


PRE_OFFER_STATUSES = (CaseStatus.DEVELOPMENT, CaseStatus.WRITE, CaseStatus.REVIEW, CaseStatus.PROPOSED)


def _draft_for_schedule(actor: User, case: Case, label: str) -> LoaDocument:
    """The draft whose schedule is edited; BASIC's draft is made on first use, before the case is offered."""
    document = LoaDocument.objects.select_for_update().filter(case=case, label=label).first()
    if document is None and label == "BASIC" and case.status in PRE_OFFER_STATUSES:
        document = LoaDocument.objects.create(case=case, label="BASIC", kind=DocumentKind.BASIC, created_by=actor)
    if document is None:
        raise NotFound(f"{case.case_id} has no document {label}.")
    if document.status != DocumentStatus.DRAFT:
        raise TransitionNotAllowed(
            f"Cannot change the payment schedule of {label} of {case.case_id}: it is {document.status}, and its "
            "schedule was frozen with it (a modification can change it).",
            state=document.status,
            action="payment_schedule",
        )
    document.case = case
    return document


@in_service_transaction
def document_payment_schedule_set(
    *, actor: User, case: Case, label: str, payment_schedule: Sequence[dict], **entered
) -> LoaDocument:
    """Replace a draft's payment schedule (with the amounts it is priced with, when given).

    The rows must add up to the working copy's total estimated cost priced today; the first row is
    the initial deposit, dated when the document is offered. Offering or issuing checks them again
    against the total of that day, so lines changed since are caught then.
    """
    _require(actor, "documents.offer_loadocument", "edit payment schedules")
    if payment_schedule and payment_schedule[0].get("due_on") is not None:
        raise ValidationFailed(
            {"payment_schedule": ["Leave the first row's due_on out: the initial deposit is due with acceptance."]}
        )
    with _writing_as(actor):
        case = _locked_case(case)
        document = _draft_for_schedule(actor, case, label)
        _set_entered(document, entered)
        today = washington_today()
        try:
            _, priced, summary = _priced_working_copy(document, case, today)
            _schedule(payment_schedule, priced, summary.total_estimated_cost, today)
        except pricing.PricingError as refused:
            raise ValidationFailed({refused.field: [str(refused)]}) from refused
        document.entered_payment_schedule = [
            {"due_on": row["due_on"].isoformat() if row.get("due_on") else None, "amount": f"{row['amount']:.2f}"}
            for row in payment_schedule
        ]
        document.save()
    return document


def document_draft_figures(document: LoaDocument) -> tuple[dict | None, list[dict]]:
    """A draft's cost summary if offered today (None while it cannot be priced) and its entered schedule
    (the deposit's due_on None: it is dated when offered). Reads only."""
    try:
        _, _, summary = _priced_working_copy(document, document.case, washington_today())
    except pricing.PricingError:
        figures = None
    else:
        figures = summary.as_dict()
    rows, running = [], Decimal("0.00")
    for position, row in enumerate(_entered_rows(document) or [], start=1):
        running += row["amount"]
        rows.append({"position": position, "due_on": row["due_on"], "amount": row["amount"], "cumulative": running})
    return figures, rows


def document_accept(
    *,
    actor: User,
    document: LoaDocument,
    content_hash: str,
    signatory_name: str,
    signatory_title: str,
    signed_copy_sha256: str = "",
    accepted_on: dt.date | None = None,
) -> LoaDocument:
    """Accept an offered document for exactly `content_hash`.

    Online by a client_officer of the document's purchaser; or by staff entering a countersigned
    copy (its SHA-256 and the date it was signed). Expiry is checked first, in Washington time.
    """
    online = actor.purchaser_id is not None
    if online:
        if actor.purchaser_id != document.case.purchaser_id:
            raise NotFound("Not found.")  # another purchaser's document does not exist for this user
        _require(actor, "documents.accept_loadocument", f"accept LOAs for {actor.purchaser_id} (a client_officer may)")
    else:
        _require(actor, "documents.record_acceptance", "record a countersigned acceptance")
    errors = {}
    if not (signatory_name or "").strip():
        errors["signatory_name"] = ["Who signs the acceptance?"]
    if not (signatory_title or "").strip():
        errors["signatory_title"] = ["The signatory's title is required."]
    if not online and not _is_sha256(signed_copy_sha256):
        errors["signed_copy_sha256"] = ["The SHA-256 (64 hexadecimal characters) of the countersigned copy."]
    if errors:
        raise ValidationFailed(errors)
    today = washington_today()
    # Its own transaction, so that a refusal below leaves the expiry recorded. Inside an API request's
    # transaction (write_and_answer) it would not be: the view expires due offers first, and this finds none.
    document_expire_due(case=document.case, today=today)
    with service_transaction(), _writing_as(actor):
        case, document = _locked(document)
        if document.status == DocumentStatus.EXPIRED or offer_lapsed(document, today):
            raise OfferExpired(
                f"{document.label} of {case.case_id} expired on {document.open_until.isoformat()} "
                "(Washington time) and can no longer be accepted."
            )
        if document.status != DocumentStatus.OFFERED:
            raise TransitionNotAllowed(
                f"Cannot accept {document.label} of {case.case_id}: it is {document.status}, not offered.",
                state=document.status,
                action="accept",
            )
        if content_hash != document.content_hash:
            raise ContentHashMismatch(
                f"The acceptance is for content {content_hash or '(none)'}, but {document.label} of {case.case_id} "
                f"has content hash {document.content_hash}: nothing was accepted.",
                errors={"content_hash": ["Does not match the offered document."]},
            )
        signed_on = accepted_on or today
        if signed_on > today or signed_on < document.offered_on or signed_on > document.open_until:
            raise ValidationFailed({"accepted_on": ["The signature date must fall between the offer and its OED."]})
        document.status = DocumentStatus.ACCEPTED
        document.accepted_on = signed_on
        document.acceptance_method = AcceptanceMethod.ONLINE if online else AcceptanceMethod.COUNTERSIGNED_COPY
        document.signatory_name, document.signatory_title = signatory_name.strip(), signatory_title.strip()
        document.signed_copy_sha256 = "" if online else signed_copy_sha256
        document.accepted_by = actor
        document.save()
        how = "online" if online else f"countersigned copy {signed_copy_sha256}"
        comment = f"{document.label} accepted ({how}) by {document.signatory_name}, content hash {content_hash}"
        if document.kind == DocumentKind.BASIC:
            case_services.case_document_step(
                actor=actor,
                case=case,
                action=CaseAction.ACCEPT,
                content_digest=content_hash,
                comment=comment,
                today=today,
                document=document.label,
            )
        else:
            _record(case=case, document=document, action=CaseAction.ACCEPT, actor=actor, comment=comment,
                    digest=content_hash)  # fmt: skip
    return document


def _is_sha256(value: str) -> bool:
    return len(value or "") == 64 and all(c in "0123456789abcdef" for c in value)


@in_service_transaction
def document_withdraw(*, actor: User, case: Case, label: str, reason: str) -> LoaDocument:
    """Withdraw an amendment or modification (draft or offered), with the reason."""
    _require(actor, "documents.offer_loadocument", "withdraw LOA documents")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": ["Say why the document is withdrawn."]})
    with _writing_as(actor):
        case = _locked_case(case)
        document = LoaDocument.objects.select_for_update().filter(case=case, label=label).first()
        if document is None:
            raise NotFound(f"{case.case_id} has no document {label}.")
        if document.kind == DocumentKind.BASIC or document.status not in (DocumentStatus.DRAFT, DocumentStatus.OFFERED):
            raise TransitionNotAllowed(
                f"Cannot withdraw {label} of {case.case_id}: only a draft or offered amendment or modification "
                f"can be withdrawn (it is a {document.status} {document.kind}).",
                state=document.status,
                action="withdraw",
            )
        was_draft = document.status == DocumentStatus.DRAFT
        document.status = DocumentStatus.WITHDRAWN
        document.withdrawn_reason = reason
        document.save()
        if was_draft:
            case_services.case_set_open_document(actor=actor, case=case, label="")
        _record(case=case, document=document, action=DocumentStep.WITHDRAW, actor=actor,
                comment=f"withdrawn: {reason}", digest=document.content_hash)  # fmt: skip
    return document


def _system_user() -> User:
    user, _ = User.objects.get_or_create(username=SYSTEM_USERNAME, defaults={"is_active": False})
    return user


def offer_lapsed(document: LoaDocument, today: dt.date | None = None) -> bool:
    """Offered, and its OED (Washington time) is past: due to be recorded expired."""
    return document.status == DocumentStatus.OFFERED and document.open_until < (today or washington_today())


def document_expire_due(*, case: Case | int | None = None, today: dt.date | None = None) -> list[LoaDocument]:
    """Mark offered documents past their OED (Washington time) expired, each a recorded step; of one case
    (or case id) when given.

    Runs on every read of a case's documents, so the common case (nothing due) is one query.
    """
    today = today or washington_today()
    due = LoaDocument.objects.alias(open_until=open_until()).filter(status=DocumentStatus.OFFERED, open_until__lt=today)
    if case is not None:
        due = due.filter(case=case)
    due = list(due.order_by("case_id", "id"))
    if not due:
        return []
    with service_transaction():
        return _expire(due, today)


def _expire(due: list[LoaDocument], today: dt.date) -> list[LoaDocument]:
    expired = []
    actor = _system_user()
    for document in due:
        with _writing_as(actor):
            locked_case, locked = _locked(document)
            if not offer_lapsed(locked, today):
                continue
            locked.status = DocumentStatus.EXPIRED
            locked.save()
            _record(case=locked_case, document=locked, action=DocumentStep.EXPIRE, actor=actor,
                    comment=f"expired: not accepted by {locked.open_until.isoformat()}",
                    digest=locked.content_hash)  # fmt: skip
            expired.append(locked)
    return expired


# ---- Reinstatement ------------------------------------------------------------------------------
#
# The OED is part of the hashed header: what was offered, and until when, stays as frozen. An
# expired (or still offered) offer is reinstated by a reviewer's recorded step that sets the OED in
# force (`reinstated_until`, LoaDocument.open_until) without touching the frozen content or its
# content_hash. The step's event carries a digest of the document's hash and the new OED, which
# verify_ledger holds the stored OED to (fms.documents.verification). BASIC moves the case's OED too.


def reinstatement_digest(document: LoaDocument) -> str:
    """What a reinstatement event records: this content, open until this date."""
    facts = {"content_hash": document.content_hash, "label": document.label, "open_until": document.reinstated_until}
    return sha256_hex(canonical_json(facts))


# An offer still open is extended, a lapsed one reopened; nothing else is reinstated.
REINSTATABLE = (DocumentStatus.OFFERED, DocumentStatus.EXPIRED)


def may_reinstate(user: User, document: LoaDocument) -> bool:
    """Whether the document page offers `user` the reinstatement (document_reinstate decides again)."""
    return document.status in REINSTATABLE and holds_role_permission(user, "documents.reinstate_loadocument")


@in_service_transaction
def document_reinstate(*, actor: User, case: Case, label: str, offer_expires_on: dt.date, reason: str) -> LoaDocument:
    """A reviewer reopens an expired (or extends an offered) BASIC or amendment until `offer_expires_on`."""
    if not holds_role_permission(actor, "documents.reinstate_loadocument"):
        raise NotAllowed("Only a reviewer reinstates an offer.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": ["Say why the offer is reinstated."]})
    today = washington_today()
    if offer_expires_on <= today:
        raise ValidationFailed({"offer_expires_on": ["The new OED must be after today (Washington time)."]})
    document_expire_due(case=case, today=today)  # a lapsed offer is recorded expired first
    with _writing_as(actor):
        case = _locked_case(case)
        document = LoaDocument.objects.select_for_update().filter(case=case, label=label).first()
        if document is None:
            raise NotFound(f"{case.case_id} has no document {label}.")
        if document.status not in REINSTATABLE:
            raise TransitionNotAllowed(
                f"Cannot reinstate {label} of {case.case_id}: it is {document.status}; only an offered or expired "
                "offer is reinstated.",
                state=document.status,
                action="reinstate",
            )
        if offer_expires_on <= document.open_until:
            in_force = document.open_until.isoformat()
            raise ValidationFailed({"offer_expires_on": [f"The new OED must be after the one in force, {in_force}."]})
        document.case = case
        document.status = DocumentStatus.OFFERED
        document.reinstated_until = offer_expires_on
        document.save()
        if document.kind == DocumentKind.BASIC:
            case_services.case_set_offer_expiry(actor=actor, case=case, offer_expires_on=offer_expires_on)
        _record(case=case, document=document, action=DocumentStep.REINSTATE, actor=actor,
                comment=f"offer reinstated until {offer_expires_on.isoformat()}: {reason}",
                digest=reinstatement_digest(document))  # fmt: skip
    return document

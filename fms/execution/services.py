"""The only code that writes execution records (DESIGN §4.5).

Like the case and document services: one atomic function per use case; the case row is locked
first, the rule is checked, the record and its event in the case's ledger chain are written
together. The event's statuses are the case's (its chain still ends in the case's status); its
content digest is the SHA-256 of the record's canonical JSON.
"""

import datetime as dt
from decimal import Decimal

import pghistory
from django.db.models import Max
from django.utils import timezone

from fms.accounts.models import User
from fms.accounts.roles import holds_role_permission
from fms.cases import services as case_services
from fms.cases import workflow
from fms.cases.choices import CaseAction, CaseStatus, ExecutionStep
from fms.cases.errors import TransitionNotAllowed
from fms.cases.models import Case, LineItem
from fms.core.errors import NotAllowed, NotFound, StaleVersion, ValidationFailed
from fms.core.transactions import in_service_transaction, service_transaction
from fms.execution import facts, rules
from fms.execution.choices import SdrKind, SdrResolution, SdrStatus, TransactionKind
from fms.execution.models import (
    Delivery,
    EmergencyImplementation,
    FinancialTransaction,
    ServicePerformance,
    SupplyDiscrepancyReport,
)
from fms.ledger.canonical import canonical_json, sha256_hex

EXECUTING = (CaseStatus.IMPLEMENTED,)  # deliveries and performance are recorded while the case is implemented
MONEY_STATUSES = (CaseStatus.ACCEPTED, CaseStatus.IMPLEMENTED, CaseStatus.SUPPLY_COMPLETE)
TEXT_LIMIT = 2000


def _require_role(actor: User, permission: str, doing: str) -> None:
    if not holds_role_permission(actor, permission):
        raise NotAllowed(f"You do not have permission to {doing}.")


def _locked_case(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("purchaser").get(pk=case.pk)


def record_event(
    *, case: Case, action: str, actor: User, comment: str, content: dict, line_number: str | None = None
) -> None:
    """One event of the case's chain; a line event (line_number) for a line's own milestone."""
    line = LineItem.objects.filter(case=case, line_number=line_number).first() if line_number else None
    case_services._append_event(
        case=case,
        line=line,
        action=action,
        from_status=line.review_status if line else case.status,
        to_status=line.review_status if line else case.status,
        actor=actor,
        comment=comment,
        content_digest=sha256_hex(canonical_json(content)),
    )
    case.version += 1
    case.save(update_fields=["version", "updated_at"])


def _text(field: str, value: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed({field: ["This field is required."]})
    if len(value) > TEXT_LIMIT:
        raise ValidationFailed({field: [f"At most {TEXT_LIMIT} characters."]})
    return value


def _in_status(case: Case, statuses: tuple, doing: str) -> None:
    if case.status not in statuses:
        allowed = " or ".join(CaseStatus(s).label.lower() for s in statuses)
        raise TransitionNotAllowed(
            f"Cannot {doing} for {case.case_id}: the case is {CaseStatus(case.status).label.lower()}, not {allowed}.",
            state=case.status,
            action=doing,
        )


def _writing_as(actor: User):
    return pghistory.context(user=actor.pk, username=actor.get_username())


# ---- Money recorded by finance: deposits and collections ------------------------------------------


def _money_record(
    *, actor: User, case: Case, kind: str, amount: Decimal, posted_on: dt.date, source_ref: str, step: str
) -> FinancialTransaction:
    _require_role(actor, "execution.add_financialtransaction", f"record {kind}s (a finance officer may)")
    if amount is None or amount <= 0:
        raise ValidationFailed({"amount": [f"A {kind} is a positive amount of dollars."]})
    source_ref = _text("source_ref", source_ref)
    with service_transaction(), _writing_as(actor):
        case = _locked_case(case)
        _in_status(case, MONEY_STATUSES, f"record a {kind}")
        if FinancialTransaction.objects.filter(source_ref=source_ref).exists():
            raise ValidationFailed({"source_ref": [f"A transaction {source_ref} is already recorded."]})
        record = FinancialTransaction.objects.create(
            case=case, kind=kind, amount=amount, posted_on=posted_on, source_ref=source_ref, recorded_by=actor
        )
        record_event(
            case=case,
            action=step,
            actor=actor,
            comment=f"{kind} of ${amount:,.2f} received {posted_on.isoformat()} ({source_ref})",
            content={"kind": kind, "amount": amount, "posted_on": posted_on, "source_ref": source_ref},
        )
    return record


def deposit_record(
    *, actor: User, case: Case, amount: Decimal, posted_on: dt.date, source_ref: str
) -> FinancialTransaction:
    """The purchaser's initial deposit (or part of it), as finance received it."""
    return _money_record(actor=actor, case=case, kind=TransactionKind.DEPOSIT, amount=amount, posted_on=posted_on,
                         source_ref=source_ref, step=ExecutionStep.RECORD_DEPOSIT)  # fmt: skip


def collection_record(
    *, actor: User, case: Case, amount: Decimal, posted_on: dt.date, source_ref: str
) -> FinancialTransaction:
    """A payment received against the case's billings."""
    return _money_record(actor=actor, case=case, kind=TransactionKind.COLLECTION, amount=amount, posted_on=posted_on,
                         source_ref=source_ref, step=ExecutionStep.RECORD_COLLECTION)  # fmt: skip


@in_service_transaction
def emergency_implementation_approve(*, actor: User, case: Case, reason: str) -> EmergencyImplementation:
    """A reviewer lets an accepted case be implemented before its deposit (SAMM C6.1.2), saying why."""
    _require_role(actor, "execution.add_emergencyimplementation", "approve emergency implementations")
    reason = _text("reason", reason)
    with _writing_as(actor):
        case = _locked_case(case)
        _in_status(case, (CaseStatus.ACCEPTED,), "approve an emergency implementation")
        if hasattr(case, "emergency_implementation"):
            raise ValidationFailed({"reason": [f"{case.case_id} already has an approved emergency implementation."]})
        approval = EmergencyImplementation.objects.create(case=case, reason=reason, approved_by=actor)
        record_event(case=case, action=ExecutionStep.EMERGENCY, actor=actor, comment=reason,
                content={"case": case.case_id, "reason": reason})  # fmt: skip
    return approval


# ---- Deliveries, services performed, line SSC -------------------------------------------------------


def _line(case: Case, line_number: str) -> rules.LineProgress:
    for line in facts.line_progress(case):
        if line.line_number == line_number:
            return line
    raise ValidationFailed({"line_number": [f"{case.case_id}'s effective document has no line {line_number}."]})


def _complete_line_if_done(case: Case, actor: User, before: rules.LineProgress, after: rules.LineProgress) -> None:
    if after.complete and not before.complete:
        record_event(case=case, action=ExecutionStep.COMPLETE_LINE, actor=actor, line_number=after.line_number,
                comment=f"line {after.line_number} supply/services complete",
                content={"line_number": after.line_number, "quantity": after.quantity,
                         "delivered": after.delivered, "performed_through": after.performed_through})  # fmt: skip


def _next_number(model, case: Case) -> int:
    return (model.objects.filter(case=case).aggregate(n=Max("number"))["n"] or 0) + 1


@in_service_transaction
def delivery_record(
    *,
    actor: User,
    case: Case,
    line_number: str,
    quantity: int,
    shipped_on: dt.date,
    transportation_control_number: str,
    document_number: str,
    note: str = "",
) -> Delivery:
    """Units of a line shipped; never more than the effective document's quantity of the line."""
    _require_role(actor, "execution.add_delivery", "record deliveries (a case officer may)")
    errors = {}
    if not isinstance(quantity, int) or quantity < 1:
        errors["quantity"] = ["A whole number of units, at least 1."]
    tcn = (transportation_control_number or "").strip().upper()
    if len(tcn) != 17 or not tcn.isalnum():
        errors["transportation_control_number"] = ["The transportation control number has 17 letters and digits."]
    document_number = (document_number or "").strip().upper()
    if not 14 <= len(document_number) <= 15 or not document_number.isalnum():
        errors["document_number"] = ["The requisition document number has 14 (or 15) letters and digits."]
    if errors:
        raise ValidationFailed(errors)
    note = _text("note", note, required=False)
    with _writing_as(actor):
        case = _locked_case(case)
        _in_status(case, EXECUTING, "record a delivery")
        before = _line(case, line_number)
        problem = rules.delivery_problem(before, quantity)
        if problem:
            raise ValidationFailed({"quantity": [f"{problem[:1].upper()}{problem[1:]}."]})
        delivery = Delivery.objects.create(
            case=case, number=_next_number(Delivery, case), line_number=line_number, quantity=quantity,
            shipped_on=shipped_on, transportation_control_number=tcn, document_number=document_number, note=note,
            recorded_by=actor,
        )  # fmt: skip
        content = {"number": delivery.number, "line_number": line_number, "quantity": quantity,
                   "shipped_on": shipped_on, "tcn": tcn, "document_number": document_number}  # fmt: skip
        record_event(case=case, action=ExecutionStep.DELIVER, actor=actor, content=content,
                comment=f"delivery {delivery.number}: {quantity} of line {line_number} shipped "
                        f"{shipped_on.isoformat()}, TCN {tcn}")  # fmt: skip
        _complete_line_if_done(case, actor, before, _line(case, line_number))
    return delivery


@in_service_transaction
def services_performed(
    *, actor: User, case: Case, line_number: str, performed_through_month: int, note: str = ""
) -> ServicePerformance:
    """A services line performed through a month of its months of service."""
    _require_role(actor, "execution.add_delivery", "record services performed (a case officer may)")
    if not isinstance(performed_through_month, int) or performed_through_month < 1:
        raise ValidationFailed({"performed_through_month": ["A month of service, from 1."]})
    note = _text("note", note, required=False)
    with _writing_as(actor):
        case = _locked_case(case)
        _in_status(case, EXECUTING, "record services performed")
        before = _line(case, line_number)
        problem = rules.performance_problem(before, performed_through_month)
        if problem:
            raise ValidationFailed({"performed_through_month": [f"{problem[:1].upper()}{problem[1:]}."]})
        record = ServicePerformance.objects.create(
            case=case, line_number=line_number, performed_through_month=performed_through_month, note=note,
            recorded_by=actor,
        )  # fmt: skip
        record_event(case=case, action=ExecutionStep.PERFORM, actor=actor,
                comment=f"line {line_number} performed through month {performed_through_month}",
                content={"line_number": line_number, "performed_through_month": performed_through_month})  # fmt: skip
        _complete_line_if_done(case, actor, before, _line(case, line_number))
    return record


# ---- Supply discrepancy reports ----------------------------------------------------------------------


@in_service_transaction
def sdr_file(
    *, actor: User, case: Case, delivery_number: int, kind: str, quantity: int, value: Decimal, description: str
) -> SupplyDiscrepancyReport:
    """A purchaser's officer reports a discrepancy in a delivery of its own purchaser's case."""
    if actor.purchaser_id is not None and actor.purchaser_id != case.purchaser_id:
        raise NotFound("Not found.")  # another purchaser's delivery does not exist for this user
    _require_role(actor, "execution.file_sdr", f"file SDRs for {case.purchaser_id} (a client_officer may)")
    errors = {}
    if kind not in SdrKind.values:
        errors["kind"] = [f"Use one of: {', '.join(SdrKind.values)}."]
    if not isinstance(quantity, int) or quantity < 1:
        errors["quantity"] = ["A whole number of units, at least 1."]
    if value is None or value < 0:
        errors["value"] = ["The value of the discrepancy in dollars, not negative."]
    elif kind in SdrKind.values:
        problem = rules.sdr_value_problem(kind, value)
        if problem:
            errors["value"] = [f"{problem[:1].upper()}{problem[1:]}."]
    if errors:
        raise ValidationFailed(errors)
    description = _text("description", description)
    with _writing_as(actor):
        case = _locked_case(case)
        delivery = Delivery.objects.filter(case=case, number=delivery_number).first()
        if delivery is None:
            raise ValidationFailed({"delivery": [f"{case.case_id} has no delivery {delivery_number}."]})
        if quantity > delivery.quantity and kind != SdrKind.OVERAGE:
            raise ValidationFailed({"quantity": [f"Delivery {delivery.number} shipped {delivery.quantity} units."]})
        sdr = SupplyDiscrepancyReport.objects.create(
            case=case, number=_next_number(SupplyDiscrepancyReport, case), delivery=delivery, kind=kind,
            quantity=quantity, value=value, description=description, filed_by=actor,
        )  # fmt: skip
        record_event(case=case, action=ExecutionStep.FILE_SDR, actor=actor,
                comment=f"SDR {sdr.number} ({SdrKind(kind).label.lower()}) on delivery {delivery.number}: "
                        f"{quantity} units, ${value:,.2f}: {description}",
                content=_sdr_content(sdr))  # fmt: skip
    return sdr


def _sdr_content(sdr: SupplyDiscrepancyReport) -> dict:
    return {"number": sdr.number, "delivery": sdr.delivery.number, "kind": sdr.kind, "quantity": sdr.quantity,
            "value": sdr.value, "description": sdr.description, "status": sdr.status,
            "resolution": sdr.resolution, "resolution_note": sdr.resolution_note}  # fmt: skip


def _locked_sdr(sdr: SupplyDiscrepancyReport, expected_version: int | None) -> tuple[Case, SupplyDiscrepancyReport]:
    case = _locked_case(sdr.case)
    locked = SupplyDiscrepancyReport.objects.select_for_update().select_related("delivery").get(pk=sdr.pk)
    if expected_version is not None and expected_version != locked.version:
        raise StaleVersion(f"SDR {locked.number} of {case.case_id} changed since you read it; reload it.")
    return case, locked


@in_service_transaction
def sdr_review(
    *, actor: User, sdr: SupplyDiscrepancyReport, comment: str = "", expected_version: int | None = None
) -> SupplyDiscrepancyReport:
    """A case officer takes a submitted SDR under review."""
    _require_role(actor, "execution.resolve_sdr", "review SDRs (a case officer may)")
    comment = _text("comment", comment, required=False)
    with _writing_as(actor):
        case, sdr = _locked_sdr(sdr, expected_version)
        if sdr.status != SdrStatus.SUBMITTED:
            raise TransitionNotAllowed(
                f"SDR {sdr.number} of {case.case_id} is {SdrStatus(sdr.status).label.lower()}; only a submitted "
                "SDR is taken under review.",
                state=sdr.status,
                action="review",
            )
        sdr.status = SdrStatus.UNDER_REVIEW
        sdr.version += 1
        sdr.save(update_fields=["status", "version"])
        record_event(case=case, action=ExecutionStep.REVIEW_SDR, actor=actor, content=_sdr_content(sdr),
                comment=f"SDR {sdr.number} under review" + (f": {comment}" if comment else ""))  # fmt: skip
    return sdr


@in_service_transaction
def sdr_resolve(
    *,
    actor: User,
    sdr: SupplyDiscrepancyReport,
    resolution: str,
    note: str,
    expected_version: int | None = None,
) -> SupplyDiscrepancyReport:
    """A case officer resolves an SDR under review: credit, replacement or denied, with a note."""
    _require_role(actor, "execution.resolve_sdr", "resolve SDRs (a case officer may)")
    if resolution not in SdrResolution.values:
        raise ValidationFailed({"resolution": [f"Use one of: {', '.join(SdrResolution.values)}."]})
    note = _text("note", note)
    with _writing_as(actor):
        case, sdr = _locked_sdr(sdr, expected_version)
        if sdr.status != SdrStatus.UNDER_REVIEW:
            raise TransitionNotAllowed(
                f"SDR {sdr.number} of {case.case_id} is {SdrStatus(sdr.status).label.lower()}; only an SDR under "
                "review is resolved (take it under review first).",
                state=sdr.status,
                action="resolve",
            )
        sdr.status, sdr.resolution, sdr.resolution_note = SdrStatus.RESOLVED, resolution, note
        sdr.resolved_at = timezone.now()
        sdr.version += 1
        sdr.save(update_fields=["status", "resolution", "resolution_note", "resolved_at", "version"])
        record_event(case=case, action=ExecutionStep.RESOLVE_SDR, actor=actor, content=_sdr_content(sdr),
                comment=f"SDR {sdr.number} resolved by {SdrResolution(resolution).label.lower()}: {note}")  # fmt: skip
    return sdr


# ---- Closure and cancellation ------------------------------------------------------------------------


def case_close(*, actor: User, case: Case, comment: str = "") -> Case:
    """supply_complete → closed once the closure checklist is met (the guard in gates.py); a closure
    under ACCP with unliquidated obligations is recorded as such in the event's comment."""
    _require_role(actor, workflow.STAFF, "close cases (a case officer may)")
    return case_services.case_transition(actor=actor, case=case, action=CaseAction.CLOSE, comment=comment)


@in_service_transaction
def case_cancel_with_termination(
    *, actor: User, case: Case, reason: str, termination_costs: Decimal, posted_on: dt.date | None = None
) -> Case:
    """Cancel an implemented (or supply complete) case (SAMM C6.8): its termination costs are billed as
    a final billing, in the same transaction as the case step."""
    reason = _text("reason", reason)
    if termination_costs is None or termination_costs < 0:
        raise ValidationFailed(
            {"termination_costs": ["The termination costs in dollars (0.00 if none), not negative."]}
        )
    with _writing_as(actor):
        case = _locked_case(case)
        # The step's own permission and source status are checked first, so nothing is billed for a refused step.
        step = workflow.case_transition_for(case.status, CaseAction.CANCEL)
        if not holds_role_permission(actor, step.permission):
            raise NotAllowed("You do not have permission to cancel cases.")
        if case.status not in workflow.CANCELLABLE_WITH_TERMINATION:
            raise TransitionNotAllowed(
                f"{case.case_id} is {case.status}: before implementation a case is cancelled with a reason only.",
                state=case.status,
                action=CaseAction.CANCEL,
            )
        FinancialTransaction.objects.create(
            case=case, kind=TransactionKind.BILLING, amount=termination_costs,
            posted_on=posted_on or timezone.localdate(), source_ref=facts.termination_ref(case),
            description="Termination costs (final billing)", recorded_by=actor,
        )  # fmt: skip
        comment = f"{reason} (termination costs ${termination_costs:,.2f} billed as the final billing)"
        return case_services.case_transition(actor=actor, case=case, action=CaseAction.CANCEL, comment=comment)

"""The only code that writes cases, line items and their ledger events (notifications: fms.notifications).

Every function is one use case: atomic, locks the rows it changes (the case first, then the
line, always in that order), checks the permission and the workflow rule, writes the change,
bumps `version`, and appends its ApprovalEvent in the same transaction.
"""

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models.sql import UpdateQuery
from django.utils import timezone
from django.utils.module_loading import import_string

from fms.accounts.models import User
from fms.accounts.roles import holds_role_permission
from fms.accounts.signin import current_via
from fms.cases import digests, rules, workflow
from fms.cases.choices import CaseAction, CaseStatus, LineAction, LineStatus
from fms.cases.errors import HeaderFrozen
from fms.cases.models import Case, LineItem
from fms.core.errors import DomainError, NotAllowed, StaleVersion, ValidationFailed
from fms.core.transactions import service_transaction
from fms.ledger import selectors as ledger_selectors
from fms.ledger import services as ledger_services
from fms.ledger.models import ApprovalEvent
from fms.notifications import rules as notification_rules
from fms.notifications.choices import NotificationStatus
from fms.notifications.models import CongressionalNotification
from fms.reference.models import ImplementingAgency, Purchaser

CASE_EDITABLE_FIELDS = frozenset(
    {"title", "description", "notes", "lor_date", "lor_received_on", "offer_expires_on", "notification"}
)
LINE_EDITABLE_FIELDS = frozenset(
    {"category", "description", "masl", "quantity", "unit_of_issue", "unit_cost", "is_mde", "is_sme"}
    | set(digests.LINE_LATER_CONTENT_FIELDS)
)
FINAL_CASE_STATUSES = (CaseStatus.CLOSED, CaseStatus.CANCELLED)
# From the offer on, the header is part of what was offered: it changes only through a document.
HEADER_FROZEN_IN = (CaseStatus.OFFERED, CaseStatus.ACCEPTED, CaseStatus.IMPLEMENTED, CaseStatus.SUPPLY_COMPLETE)
# Internal notes are not part of the LOA (purchasers never see them), so they stay editable.
EDITABLE_WHEN_FROZEN = frozenset({"notes"})
COMMENT_REQUIRED = (LineAction.REJECT, LineAction.RETURN)


@contextmanager
def _writing_as(actor: User) -> Iterator[None]:
    """One transaction whose field history (pghistory) names the acting user."""
    with service_transaction(), pghistory.context(user=actor.pk, username=actor.get_username()):
        yield


def _require(actor: User, permission: str, doing: str) -> None:
    if not actor.has_perm(permission):
        raise NotAllowed(f"You do not have permission to {doing}.")


def _require_role(actor: User, permission: str, doing: str) -> None:
    """For workflow steps and decisions: an administrator needs the role's group too (DESIGN §2)."""
    if not holds_role_permission(actor, permission):
        reason = "an administrator decides only in a role's group" if actor.is_superuser else "you lack the role"
        raise NotAllowed(f"You do not have permission to {doing}: {reason}.")


def _check_version(label: str, current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise StaleVersion(
            f"{label} changed since you read it (you have version {expected}, it is now version {current}). "
            "Reload it and try again."
        )


def _check_text(**values) -> None:
    errors = rules.text_over_limit(values)
    if errors:
        raise ValidationFailed(errors)


def _validate(instance, exclude: list[str] | None = None) -> None:
    _check_text(**{name: getattr(instance, name, None) for name in rules.TEXT_LIMITS})
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationFailed({field: list(messages) for field, messages in error.message_dict.items()}) from error


def _unknown_fields(changes: dict, allowed: frozenset[str]) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationFailed({name: ["This field cannot be changed here."] for name in unknown})


def _locked_case(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("purchaser").get(pk=case.pk)


def _locked_line(line: LineItem) -> tuple[Case, LineItem]:
    """The case and the line, locked in that order, in one statement, with who changed the line's content
    since its last decision (`content_authors`, read from the ledger).

    The case is locked first by the sub-select (the order every writer keeps); locking it again at the
    top level makes PostgreSQL re-read it if a writer we waited for changed it meanwhile.
    """
    case_lock = Case.objects.select_for_update().filter(pk=line.case_id).order_by().values("pk")
    locked = (
        LineItem.objects.select_for_update(of=("self", "case"))
        .select_related("case__purchaser")
        .annotate(content_authors=ledger_selectors.content_authors_of_line())
        .get(pk=line.pk, removed_at__isnull=True, case__in=case_lock)
    )
    return locked.case, locked


def _update(instance, *fields: str) -> ledger_services.Along:
    """The UPDATE of these fields of one row, compiled by the ORM, to send along with a ledger event."""
    query = UpdateQuery(type(instance))
    query.add_update_values({field: getattr(instance, field) for field in fields})
    query.add_filter("pk", instance.pk)
    return query.get_compiler(connection.alias).as_sql()


def _line_values(line: LineItem) -> dict:
    return {field: getattr(line, field) for field in (*digests.LINE_CONTENT_FIELDS, *digests.LINE_LATER_CONTENT_FIELDS)}


def _normalised_line_content(content: dict) -> dict:
    if "masl" in content:
        return {**content, "masl": rules.normalise_masl(content["masl"])}
    return content


def _working_lines(case: Case) -> list[dict]:
    """The case's lines as a case step reads them: their content (for the case digest) and review status."""
    return list(
        case.lines.filter(removed_at__isnull=True)
        .order_by()
        .values(*digests.LINE_CONTENT_FIELDS, *digests.LINE_LATER_CONTENT_FIELDS, "review_status")
    )


def _case_digest(case: Case, lines: list[dict] | None = None) -> str:
    if lines is None:
        lines = _working_lines(case)
    lines = [
        {field: line[field] for field in (*digests.LINE_CONTENT_FIELDS, *digests.LINE_LATER_CONTENT_FIELDS)}
        for line in lines
    ]
    values = {field: getattr(case, field) for field in digests.CASE_CONTENT_FIELDS}
    return digests.case_digest(values, {line["line_number"]: digests.line_digest(line) for line in lines})


def _append_event(
    *,
    case: Case,
    line: LineItem | None,
    action: str,
    from_status: str,
    to_status: str,
    actor: User,
    comment: str,
    content_digest: str,
    document: str | None = None,
    along: list[ledger_services.Along] = (),
) -> ApprovalEvent:
    """Append one event to the case's chain, through the ledger's one way in (the caller holds the case lock).

    `document`: the label of the LOA document when the step is one of a document's (fms.documents)."""
    return ledger_services.event_append(
        case_pk=case.pk,
        line_item_pk=line.pk if line else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor_pk=actor.pk,
        comment=comment,
        content_digest=content_digest,
        via=current_via(),
        document=document,
        along=along,
    )


def _bump(case: Case) -> None:
    case.version += 1
    case.save(update_fields=["version", "updated_at"])


# ---- Cases ------------------------------------------------------------------------------------


def case_facts(case: Case, *, today: dt.date | None = None, lines: list[dict] | None = None) -> workflow.CaseFacts:
    """The facts the workflow guards look at, read from the database (`lines`: already read by _working_lines)."""
    notification = case.notification
    if lines is None:
        statuses = tuple(case.lines.filter(removed_at__isnull=True).values_list("review_status", flat=True))
    else:
        statuses = tuple(line["review_status"] for line in lines)
    return workflow.CaseFacts(
        case_id=case.case_id,
        status=case.status,
        line_statuses=statuses,
        lor_received_on=case.lor_received_on,
        notification_required=case.notification_required,
        notification=(
            workflow.NotificationFacts(
                review_ends_on=notification.review_ends_on,
                emergency=notification.emergency,
                notified=notification.status == NotificationStatus.NOTIFIED,
            )
            if notification
            else None
        ),
        offer_expires_on=case.offer_expires_on,
        # Congress counts review days, and an offer its days, in Washington (DESIGN §4.4).
        today=today or notification_rules.washington_today(timezone.now()),
        basic_document=_basic_document_status(case),
    )


def _basic_document_status(case: Case) -> str | None:
    """The BASIC LOA document's status, read through the reverse relation (cases never imports documents),
    only where a document step starts: elsewhere no guard looks at it."""
    if case.status not in (CaseStatus.PROPOSED, CaseStatus.OFFERED):
        return None
    return case.documents.filter(label="BASIC").values_list("status", flat=True).first()


def _check_notification(case: Case, notification: CongressionalNotification | None) -> None:
    if notification is not None and notification.purchaser_id != case.purchaser_id:
        raise ValidationFailed(
            {"notification": [f"This notification is for {notification.purchaser_id}, not {case.purchaser_id}."]}
        )


def case_create(
    *,
    actor: User,
    case_id: str,
    title: str,
    purchaser: Purchaser | None = None,
    implementing_agency: ImplementingAgency | None = None,
    description: str = "",
    notes: str = "",
    lor_date: dt.date | None = None,
    lor_received_on: dt.date | None = None,
    notification: CongressionalNotification | None = None,
) -> Case:
    """Open a case in development. Purchaser and agency default to the codes in the case id."""
    _require(actor, "cases.add_case", "create cases")
    case_id = (case_id or "").strip().upper()
    if not re.fullmatch(rules.CASE_ID_PATTERN, case_id):
        raise ValidationFailed({"case_id": ["Use the form XX-A-XXX: customer code, agency letter, designator."]})
    purchaser_code, agency_code, _ = case_id.split("-")
    errors: dict[str, list[str]] = {}
    purchaser = purchaser or Purchaser.objects.filter(code=purchaser_code).first()
    implementing_agency = implementing_agency or ImplementingAgency.objects.filter(code=agency_code).first()
    if purchaser is None or purchaser.code != purchaser_code:
        errors["purchaser"] = [f"The case id starts with {purchaser_code}: the purchaser must be that customer code."]
    if implementing_agency is None or implementing_agency.code != agency_code:
        errors["implementing_agency"] = [f"The case id names agency {agency_code}: the agency must match."]
    if errors:
        raise ValidationFailed(errors)
    with _writing_as(actor):
        case = Case(
            case_id=case_id,
            purchaser=purchaser,
            implementing_agency=implementing_agency,
            title=title,
            description=description,
            notes=notes,
            lor_date=lor_date,
            lor_received_on=lor_received_on,
            notification=notification,
            created_by=actor,
        )
        _validate(case, exclude=["created_by"])
        _check_notification(case, notification)
        # Serialise creations of the same id so the second one gets a clear error, not a 500.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [case_id])
        if Case.objects.filter(case_id=case_id).exists():
            raise ValidationFailed({"case_id": [f"A case {case_id} already exists."]})
        case.save()
        _append_event(
            case=case,
            line=None,
            action=CaseAction.CREATE,
            from_status="",
            to_status=case.status,
            actor=actor,
            comment="",
            content_digest=_case_digest(case),
        )
    return case


def case_update(*, actor: User, case: Case, expected_version: int | None = None, **changes) -> Case:
    """Change the header of a case (not its status, id, purchaser or agency)."""
    _require(actor, "cases.change_case", "change cases")
    _unknown_fields(changes, CASE_EDITABLE_FIELDS)
    with _writing_as(actor):
        case = _locked_case(case)
        _check_version(case.case_id, case.version, expected_version)
        if case.status in FINAL_CASE_STATUSES:
            raise workflow.TransitionNotAllowed(
                f"{case.case_id} is {case.status}; a final case cannot be changed.", state=case.status, action="update"
            )
        frozen = sorted(set(changes) - EDITABLE_WHEN_FROZEN)
        if case.status in HEADER_FROZEN_IN and frozen:
            raise HeaderFrozen(
                f"{case.case_id} is {case.status}: its header ({', '.join(frozen)}) was offered to the purchaser, "
                "so changing it needs an amendment or a modification.",
                errors={name: ["Frozen since the offer."] for name in frozen},
            )
        for field, value in changes.items():
            setattr(case, field, value)
        _validate(case, exclude=["created_by"])
        if "notification" in changes:
            _check_notification(case, case.notification)
        if changes:
            case.version += 1
            case.save(update_fields=[*changes, "version", "updated_at"])
    return case


def case_transition(
    *,
    actor: User,
    case: Case,
    action: str,
    comment: str = "",
    expected_version: int | None = None,
) -> Case:
    """Move a case one step through its lifecycle (DESIGN §4), recording the step in the ledger.

    Offer and accept are refused here (DocumentStepRequired): they are steps of the BASIC LOA
    document, which fms.documents takes through `case_document_step`.
    """
    _check_text(comment=comment)
    with _writing_as(actor):
        case = _locked_case(case)
        _check_version(case.case_id, case.version, expected_version)
        transition = workflow.case_transition_for(case.status, action)
        if transition.document_step:
            raise workflow.refuse_document_step(case.case_id, transition)
        _require_role(actor, transition.permission, f"{action.replace('_', ' ')} cases")
        lines = _working_lines(case)  # one read for the guards and the event's digest
        return _take_step(
            actor=actor,
            case=case,
            transition=transition,
            comment=comment,
            facts=case_facts(case, lines=lines),
            lines=lines,
        )


def case_document_step(
    *,
    actor: User,
    case: Case,
    action: str,
    content_digest: str,
    comment: str,
    today: dt.date,
    offer_expires_on: dt.date | None = None,
    document: str | None = None,
) -> Case:
    """proposed → offered or offered → accepted, taken by fms.documents with its BASIC document's step.

    Called only by the document services, after the BASIC document moved (the workflow checks that
    it did, read through `case.documents`) and with its content hash as the event's content. An
    offer is a staff step (the case officer's role is required, as for any case step); an
    acceptance is the purchaser's: documents checked who may accept, the purchaser and the hash.
    The guards run on `today` as Washington counts it (the OED's time zone).
    """
    with _writing_as(actor):
        case = _locked_case(case)
        transition = workflow.case_transition_for(case.status, action)
        if not transition.document_step:
            raise workflow.TransitionNotAllowed(
                f"'{action}' is not a step of the LOA document.", state=case.status, action=action
            )
        if action == CaseAction.OFFER:
            _require_role(actor, transition.permission, "offer cases")
        return _take_step(
            actor=actor,
            case=case,
            transition=transition,
            comment=comment,
            facts=case_facts(case, today=today),
            offer_expires_on=offer_expires_on,
            content_digest=content_digest,
            document=document,
        )


def step_guard(case: Case, action: str) -> workflow.StepBlock | workflow.StepNote | None:
    """What an app above `cases` says of `action` (settings.CASE_STEP_GUARD): unmet, met with a note, or nothing."""
    path = getattr(settings, "CASE_STEP_GUARD", "")
    return import_string(path)(case=case, action=action) if path else None


def step_block(case: Case, action: str) -> workflow.StepBlock | None:
    found = step_guard(case, action)
    return found if isinstance(found, workflow.StepBlock) else None


def _take_step(
    *,
    actor: User,
    case: Case,
    transition: workflow.CaseTransition,
    comment: str,
    facts: workflow.CaseFacts,
    offer_expires_on: dt.date | None = None,
    content_digest: str | None = None,
    document: str | None = None,
    lines: list[dict] | None = None,
) -> Case:
    action = transition.action
    workflow.check_case_transition(facts, action)
    guard = step_guard(case, action)
    if isinstance(guard, workflow.StepBlock):
        raise workflow.refuse_case_step(facts, action, guard.reason, guard.field)
    if isinstance(guard, workflow.StepNote):
        comment = f"{comment.strip()}; {guard.text}" if comment.strip() else guard.text
    if action == CaseAction.OFFER:
        # The BASIC document's OED (fms.documents counts it from the MILAP date).
        if offer_expires_on is None or offer_expires_on <= facts.today:
            raise ValidationFailed({"offer_expires_on": ["The offer must expire after today."]})
        case.offer_expires_on = offer_expires_on
    if action == CaseAction.START_WRITE and case.milap_on is None:
        case.milap_on = facts.today  # the implementing agency's approval: the OED counts from it
    from_status = case.status
    case.status = transition.target
    case.version += 1
    case.updated_at = timezone.now()
    _append_event(
        case=case,
        line=None,
        action=action,
        from_status=from_status,
        to_status=case.status,
        actor=actor,
        comment=comment,
        content_digest=content_digest or _case_digest(case, lines),
        document=document,
        along=[_update(case, "status", "offer_expires_on", "milap_on", "version", "updated_at")],
    )
    return case


def case_set_open_document(*, actor: User, case: Case, label: str) -> Case:
    """Open (a label) or close ("") the case's working lines for an amendment or modification.

    Called by fms.documents under its own case lock; the document step's event records why.
    """
    case.open_document = label
    case.version += 1
    case.save(update_fields=["open_document", "version", "updated_at"])
    return case


def case_set_offer_expiry(*, actor: User, case: Case, offer_expires_on: dt.date) -> Case:
    """Move the case's OED with its BASIC document's reinstatement (fms.documents, under its own case
    lock; the document step's event records it): the only change of the OED once the case is offered."""
    case.offer_expires_on = offer_expires_on
    case.version += 1
    case.save(update_fields=["offer_expires_on", "version", "updated_at"])
    return case


# ---- Line items -------------------------------------------------------------------------------


def _line_facts(case: Case, line: LineItem | None, label: str) -> workflow.LineFacts:
    return workflow.LineFacts(
        label=label,
        review_status=line.review_status if line else None,
        case_status=case.status,
        # Only a submitted line can be decided on; only then does it matter who changed it.
        content_authors=(
            _content_authors(line) if line is not None and line.review_status == LineStatus.SUBMITTED else frozenset()
        ),
        open_document=case.open_document,
    )


def _content_authors(line: LineItem) -> frozenset[int]:
    locked_with = getattr(line, "content_authors", None)  # read with the lock (_locked_line)
    if locked_with is not None:
        return frozenset(locked_with)
    return ledger_selectors.content_authors_since_last_decision(line.pk)


def _check_amounts(case: Case, line: LineItem, replaced_total: Decimal = Decimal("0.00")) -> None:
    """Refuse totals that would not fit NUMERIC(15,2), before the database has to."""
    total = line.quantity * line.unit_cost
    if total > rules.MONEY_MAX:
        raise ValidationFailed(
            {"unit_cost": [f"Quantity × unit cost = {total:,.2f}, above the largest amount allowed."]}
        )
    if case.total_value - replaced_total + total > rules.MONEY_MAX:
        raise ValidationFailed({"unit_cost": ["This line would take the case total above the largest amount allowed."]})


def _next_line_number(case: Case) -> str:
    numbers = LineItem.objects.filter(case=case).values_list("line_number", flat=True)
    highest = max((int(n) for n in numbers), default=0)
    if highest >= 999:
        raise ValidationFailed({"line_number": ["This case already uses line number 999; give a free number."]})
    return f"{highest + 1:03d}"


def line_item_add(
    *, actor: User, case: Case, line_number: str | None = None, expected_version: int | None = None, **content
) -> LineItem:
    """Add a draft line to a case in development or write. `expected_version` is the case's."""
    _require(actor, "cases.add_lineitem", "add line items")
    _unknown_fields(content, LINE_EDITABLE_FIELDS)
    content = _normalised_line_content(content)
    with _writing_as(actor):
        case = _locked_case(case)
        _check_version(case.case_id, case.version, expected_version)
        workflow.check_line_transition(
            _line_facts(case, None, f"{case.case_id} new line"), LineAction.ADD, actor_id=actor.pk
        )
        number = line_number or _next_line_number(case)
        line = LineItem(case=case, line_number=number, created_by=actor, updated_by=actor, **content)
        _validate(line, exclude=["case", "created_by", "updated_by"])
        if LineItem.objects.filter(case=case, line_number=number).exists():
            raise ValidationFailed({"line_number": [f"{case.case_id} already has (or had) a line {number}."]})
        _check_amounts(case, line)
        line.save()
        line.refresh_from_db(fields=["total_cost"])
        _append_event(
            case=case,
            line=line,
            action=LineAction.ADD,
            from_status="",
            to_status=line.review_status,
            actor=actor,
            comment="",
            content_digest=digests.line_digest(_line_values(line)),
        )
        _bump(case)
    return line


def line_item_update(*, actor: User, line: LineItem, expected_version: int | None = None, **changes) -> LineItem:
    """Change a line's content; a submitted, approved or returned line goes back to draft."""
    _unknown_fields(changes, LINE_EDITABLE_FIELDS)
    changes = _normalised_line_content(changes)
    _require(actor, "cases.change_lineitem", "change line items")
    with _writing_as(actor):
        case, line = _locked_line(line)
        _check_version(str(line), line.version, expected_version)
        before = _line_values(line)
        old_total = line.quantity * line.unit_cost
        for field, value in changes.items():
            setattr(line, field, value)
        _validate(line, exclude=["case", "created_by", "updated_by"])
        if _line_values(line) == before:
            return line  # nothing changed: no new version, no event
        workflow.check_line_transition(_line_facts(case, line, str(line)), LineAction.EDIT, actor_id=actor.pk)
        _check_amounts(case, line, replaced_total=old_total)
        from_status = line.review_status
        line.review_status = LineStatus.DRAFT
        line.updated_by = actor
        line.version += 1
        line.save()
        line.refresh_from_db(fields=["total_cost"])
        _append_event(
            case=case,
            line=line,
            action=LineAction.EDIT,
            from_status=from_status,
            to_status=line.review_status,
            actor=actor,
            comment="",
            content_digest=digests.line_digest(_line_values(line)),
        )
        _bump(case)
    return line


def line_item_remove(*, actor: User, line: LineItem, expected_version: int | None = None, comment: str = "") -> None:
    """Take a line out of its case. The row stays, because its review history points at it."""
    _require(actor, "cases.delete_lineitem", "remove line items")
    _check_text(comment=comment)
    with _writing_as(actor):
        case, line = _locked_line(line)
        _check_version(str(line), line.version, expected_version)
        workflow.check_line_transition(_line_facts(case, line, str(line)), LineAction.REMOVE, actor_id=actor.pk)
        line.removed_at = timezone.now()
        line.updated_by = actor
        line.version += 1
        line.save()
        _append_event(
            case=case,
            line=line,
            action=LineAction.REMOVE,
            from_status=line.review_status,
            to_status=line.review_status,
            actor=actor,
            comment=comment,
            content_digest=digests.line_digest(_line_values(line)),
        )
        _bump(case)


def _line_step(*, actor: User, line: LineItem, action: str, comment: str, expected_version: int | None) -> LineItem:
    comment = (comment or "").strip()
    if action in COMMENT_REQUIRED and not comment:
        raise ValidationFailed({"comment": [f"Say why the line is {action}ed: a comment is required."]})
    _check_text(comment=comment)
    with _writing_as(actor):
        transition = workflow.line_transition(action)
        _require_role(actor, transition.permission, f"{action} line items")
        case, line = _locked_line(line)
        _check_version(str(line), line.version, expected_version)
        workflow.check_line_transition(_line_facts(case, line, str(line)), action, actor_id=actor.pk)
        from_status = line.review_status
        line.review_status = transition.target
        line.version += 1
        line.updated_at = case.updated_at = timezone.now()
        case.version += 1
        reopen = workflow.case_step_after_line_decision(case.status, action)
        # The line's and the case's new versions go in the event's own statement (one round trip).
        _append_event(
            case=case,
            line=line,
            action=action,
            from_status=from_status,
            to_status=line.review_status,
            actor=actor,
            comment=comment,
            content_digest=digests.line_digest(_line_values(line)),
            along=[
                _update(line, "review_status", "version", "updated_at"),
                *([] if reopen else [_update(case, "version", "updated_at")]),
            ],
        )
        if reopen:
            _reopen_case(case, line, reopen, actor=actor, comment=comment)
    return line


def _reopen_case(case: Case, line: LineItem, step: workflow.CaseTransition, *, actor: User, comment: str) -> None:
    """A line returned or rejected in review sends its case back to write, as its own case event."""
    from_status = case.status
    case.status = step.target
    _append_event(
        case=case,
        line=None,
        action=step.action,
        from_status=from_status,
        to_status=case.status,
        actor=actor,
        comment=f"Line {line.line_number} {LineStatus(line.review_status).label.lower()}: {comment}",
        content_digest=_case_digest(case),
        along=[_update(case, "status", "version", "updated_at")],
    )


def line_item_submit(*, actor: User, line: LineItem, comment: str = "", expected_version: int | None = None):
    return _line_step(
        actor=actor, line=line, action=LineAction.SUBMIT, comment=comment, expected_version=expected_version
    )


def line_item_approve(*, actor: User, line: LineItem, comment: str = "", expected_version: int | None = None):
    return _line_step(
        actor=actor, line=line, action=LineAction.APPROVE, comment=comment, expected_version=expected_version
    )


def line_item_reject(*, actor: User, line: LineItem, comment: str, expected_version: int | None = None):
    return _line_step(
        actor=actor, line=line, action=LineAction.REJECT, comment=comment, expected_version=expected_version
    )


def line_item_return(*, actor: User, line: LineItem, comment: str, expected_version: int | None = None):
    return _line_step(
        actor=actor, line=line, action=LineAction.RETURN, comment=comment, expected_version=expected_version
    )


LINE_STEPS = {
    LineAction.SUBMIT: line_item_submit,
    LineAction.APPROVE: line_item_approve,
    LineAction.REJECT: line_item_reject,
    LineAction.RETURN: line_item_return,
}


# ---- What a user may do next (for pages: same checks as the writers above) ----------------------


@dataclass(frozen=True)
class StepOption:
    action: str
    label: str
    allowed: bool
    reason: str = ""  # why not, when not allowed
    unblock: str = ""  # what would make it possible, and who can do it
    who: str = ""  # the role that takes the step
    document_step: bool = False  # taken on the BASIC LOA document's page, not by a case step


def case_step_options(actor: User, case: Case, *, mine: bool = True) -> list[StepOption]:
    """The steps out of the case's current status that this user holds the permission for
    (or, with mine=False, the steps that only other roles can take: who the case waits on)."""
    facts = case_facts(case)
    options = []
    for transition in workflow.case_steps_from(case.status):
        if holds_role_permission(actor, transition.permission) != mine:
            continue
        reason = workflow.unmet_case_guard(transition, facts)
        remedy = workflow.case_guard_remedy(transition, facts)
        block = step_block(case, transition.action) if reason is None else None
        if block is not None:
            reason, remedy = block.reason, block.remedy
        label = CaseAction(transition.action).label
        options.append(
            StepOption(
                transition.action,
                label,
                reason is None,
                reason or "",
                remedy,
                workflow.ROLE_OF_PERMISSION.get(transition.permission, ""),
                transition.document_step,
            )
        )
    return options


def line_step_options(actor: User, line: LineItem) -> list[StepOption]:
    """Review steps on a line this user holds the permission for, allowed or with the reason why not."""
    options = []
    for action in LINE_STEPS:
        transition = workflow.line_transition(action)
        if not holds_role_permission(actor, transition.permission):
            continue
        try:
            workflow.check_line_transition(_line_facts(line.case, line, str(line)), action, actor_id=actor.pk)
        except DomainError as refused:
            options.append(StepOption(action, LineAction(action).label, False, refused.detail))
        else:
            options.append(StepOption(action, LineAction(action).label, True))
    return options

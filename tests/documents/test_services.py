"""LOA document services: offer freezes, acceptance is bound to the hash and the OED, amendments
and modifications change what they may, and every refusal leaves everything as it was."""

import datetime as dt
import hashlib
import json
import subprocess
import sys
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from fms.accounts.roles import CLIENT, CLIENT_OFFICER
from fms.cases import services as case_services
from fms.cases.choices import CaseAction, CaseStatus, LineStatus
from fms.cases.errors import HeaderFrozen, TransitionNotAllowed
from fms.cases.models import Case
from fms.core.errors import NotAllowed, NotFound, ValidationFailed
from fms.documents import content, services
from fms.documents.choices import DocumentStatus, LineChange
from fms.documents.errors import ContentHashMismatch, DraftAlreadyOpen, ModificationChangesScope, OfferExpired
from fms.documents.models import LoaDocument
from fms.ledger.models import ApprovalEvent
from tests.execution.steps import deposit
from tests.factories import UserFactory, lines_of, walk_to

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def signatory(db):
    return UserFactory(username="signatory_ja", roles=[CLIENT, CLIENT_OFFICER], purchaser_id="JA", is_staff=False)


@pytest.fixture
def proposed(officer, reviewer):
    return walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer)


def offer_basic(officer, case, **entered) -> LoaDocument:
    entered.setdefault("transportation", Decimal("0.00"))
    return services.document_offer(actor=officer, case=case, label="BASIC", **entered)


def accept(actor, document, **overrides):
    values = {"content_hash": document.content_hash, "signatory_name": "Taro Yamada", "signatory_title": "Director"}
    return services.document_accept(actor=actor, document=document, **{**values, **overrides})


def state(case: Case) -> tuple:
    case.refresh_from_db()
    documents = tuple(case.documents.order_by("id").values_list("label", "status", "content_hash"))
    return case.status, case.version, case.open_document, ApprovalEvent.objects.filter(case=case).count(), documents


def implemented_with_basic(officer, reviewer, signatory) -> tuple[Case, LoaDocument]:
    case = walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer)
    basic = offer_basic(officer, case)
    accept(signatory, basic)
    deposit(case)  # implementation needs the initial deposit (fms.execution)
    case = case_services.case_transition(actor=officer, case=case, action=CaseAction.IMPLEMENT)
    return case, basic


# ---- Offer ----------------------------------------------------------------------------------------


def test_offering_basic_freezes_the_working_lines_and_takes_the_case_step(officer, proposed):
    document = offer_basic(officer, proposed, transportation=Decimal("120.00"))
    proposed.refresh_from_db()
    assert (document.status, proposed.status) == (DocumentStatus.OFFERED, CaseStatus.OFFERED)
    assert proposed.offer_expires_on == document.offer_expires_on == proposed.milap_on + dt.timedelta(days=85)
    frozen = list(document.lines.values_list("line_number", "change", "quantity", "unit_cost"))
    assert frozen == [("001", "added", 2, Decimal("1000.00")), ("002", "added", 2, Decimal("1000.00"))]
    # 4000.00 of lines, 120.00 transportation, 3.2% surcharge 128.00, no CAS (no procurement source)
    assert (document.net_estimated_cost, document.administrative_surcharge, document.total_estimated_cost) == (
        Decimal("4000.00"),
        Decimal("128.00"),
        Decimal("4248.00"),
    )
    rows = list(document.payment_schedule.values_list("amount", flat=True))
    assert sum(rows) == document.total_estimated_cost
    keys = list(document.notes.values_list("key", flat=True))
    assert keys == [
        "estimated_prices",
        "administrative_surcharge",
        "transportation",
        "payment_schedule",
        "offer_expiration",
    ]
    event = ApprovalEvent.objects.filter(case=proposed).latest("seq")
    assert (event.action, event.from_status, event.to_status) == ("offer", "proposed", "offered")
    assert event.content_digest == document.content_hash
    assert event.comment.startswith("BASIC offered")


def test_the_hash_is_recomputed_from_the_frozen_rows(officer, proposed):
    document = offer_basic(officer, proposed)
    assert content.content_hash(services.document_content(document)) == document.content_hash


def test_an_offer_without_a_transportation_estimate_is_refused_and_nothing_changes(officer, proposed):
    before = state(proposed)
    with pytest.raises(ValidationFailed, match="Enter the transportation estimate") as refused:
        services.document_offer(actor=officer, case=proposed, label="BASIC")
    assert "transportation" in refused.value.errors
    assert state(proposed) == before


def test_an_entered_schedule_must_sum_to_the_total(officer, proposed):
    today = services.washington_today()
    schedule = [
        {"due_on": today, "amount": Decimal("4000.00")},
        {"due_on": today + dt.timedelta(days=90), "amount": Decimal("127.99")},
    ]
    before = state(proposed)
    with pytest.raises(ValidationFailed, match=r"difference 0\.01") as refused:
        offer_basic(officer, proposed, payment_schedule=schedule)
    assert "payment_schedule" in refused.value.errors
    assert state(proposed) == before


# ---- A draft's payment schedule ------------------------------------------------------------------------

# The proposed case's working lines: net 4000.00, surcharge 3.2% 128.00, transportation entered 0.00.
DRAFT_TOTAL = Decimal("4128.00")


def later(days: int) -> dt.date:
    return services.washington_today() + dt.timedelta(days=days)


def test_a_drafts_schedule_is_replaced_and_frozen_with_the_offer(officer, proposed):
    first = [{"amount": Decimal("4128.00")}]
    services.document_payment_schedule_set(
        actor=officer, case=proposed, label="BASIC", payment_schedule=first, transportation=Decimal("0.00")
    )
    rows = [{"amount": Decimal("1000.00")}, {"due_on": later(100), "amount": Decimal("3128.00")}]
    draft = services.document_payment_schedule_set(actor=officer, case=proposed, label="BASIC", payment_schedule=rows)
    assert (draft.label, draft.status, draft.transportation) == ("BASIC", "draft", Decimal("0.00"))
    assert draft.entered_payment_schedule == [
        {"due_on": None, "amount": "1000.00"},
        {"due_on": later(100).isoformat(), "amount": "3128.00"},
    ]
    offered = services.document_offer(actor=officer, case=proposed, label="BASIC")
    assert offered.total_estimated_cost == DRAFT_TOTAL
    assert list(offered.payment_schedule.values_list("position", "due_on", "amount", "cumulative")) == [
        (1, services.washington_today(), Decimal("1000.00"), Decimal("1000.00")),
        (2, later(100), Decimal("3128.00"), Decimal("4128.00")),
    ]


@pytest.mark.parametrize(
    ("rows", "field", "match"),
    [
        ([{"amount": Decimal("1000.00")}, {"due_on": 100, "amount": Decimal("3127.99")}], "payment_schedule",
         r"sums to 4127\.99, not the total estimated cost 4128\.00 \(difference 0\.01\)"),
        ([{"amount": Decimal("4128.01")}], "payment_schedule", r"\(difference -0\.01\)"),
        ([{"due_on": 0, "amount": Decimal("4128.00")}], "payment_schedule", "Leave the first row's due_on out"),
        ([{"amount": Decimal("1000.00")}, {"amount": Decimal("3128.00")}], "payment_schedule", "row 2: when is it due"),
        ([{"amount": Decimal("1000.00")}, {"due_on": 0, "amount": Decimal("3128.00")}], "payment_schedule",
         "row 2 is not due after the row before it"),
        ([], "payment_schedule", "at least its initial deposit row"),
    ],
)  # fmt: skip
def test_a_draft_schedule_that_does_not_fit_is_refused_and_nothing_is_written(officer, proposed, rows, field, match):
    rows = [{**row, "due_on": later(row["due_on"])} if "due_on" in row else row for row in rows]
    before = state(proposed)
    with pytest.raises(ValidationFailed, match=match) as refused:
        services.document_payment_schedule_set(
            actor=officer, case=proposed, label="BASIC", payment_schedule=rows, transportation=Decimal("0.00")
        )
    assert list(refused.value.errors) == [field]
    assert state(proposed) == before  # not even the BASIC draft


def test_a_draft_schedule_without_the_transportation_estimate_is_refused(officer, proposed):
    with pytest.raises(ValidationFailed, match="Enter the transportation estimate") as refused:
        services.document_payment_schedule_set(
            actor=officer, case=proposed, label="BASIC", payment_schedule=[{"amount": DRAFT_TOTAL}]
        )
    assert list(refused.value.errors) == ["transportation"]


def test_a_frozen_documents_schedule_cannot_be_replaced(officer, proposed):
    offer_basic(officer, proposed)
    before = state(proposed)
    with pytest.raises(TransitionNotAllowed, match="it is offered, and its schedule was frozen with it"):
        services.document_payment_schedule_set(
            actor=officer, case=proposed, label="BASIC", payment_schedule=[{"amount": DRAFT_TOTAL}]
        )
    assert state(proposed) == before


def test_only_staff_who_offer_edit_a_schedule(reviewer, proposed):
    with pytest.raises(NotAllowed, match="permission to edit payment schedules"):
        services.document_payment_schedule_set(
            actor=reviewer, case=proposed, label="BASIC", payment_schedule=[{"amount": DRAFT_TOTAL}]
        )
    assert not LoaDocument.objects.filter(case=proposed).exists()


def test_an_offer_checks_the_draft_schedule_again_against_that_days_total(officer, proposed):
    services.document_payment_schedule_set(
        actor=officer, case=proposed, label="BASIC", payment_schedule=[{"amount": DRAFT_TOTAL}],
        transportation=Decimal("0.00"),
    )  # fmt: skip
    with pytest.raises(ValidationFailed, match=r"difference 100\.00"):
        services.document_offer(actor=officer, case=proposed, label="BASIC", transportation=Decimal("100.00"))
    assert LoaDocument.objects.get(case=proposed, label="BASIC").status == "draft"


def test_a_modification_issues_the_schedule_entered_on_its_draft(officer, reviewer, signatory):
    case, basic = implemented_with_basic(officer, reviewer, signatory)
    services.document_open(actor=officer, case=case, kind="modification", reason="Two payments, not one")
    rows = [{"amount": Decimal("128.00")}, {"due_on": later(30), "amount": Decimal("4000.00")}]
    services.document_payment_schedule_set(
        actor=officer, case=case, label="M01", payment_schedule=rows, transportation=Decimal("0.00")
    )
    issued = services.document_issue(actor=officer, case=case, label="M01")
    assert list(issued.payment_schedule.values_list("amount", flat=True)) == [Decimal("128.00"), Decimal("4000.00")]
    assert list(basic.payment_schedule.values_list("amount", flat=True)) == [DRAFT_TOTAL]


# ---- The database keeps frozen content frozen -------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("UPDATE documents_loadocumentline SET quantity = 5 WHERE document_id = %s", "Cannot update or delete"),
        ("DELETE FROM documents_loadocumentline WHERE document_id = %s", "Cannot update or delete"),
        ("UPDATE documents_loanote SET text = 'x' WHERE document_id = %s", "Cannot update or delete"),
        ("UPDATE documents_paymentschedulerow SET amount = 0 WHERE document_id = %s", "Cannot update or delete"),
        ("UPDATE documents_loadocument SET total_estimated_cost = 1 WHERE id = %s", "loadocument_frozen_content"),
        ("UPDATE documents_loadocument SET content_hash = repeat('0', 64) WHERE id = %s", "is frozen"),
        ("UPDATE documents_loadocument SET title = 'Other' WHERE id = %s", "is frozen"),
        (
            "INSERT INTO documents_loanote (document_id, number, key, title, text) VALUES (%s, 99, 'k', 't', 'x')",
            "no content can be added",
        ),
    ],
)
def test_the_database_refuses_to_change_a_frozen_document(officer, proposed, sql, message):
    document = offer_basic(officer, proposed)
    with pytest.raises(DatabaseError, match=message), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [document.pk])


def test_an_accepted_document_cannot_change_at_all(officer, proposed, signatory):
    document = accept(signatory, offer_basic(officer, proposed))
    with pytest.raises(IntegrityError, match="is accepted: it cannot change"), transaction.atomic():
        LoaDocument.objects.filter(pk=document.pk).update(signatory_name="Someone else")


# ---- Acceptance -------------------------------------------------------------------------------------


def test_the_purchasers_officer_accepts_online_with_the_exact_hash(officer, proposed, signatory):
    document = accept(signatory, offer_basic(officer, proposed))
    proposed.refresh_from_db()
    assert (document.status, document.acceptance_method, document.accepted_by) == ("accepted", "online", signatory)
    assert proposed.status == CaseStatus.ACCEPTED
    event = ApprovalEvent.objects.filter(case=proposed).latest("seq")
    assert (event.action, event.to_status, event.content_digest, event.actor) == (
        "accept",
        "accepted",
        document.content_hash,
        signatory,
    )


def test_staff_record_a_countersigned_copy_with_its_sha256(officer, proposed):
    document = offer_basic(officer, proposed)
    copy = "ab" * 32
    accepted = accept(officer, document, signed_copy_sha256=copy)
    assert (accepted.acceptance_method, accepted.signed_copy_sha256) == ("countersigned_copy", copy)


@pytest.mark.parametrize(
    ("who", "overrides", "error", "match"),
    [
        ("signatory", {"content_hash": "0" * 64}, ContentHashMismatch, "nothing was accepted"),
        ("signatory", {"signatory_name": " "}, ValidationFailed, "Who signs"),
        ("client", {}, NotAllowed, "permission to accept LOAs for JA"),
        ("other_officer", {}, NotFound, "Not found"),
        ("officer", {}, ValidationFailed, "SHA-256"),  # staff without the copy's hash
        ("reviewer", {"signed_copy_sha256": "ab" * 32}, NotAllowed, "record a countersigned acceptance"),
    ],
)
def test_acceptance_refusals_change_nothing(officer, reviewer, proposed, signatory, who, overrides, error, match):
    users = {
        "signatory": signatory,
        "client": UserFactory(username="client_ja", roles=[CLIENT], purchaser_id="JA", is_staff=False),
        "other_officer": UserFactory(
            username="signatory_ks", roles=[CLIENT, CLIENT_OFFICER], purchaser_id="KS", is_staff=False
        ),
        "officer": officer,
        "reviewer": reviewer,
    }
    document = offer_basic(officer, proposed)
    before = state(proposed)
    with pytest.raises(error, match=match):
        accept(users[who], document, **overrides)
    assert state(proposed) == before


def _offer_expiring_on(officer, case: Case, expires_on: dt.date) -> LoaDocument:
    Case.objects.filter(pk=case.pk).update(milap_on=expires_on - dt.timedelta(days=85))
    offered_on = expires_on - dt.timedelta(days=10)
    with mock.patch("django.utils.timezone.now", return_value=_new_york(offered_on, 9, 0)):
        return offer_basic(officer, case)


def _new_york(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NEW_YORK)


def test_the_oed_is_counted_in_washington_time_accepted_at_23_30_on_the_last_day(officer, proposed, signatory):
    last_day = dt.date.today()
    document = _offer_expiring_on(officer, proposed, last_day)
    at = _new_york(last_day, 23, 30)  # already the next day in UTC
    assert at.astimezone(dt.UTC).date() == last_day + dt.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=at):
        accepted = accept(signatory, document)
    assert (accepted.status, accepted.accepted_on) == (DocumentStatus.ACCEPTED, last_day)


def test_the_day_after_the_oed_the_offer_expires_and_the_expiry_is_recorded(officer, proposed, signatory):
    last_day = dt.date.today()
    document = _offer_expiring_on(officer, proposed, last_day)
    with (
        mock.patch(
            "fms.documents.services.timezone.now", return_value=_new_york(last_day + dt.timedelta(days=1), 0, 30)
        ),
        pytest.raises(OfferExpired, match=f"expired on {last_day.isoformat()}"),
    ):
        accept(signatory, document)
    document.refresh_from_db()
    assert document.status == DocumentStatus.EXPIRED
    event = ApprovalEvent.objects.filter(case=proposed).latest("seq")
    assert (event.action, event.actor_name, event.content_digest) == ("expire", "system", document.content_hash)


# ---- Frozen header ---------------------------------------------------------------------------------


def test_the_case_header_is_frozen_from_the_offer(officer, proposed):
    offer_basic(officer, proposed)
    with pytest.raises(HeaderFrozen, match="needs an amendment or a modification") as refused:
        case_services.case_update(actor=officer, case=proposed, title="Renamed")
    assert refused.value.status == 409
    assert "title" in refused.value.errors
    assert case_services.case_update(actor=officer, case=proposed, notes="internal note").notes == "internal note"


# ---- Amendments and modifications ------------------------------------------------------------------


def test_an_amendment_reopens_the_lines_for_review_and_is_offered_and_accepted(officer, reviewer, signatory):
    case, basic = implemented_with_basic(officer, reviewer, signatory)
    amendment = services.document_open(actor=officer, case=case, kind="amendment", reason="Four missiles, not three")
    assert (amendment.label, amendment.supersedes) == ("A01", basic)
    first = lines_of(case)[0]
    changed = case_services.line_item_update(actor=officer, line=first, quantity=3)
    assert changed.review_status == LineStatus.DRAFT
    with pytest.raises(TransitionNotAllowed, match="1 of 2 lines is not approved yet"):
        services.document_offer(actor=officer, case=case, label="A01", transportation=Decimal("0.00"))
    case_services.line_item_submit(actor=officer, line=changed)
    case_services.line_item_approve(actor=reviewer, line=changed)
    offered = services.document_offer(actor=officer, case=case, label="A01", transportation=Decimal("0.00"))
    assert list(offered.lines.values_list("line_number", "change", "quantity")) == [
        ("001", LineChange.CHANGED, 3),
        ("002", LineChange.UNCHANGED, 2),
    ]
    case.refresh_from_db()
    assert (case.status, case.open_document) == (CaseStatus.IMPLEMENTED, "")
    with pytest.raises(TransitionNotAllowed, match="lines can be changed only while"):
        case_services.line_item_update(actor=officer, line=first, quantity=4)
    accept(signatory, offered)
    assert services.effective_document(case).label == "A01"
    actions = list(ApprovalEvent.objects.filter(case=case, line_item=None).values_list("action", flat=True))
    assert actions[-3:] == ["open", "offer", "accept"]


def test_document_steps_name_their_document_in_the_event_and_other_events_none(officer, reviewer, signatory):
    case, _ = implemented_with_basic(officer, reviewer, signatory)
    services.document_open(actor=officer, case=case, kind="modification", reason="Price update")
    services.document_withdraw(actor=officer, case=case, label="M01", reason="Not needed")
    steps = ("propose", "offer", "accept", "implement", "open", "withdraw")
    events = ApprovalEvent.objects.filter(case=case, line_item=None, action__in=steps).order_by("seq")
    assert [(e.action, e.document, e.hash_version) for e in events] == [
        ("propose", None, 3),
        ("offer", "BASIC", 3),
        ("accept", "BASIC", 3),
        ("implement", None, 3),
        ("open", "M01", 3),
        ("withdraw", "M01", 3),
    ]
    assert events.last().comment == "withdrawn: Not needed"  # the label is no longer a prefix of the comment


def test_one_open_draft_at_a_time(officer, reviewer, signatory):
    case, _ = implemented_with_basic(officer, reviewer, signatory)
    services.document_open(actor=officer, case=case, kind="modification", reason="Price update")
    before = state(case)
    with pytest.raises(DraftAlreadyOpen, match="already has M01 open"):
        services.document_open(actor=officer, case=case, kind="amendment", reason="More")
    assert state(case) == before


def test_the_database_allows_one_open_draft(officer, reviewer, signatory):
    case, _ = implemented_with_basic(officer, reviewer, signatory)
    services.document_open(actor=officer, case=case, kind="modification", reason="Price update")
    with pytest.raises(IntegrityError, match="loadocument_one_open_draft"), transaction.atomic():
        LoaDocument.objects.create(case=case, label="A01", kind="amendment", reason="x", created_by=officer)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ("quantity", "line 001 raises the quantity from 2 to 3"),
        ("new_line", "line 003 is new"),
    ],
)
def test_a_modification_that_changes_the_scope_is_refused_naming_the_line(officer, reviewer, signatory, change, match):
    case, _ = implemented_with_basic(officer, reviewer, signatory)
    services.document_open(actor=officer, case=case, kind="modification", reason="Schedule update")
    if change == "quantity":
        line = case_services.line_item_update(actor=officer, line=lines_of(case)[0], quantity=3)
    else:
        line = case_services.line_item_add(actor=officer, case=case, category="other", description="x", quantity=1,
                                           unit_cost=Decimal("1.00"))  # fmt: skip
    case_services.line_item_submit(actor=officer, line=line)
    case_services.line_item_approve(actor=reviewer, line=line)
    before = state(case)
    with pytest.raises(ModificationChangesScope, match=match) as refused:
        services.document_issue(actor=officer, case=case, label="M01", transportation=Decimal("0.00"))
    assert refused.value.status == 409
    assert state(case) == before


def test_a_modification_lowering_a_price_is_issued_at_once(officer, reviewer, signatory):
    case, _ = implemented_with_basic(officer, reviewer, signatory)
    services.document_open(actor=officer, case=case, kind="modification", reason="Lower unit cost")
    line = case_services.line_item_update(actor=officer, line=lines_of(case)[0], unit_cost=Decimal("900.00"))
    case_services.line_item_submit(actor=officer, line=line)
    case_services.line_item_approve(actor=reviewer, line=line)
    issued = services.document_issue(actor=officer, case=case, label="M01", transportation=Decimal("0.00"))
    assert (issued.status, issued.issued_on, issued.offer_expires_on) == ("issued", services.washington_today(), None)
    assert issued.net_estimated_cost == Decimal("3800.00")
    assert services.effective_document(case) == issued
    event = ApprovalEvent.objects.filter(case=case).latest("seq")
    assert (event.action, event.content_digest) == ("issue", issued.content_hash)


def test_withdrawing_a_draft_needs_a_reason_and_closes_the_lines(officer, reviewer, signatory):
    case, _ = implemented_with_basic(officer, reviewer, signatory)
    services.document_open(actor=officer, case=case, kind="amendment", reason="More")
    with pytest.raises(ValidationFailed, match="Say why"):
        services.document_withdraw(actor=officer, case=case, label="A01", reason="")
    withdrawn = services.document_withdraw(actor=officer, case=case, label="A01", reason="Purchaser changed its mind")
    case.refresh_from_db()
    assert (withdrawn.status, case.open_document) == (DocumentStatus.WITHDRAWN, "")


@pytest.mark.parametrize("status", [CaseStatus.WRITE, CaseStatus.OFFERED])
def test_amendments_are_opened_only_on_accepted_or_implemented_cases(officer, reviewer, status):
    case = walk_to(status, officer=officer, reviewer=reviewer)
    with pytest.raises(TransitionNotAllowed, match="only an accepted or implemented case"):
        services.document_open(actor=officer, case=case, kind="amendment", reason="x")


# ---- The hash ------------------------------------------------------------------------------------------


def _paths(value, prefix=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))
    else:
        yield prefix


def _changed(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if value is None:
        return "set"
    return f"{value}x"


def test_every_frozen_field_changes_the_hash(officer, proposed):
    document = offer_basic(officer, proposed)
    frozen = services.document_content(document)
    paths = list(_paths(frozen))
    assert len(paths) > 60  # header, 2 lines, notes, figures, schedule rows
    for path in paths:
        altered = json.loads(json.dumps(frozen))
        target = altered
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = _changed(target[path[-1]])
        assert content.content_hash(altered) != document.content_hash, path


def test_the_same_content_has_the_same_hash_in_a_fresh_process(officer, proposed):
    document = offer_basic(officer, proposed)
    frozen = json.dumps(services.document_content(document))
    program = (
        "import json, sys; from fms.documents.content import content_hash; print(content_hash(json.load(sys.stdin)))"
    )
    result = subprocess.run([sys.executable, "-c", program], input=frozen, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == document.content_hash


# ---- Reinstatement of an offer ------------------------------------------------------------------------


@pytest.fixture
def expired(officer, proposed) -> LoaDocument:
    """BASIC offered eleven days ago, its OED yesterday: recorded expired."""
    document = _offer_expiring_on(officer, proposed, services.washington_today() - dt.timedelta(days=1))
    assert [d.label for d in services.document_expire_due(case=proposed)] == ["BASIC"]
    document.refresh_from_db()
    return document


def test_a_reviewer_reinstates_an_expired_offer_and_the_purchaser_accepts_within_the_new_oed(
    reviewer, proposed, expired, signatory
):
    frozen_oed, frozen_hash = expired.offer_expires_on, expired.content_hash
    new_oed = later(30)
    reinstated = services.document_reinstate(
        actor=reviewer, case=proposed, label="BASIC", offer_expires_on=new_oed, reason="The purchaser's budget passed"
    )
    assert (reinstated.status, reinstated.reinstated_until, reinstated.open_until) == ("offered", new_oed, new_oed)
    # What was offered stays as frozen: the OED in the hashed header and the hash itself.
    assert (reinstated.offer_expires_on, reinstated.content_hash) == (frozen_oed, frozen_hash)
    assert content.content_hash(services.document_content(reinstated)) == frozen_hash
    proposed.refresh_from_db()
    assert proposed.offer_expires_on == new_oed
    event = ApprovalEvent.objects.filter(case=proposed).latest("seq")
    assert (event.action, event.document, event.actor_name) == ("reinstate", "BASIC", "reviewer")
    assert event.comment == f"offer reinstated until {new_oed.isoformat()}: The purchaser's budget passed"
    expected = {"content_hash": frozen_hash, "label": "BASIC", "open_until": new_oed.isoformat()}
    assert event.content_digest == hashlib.sha256(json.dumps(expected, separators=(",", ":")).encode()).hexdigest()
    accepted = accept(signatory, reinstated)
    proposed.refresh_from_db()
    assert (accepted.status, proposed.status) == ("accepted", CaseStatus.ACCEPTED)


def test_only_a_reviewer_reinstates_an_offer(officer, superuser, proposed, expired):
    before = state(proposed)
    for who in (officer, superuser):  # an administrator decides nothing for a role it does not hold
        with pytest.raises(NotAllowed, match="Only a reviewer reinstates an offer"):
            services.document_reinstate(actor=who, case=proposed, label="BASIC", offer_expires_on=later(30), reason="x")
    assert state(proposed) == before


@pytest.mark.parametrize(
    ("days", "reason", "field"),
    [(30, "  ", "reason"), (0, "Budget passed", "offer_expires_on"), (-3, "Budget passed", "offer_expires_on")],
)
def test_a_reinstatement_needs_a_reason_and_a_later_oed(reviewer, proposed, expired, days, reason, field):
    before = state(proposed)
    with pytest.raises(ValidationFailed) as refused:
        services.document_reinstate(
            actor=reviewer, case=proposed, label="BASIC", offer_expires_on=later(days), reason=reason
        )
    assert list(refused.value.errors) == [field]
    assert state(proposed) == before


def test_an_offered_document_is_extended_but_not_shortened(officer, reviewer, proposed):
    document = offer_basic(officer, proposed)
    with pytest.raises(ValidationFailed, match=f"after the one in force, {document.offer_expires_on.isoformat()}"):
        services.document_reinstate(
            actor=reviewer, case=proposed, label="BASIC", offer_expires_on=document.offer_expires_on, reason="x"
        )
    longer = document.offer_expires_on + dt.timedelta(days=10)
    extended = services.document_reinstate(
        actor=reviewer, case=proposed, label="BASIC", offer_expires_on=longer, reason="Holidays"
    )
    assert (extended.status, extended.open_until) == ("offered", longer)


def test_an_accepted_or_withdrawn_document_is_not_reinstated(officer, reviewer, signatory):
    case, _ = implemented_with_basic(officer, reviewer, signatory)
    services.document_open(actor=officer, case=case, kind="amendment", reason="More")
    services.document_withdraw(actor=officer, case=case, label="A01", reason="Not needed")
    before = state(case)
    for label, status in (("BASIC", "accepted"), ("A01", "withdrawn")):
        with pytest.raises(TransitionNotAllowed, match=f"it is {status}; only an offered or expired offer"):
            services.document_reinstate(actor=reviewer, case=case, label=label, offer_expires_on=later(30), reason="x")
    assert state(case) == before


def test_the_database_lets_an_expired_document_out_only_by_a_later_oed(proposed, expired):
    with pytest.raises(DatabaseError, match="it cannot change any more"), transaction.atomic():
        LoaDocument.objects.filter(pk=expired.pk).update(status="offered")
    with pytest.raises(DatabaseError, match="it cannot change any more"), transaction.atomic():
        LoaDocument.objects.filter(pk=expired.pk).update(status="offered", reinstated_until=expired.offer_expires_on)
    with pytest.raises(DatabaseError, match="is frozen"), transaction.atomic():
        LoaDocument.objects.filter(pk=expired.pk).update(status="offered", reinstated_until=later(5),
                                                         offer_expires_on=later(5))  # fmt: skip

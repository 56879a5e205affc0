"""The admin: every change goes through the services, with refusals as messages (its pages: test_admin_pages.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from fms.accounts.models import User
from fms.cases.choices import CaseAction, CaseStatus, LineStatus
from fms.cases.models import Case, LineItem
from fms.cases.services import line_item_update
from fms.ledger.models import ApprovalEvent
from fms.ledger.verification import verify_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_cases(demo_cases_for_the_module):
    """Every test here starts from the cases-only demo: loaded once for the module (tests/conftest.py)."""


def login(client, username: str):
    client.force_login(User.objects.get(username=username))
    return client


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def step(client, case: Case, action: str, comment: str = ""):
    case.refresh_from_db()
    return client.post(
        reverse("admin:cases_case_step", args=[case.pk]),
        {"action": action, "version": case.version, "comment": comment},
        follow=True,
    )


def decide(client, line: LineItem, action: str, comment: str = ""):
    line.refresh_from_db()
    return client.post(
        reverse("admin:cases_case_line_step", args=[line.case_id, line.pk]),
        {"action": action, "version": line.version, "comment": comment},
        follow=True,
    )


def take_on_the_document_pages(officer, japan: Case, action: str) -> None:
    """The admin's offer and accept lead to the BASIC document's pages (DESIGN §4.3)."""
    if action == CaseAction.OFFER:
        offer = reverse("document-offer", args=[japan.case_id, "BASIC"])
        offered = officer.post(offer, {"transportation": "1300000.00"}, follow=True)
        assert "BASIC offered" in offered.content.decode()
        return
    basic = japan.documents.get(label="BASIC")
    accepted = officer.post(
        reverse("document-detail", args=[japan.case_id, "BASIC"]),
        {
            "content_hash": basic.content_hash,
            "signatory_name": "Taro Yamada",
            "signatory_title": "Director",
            "accepted_on": basic.offered_on.isoformat(),
            "signed_copy_sha256": "ab" * 32,
        },
        follow=True,
    )
    assert f"BASIC accepted for content {basic.content_hash}" in accepted.content.decode()


def test_the_japan_case_walks_from_development_to_accepted_in_the_admin(client, demo_cases):
    japan = Case.objects.get(case_id="JA-P-SAA")
    officer, reviewer = login(client.__class__(), "officer"), login(client.__class__(), "reviewer")

    # LOR dates are not public; the officer records the received date before writing starts.
    change = officer.get(admin_url(Case, "change", japan.pk))
    assert "Not yet: the date the Letter of Request was received" in change.content.decode()
    form = {
        "title": japan.title,
        "lor_received_on": "2017-11-01",
        "notification": japan.notification_id,
        "description": japan.description,
        "notes": japan.notes,
        "read_version": japan.version,
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    response = officer.post(admin_url(Case, "change", japan.pk), form, follow=True)
    assert response.status_code == 200
    japan.refresh_from_db()
    assert japan.lor_received_on == dt.date(2017, 11, 1)
    # The LOA's prices (as the demo's story sets them): the notified $133.3M must hold the BASIC
    # document's total with its surcharge and transportation, or the offer is refused for room.
    for number, unit_cost in (("001", "24000000.00"), ("003", "25000000.00")):
        line = japan.lines.get(line_number=number)
        line_item_update(actor=User.objects.get(username="officer"), line=line, unit_cost=Decimal(unit_cost))

    events_before = ApprovalEvent.objects.filter(case=japan).count()
    for line in japan.lines.all():
        assert "submitted" in decide(officer, line, "submit").content.decode()
        assert "is now approved" in decide(reviewer, line, "approve", "Matches the LOR").content.decode()
    steps = [
        (officer, CaseAction.START_WRITE),
        (officer, CaseAction.SUBMIT_REVIEW),
        (reviewer, CaseAction.PROPOSE),
        (officer, CaseAction.OFFER),
        (officer, CaseAction.ACCEPT),
    ]
    for who, action in steps:
        if action in (CaseAction.OFFER, CaseAction.ACCEPT):
            # The workflow panel links to the document instead; a posted bare step is refused, naming the route.
            page = who.get(admin_url(Case, "change", japan.pk)).content.decode()
            assert reverse("document-offer" if action == CaseAction.OFFER else "document-detail",
                           args=[japan.case_id, "BASIC"]) in page  # fmt: skip
            refused = step(who, japan, action).content.decode()
            assert f"/api/v1/cases/{japan.case_id}/documents/BASIC/{action}/" in refused
            take_on_the_document_pages(who, japan, action)
            continue
        response = step(who, japan, action)
        assert response.status_code == 200
        assert "is now" in response.content.decode(), action
    # From acceptance on the case moves on execution data (tests/execution): the admin's step is refused
    # with the guard's reason, nothing written.
    refused = step(officer, japan, CaseAction.IMPLEMENT).content.decode()
    assert "(the payment schedule&#x27;s first row) is not received: $0.00 recorded" in refused
    japan.refresh_from_db()
    assert japan.status == CaseStatus.ACCEPTED
    assert ApprovalEvent.objects.filter(case=japan).count() == events_before + 6 + len(steps)
    assert verify_ledger([japan.pk]).ok


def test_a_refused_step_is_a_message_not_a_500(client, demo_cases):
    japan = Case.objects.get(case_id="JA-P-SAA")
    officer = login(client, "officer")
    response = step(officer, japan, CaseAction.START_WRITE)
    assert response.status_code == 200
    assert "lor_received_on" in response.content.decode()
    response = step(officer, japan, CaseAction.PROPOSE)
    assert "cannot propose" in response.content.decode()
    japan.refresh_from_db()
    assert japan.status == CaseStatus.DEVELOPMENT


def test_an_officer_cannot_approve_from_the_admin(client, demo_cases):
    japan = Case.objects.get(case_id="JA-P-SAA")
    line = japan.lines.first()
    officer = login(client, "officer")
    decide(officer, line, "submit")
    response = decide(officer, line, "approve")
    assert "permission" in response.content.decode()
    line.refresh_from_db()
    assert line.review_status == LineStatus.SUBMITTED


def test_a_stale_decision_is_refused_with_a_message(client, demo_cases):
    line = Case.objects.get(case_id="JA-P-SAA").lines.first()
    decide(login(client.__class__(), "officer"), line, "submit")
    line.refresh_from_db()
    reviewer = login(client, "reviewer")
    response = reviewer.post(
        reverse("admin:cases_case_line_step", args=[line.case_id, line.pk]),
        {"action": "approve", "version": line.version - 1},
        follow=True,
    )
    assert "changed since you read it" in response.content.decode()
    line.refresh_from_db()
    assert line.review_status == LineStatus.SUBMITTED


def test_adding_a_case_and_lines_in_the_admin_goes_through_the_services(client, demo_cases):
    officer = login(client, "officer")
    form = {
        "case_id": "KS-B-NEW",
        "purchaser": "KS",
        "implementing_agency": "B",
        "title": "Added in the admin",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-category": "training",
        "lines-0-description": "Courses",
        "lines-0-quantity": "3",
        "lines-0-unit_of_issue": "EA",
        "lines-0-unit_cost": "1000.10",
    }
    response = officer.post(admin_url(Case, "add"), form, follow=True)
    assert response.status_code == 200
    case = Case.objects.get(case_id="KS-B-NEW")
    assert case.total_value == Decimal("3000.30")
    assert list(ApprovalEvent.objects.filter(case=case).values_list("action", flat=True)) == ["create", "add"]
    assert case.lines.get().created_by.username == "officer"


def test_ledger_pages_are_read_only(client, demo_cases):
    login(client, "admin")
    event = ApprovalEvent.objects.first()
    assert client.post(admin_url(ApprovalEvent, "change", event.pk), {"comment": "x"}).status_code == 403
    assert client.get(admin_url(ApprovalEvent, "add")).status_code == 403


# ---- Stale admin saves (issue 10 part 6) ------------------------------------------------------------


def case_form(case: Case, **changes) -> dict:
    form = {
        "title": case.title,
        "lor_received_on": case.lor_received_on or "",
        "notification": case.notification_id or "",
        "description": case.description,
        "notes": case.notes,
        "read_version": case.version,
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    return {**form, **changes}


def test_the_case_change_page_carries_the_version_it_shows(client, demo_cases):
    japan = Case.objects.get(case_id="JA-P-SAA")
    page = login(client, "officer").get(admin_url(Case, "change", japan.pk)).content.decode()
    assert f'name="read_version" value="{japan.version}"' in page


def test_a_stale_admin_case_save_is_refused_with_the_form_kept(client, demo_cases):
    from fms.cases import services

    japan = Case.objects.get(case_id="JA-P-SAA")
    read = case_form(japan)  # what the officer's page holds
    colleague = User.objects.get(username="officer")
    services.case_update(actor=colleague, case=japan, expected_version=japan.version, notes="The colleague's note")
    japan.refresh_from_db()

    response = login(client, "officer").post(admin_url(Case, "change", japan.pk), {**read, "notes": "My own note"})

    assert response.status_code == 200  # the form again, not a redirect
    page = response.content.decode()
    assert "was changed by someone else since you opened it" in page
    assert f"You opened version {read['read_version']}; it is now version {japan.version}" in page
    assert "My own note" in page  # what the officer typed is kept
    assert f'name="read_version" value="{japan.version}"' in page  # saving again replaces, knowingly
    unchanged = Case.objects.get(pk=japan.pk)
    assert (unchanged.notes, unchanged.version) == ("The colleague's note", japan.version)

    again = client.post(
        admin_url(Case, "change", japan.pk), {**read, "notes": "My own note", "read_version": japan.version}
    )
    assert again.status_code == 302
    assert Case.objects.get(pk=japan.pk).notes == "My own note"


def test_an_admin_case_save_without_a_version_is_refused(client, demo_cases):
    japan = Case.objects.get(case_id="JA-P-SAA")
    form = case_form(japan, notes="No version")
    del form["read_version"]
    response = login(client, "officer").post(admin_url(Case, "change", japan.pk), form)
    assert response.status_code == 200
    assert "opened without a version" in response.content.decode()
    assert Case.objects.get(pk=japan.pk).version == japan.version


def test_the_admin_passes_the_version_read_to_the_service(client, demo_cases, monkeypatch):
    from fms.cases import services

    japan = Case.objects.get(case_id="JA-P-SAA")
    seen = {}
    real = services.case_update

    def spy(**kwargs):
        seen.update(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, "case_update", spy)
    login(client, "officer").post(admin_url(Case, "change", japan.pk), case_form(japan, notes="Checked"))
    assert seen["expected_version"] == japan.version
    assert seen["notes"] == "Checked"


def test_a_stale_admin_line_save_is_refused_with_the_form_kept(client, demo_cases):
    from fms.cases import services

    line = LineItem.objects.get(case__case_id="JA-P-SAA", line_number="001")
    read_version = line.version
    services.line_item_update(actor=User.objects.get(username="officer"), line=line, description="Colleague's text")
    line.refresh_from_db()
    form = {
        "category": line.category,
        "description": "My text",
        "masl": line.masl,
        "quantity": line.quantity,
        "unit_of_issue": line.unit_of_issue,
        "unit_cost": line.unit_cost,
        "read_version": read_version,
    }
    response = login(client, "officer").post(admin_url(LineItem, "change", line.pk), form)
    assert response.status_code == 200
    assert "was changed by someone else since you opened it" in response.content.decode()
    assert "My text" in response.content.decode()
    assert LineItem.objects.get(pk=line.pk).description == "Colleague's text"


def test_a_stale_line_in_the_case_inline_is_refused(client, demo_cases):
    from fms.cases import services

    japan = Case.objects.get(case_id="JA-P-SAA")
    line = japan.lines.get(line_number="001")
    read_version = line.version
    services.line_item_update(actor=User.objects.get(username="officer"), line=line, quantity=line.quantity + 1)
    japan.refresh_from_db()
    form = case_form(japan)
    form.update(
        {
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "1",
            "lines-0-id": line.pk,
            "lines-0-case": japan.pk,
            "lines-0-category": line.category,
            "lines-0-description": "Typed over a stale line",
            "lines-0-masl": line.masl,
            "lines-0-quantity": line.quantity,  # the old quantity, as the stale page showed it
            "lines-0-unit_of_issue": line.unit_of_issue,
            "lines-0-unit_cost": line.unit_cost,
            "lines-0-read_version": read_version,
        }
    )
    response = login(client, "officer").post(admin_url(Case, "change", japan.pk), form)
    assert response.status_code == 200
    assert "was changed by someone else since you opened it" in response.content.decode()
    fresh = LineItem.objects.get(pk=line.pk)
    assert (fresh.quantity, fresh.description) == (line.quantity + 1, line.description)


@pytest.mark.parametrize(("field", "limit"), [("description", 10_000), ("notes", 20_000)])
def test_admin_case_text_beyond_its_limit_is_refused_next_to_the_field(client, demo_cases, field, limit):
    japan = Case.objects.get(case_id="JA-P-SAA")
    response = login(client, "officer").post(
        admin_url(Case, "change", japan.pk), case_form(japan, **{field: "x" * (limit + 1)})
    )
    assert response.status_code == 200
    assert f"Ensure this value has at most {limit} characters" in response.content.decode()
    assert Case.objects.get(pk=japan.pk).version == japan.version

"""The pages let the work go on: confirmations for destructive steps, bulk decisions, stale forms
that keep what was typed, money typed as people type it, inboxes and the return path."""

import re

import pytest
from django.urls import reverse

from fms.cases import services
from fms.cases.choices import CaseAction, CaseStatus, LineAction, LineStatus
from fms.cases.forms import LineForm
from fms.cases.models import Case, LineItem
from fms.ledger.models import ApprovalEvent
from tests.factories import lines_of, make_case

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return re.findall(r'<li class="message [a-z]+">([^<]*)</li>', response.content.decode())


def case_in_review(officer, lines: int = 3) -> Case:
    case = make_case(officer, lines=lines)
    for line in lines_of(case):
        services.line_item_submit(actor=officer, line=line)
    for action in (CaseAction.START_WRITE, CaseAction.SUBMIT_REVIEW):
        case = services.case_transition(actor=officer, case=case, action=action)
    return case


def state(case: Case) -> tuple:
    case.refresh_from_db()
    lines = tuple(case.lines.order_by("line_number").values_list("review_status", "version", "removed_at"))
    return case.status, case.version, ApprovalEvent.objects.filter(case=case).count(), lines


# ---- Destructive steps are confirmed on a page of their own ----------------------------------------


def test_cancel_without_confirmation_changes_nothing_and_with_it_records_the_reason(client, officer):
    case = make_case(officer, lines=1)
    before = state(case)
    client = signed_in(client, officer)
    # The old one-click form (action=cancel) and the link both land on the confirmation page.
    asked = client.post(reverse("case-step", args=[case.case_id]), {"action": "cancel", "version": case.version})
    assert asked.status_code == 200
    assert f"Cancel {case.case_id}?" in asked.content.decode()
    assert "moves from Development to Cancelled" in asked.content.decode()
    assert client.get(reverse("case-cancel", args=[case.case_id])).status_code == 200
    assert state(case) == before
    # Confirmed without a reason: refused, nothing changes.
    url = reverse("case-cancel", args=[case.case_id])
    no_reason = client.post(url, {"confirmed": "1", "version": case.version, "comment": " "})
    assert no_reason.status_code == 400
    assert "Give the reason for cancelling" in no_reason.content.decode()
    assert state(case) == before
    done = client.post(url, {"confirmed": "1", "version": case.version, "comment": "Purchaser withdrew the LOR."})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED
    event = ApprovalEvent.objects.filter(case=case).order_by("-seq").first()
    assert (event.action, event.actor, event.comment) == (CaseAction.CANCEL, officer, "Purchaser withdrew the LOR.")


def test_reject_without_confirmation_changes_nothing_and_with_it_records_the_reason(client, officer, reviewer):
    case = case_in_review(officer, lines=1)
    line = lines_of(case)[0]
    before = state(case)
    client = signed_in(client, reviewer)
    step = reverse("line-step", args=[case.case_id, line.line_number])
    asked = client.post(step, {"action": "reject", "version": line.version, "comment": "Not releasable."})
    assert asked.status_code == 200
    body = asked.content.decode()
    assert f"Reject line 001 of {case.case_id}?" in body
    assert "goes back from Review to Write" in body
    assert ">Not releasable.</textarea>" in body  # the reason typed so far is kept
    assert state(case) == before
    done = client.post(
        step, {"action": "reject", "version": line.version, "comment": "Not releasable.", "confirmed": "1"}
    )
    assert done.status_code == 302
    line.refresh_from_db()
    case.refresh_from_db()
    assert (line.review_status, case.status) == (LineStatus.REJECTED, CaseStatus.WRITE)
    actions = list(ApprovalEvent.objects.filter(case=case).order_by("-seq").values_list("action", "comment")[:2])
    assert actions == [
        (CaseAction.RETURN, "Line 001 rejected: Not releasable."),
        (LineAction.REJECT, "Not releasable."),
    ]


def test_remove_is_confirmed_with_a_reason(client, officer):
    case = make_case(officer, lines=2)
    line = lines_of(case)[1]
    before = state(case)
    client = signed_in(client, officer)
    url = reverse("line-remove", args=[case.case_id, line.line_number])
    asked = client.post(url, {"version": line.version})
    assert "Remove line 002 from" in asked.content.decode()
    assert "Its number 002 is never reused" in asked.content.decode()
    assert state(case) == before
    client.post(url, {"version": line.version, "confirmed": "1", "comment": "Duplicate of line 001."})
    line.refresh_from_db()
    assert line.removed_at is not None
    assert ApprovalEvent.objects.filter(line_item=line, action=LineAction.REMOVE).get().comment == (
        "Duplicate of line 001."
    )


# ---- Bulk decisions: one service call, event and digest per line; failures reported per line ----------


def bulk(client, action: str, lines: list[LineItem], comment: str = "", versions: dict | None = None, next_url=""):
    data = {"action": action, "comment": comment, "next": next_url, "line": []}
    for line in lines:
        key = f"{line.case.case_id}/{line.line_number}"
        data["line"].append(key)
        data[f"version:{key}"] = (versions or {}).get(line.line_number, line.version)
    return client.post(reverse("lines-bulk"), data, follow=True)


def test_bulk_submit_then_approve_two_and_return_one_with_one_comment(client, officer, reviewer):
    case = make_case(officer, lines=3)
    case = services.case_transition(actor=officer, case=case, action=CaseAction.START_WRITE)
    response = bulk(signed_in(client, officer), "submit", lines_of(case))
    assert f"Submitted 3 lines: {case.case_id} line 001, {case.case_id} line 002" in messages_of(response)[0]
    case = services.case_transition(actor=officer, case=case, action=CaseAction.SUBMIT_REVIEW)
    first, second, third = lines_of(case)
    client.logout()
    client = signed_in(client, reviewer)
    bulk(client, "approve", [first, second])
    response = bulk(client, "return", [third], comment="One lot, not two.")
    assert "went back to Write" in messages_of(response)[0]
    statuses = dict(case.lines.values_list("line_number", "review_status"))
    assert statuses == {"001": "approved", "002": "approved", "003": "returned"}
    case.refresh_from_db()
    assert case.status == CaseStatus.WRITE
    # Each line got its own event with its own digest.
    approvals = ApprovalEvent.objects.filter(case=case, action=LineAction.APPROVE).order_by("seq")
    assert [e.line_item.line_number for e in approvals] == ["001", "002"]
    assert len({e.content_digest for e in approvals}) == 2  # each the digest of its own line
    line_return = ApprovalEvent.objects.get(case=case, action=LineAction.RETURN, line_item__isnull=False)
    assert line_return.comment == "One lot, not two."


def test_a_bulk_step_with_one_stale_line_does_the_others_and_names_the_refused_one(client, officer, reviewer):
    case = case_in_review(officer, lines=3)
    first, second, third = lines_of(case)
    response = bulk(
        signed_in(client, reviewer), "approve", [first, second, third], versions={"002": second.version - 1}
    )
    words = messages_of(response)
    assert words[0] == f"Approved 2 lines: {case.case_id} line 001, {case.case_id} line 003."
    assert words[1].startswith(f"Not approved: {case.case_id} line 002 changed since you opened this page")
    statuses = dict(case.lines.values_list("line_number", "review_status"))
    assert statuses == {"001": "approved", "002": "submitted", "003": "approved"}


def test_bulk_return_needs_the_comment_and_the_author_is_refused_per_line(client, officer, reviewer):
    case = case_in_review(officer, lines=2)
    before = state(case)
    client = signed_in(client, reviewer)
    response = bulk(client, "return", lines_of(case), comment="")
    assert "one comment is required, nothing was returned" in messages_of(response)[0]
    assert state(case) == before
    client.logout()
    officer.groups.add(reviewer.groups.get())
    officer = type(officer).objects.get(pk=officer.pk)
    response = bulk(signed_in(client, officer), "approve", lines_of(case))
    assert all("another reviewer must decide" in m for m in messages_of(response))
    assert state(case) == before


# ---- Stale forms: refused, typed values kept, the other change shown beside them ---------------------


def test_a_stale_line_edit_keeps_what_was_typed_and_shows_the_other_change(client, officer, officer2):
    case = make_case(officer, lines=1)
    line = lines_of(case)[0]
    url = reverse("line-edit", args=[case.case_id, line.line_number])
    form_page = signed_in(client, officer).get(url).content.decode()
    read_version = re.search(r'name="version" value="(\d+)"', form_page)[1]
    # Meanwhile officer2 changes the unit cost.
    services.line_item_update(actor=officer2, line=line, unit_cost="1500.00")
    data = {
        "category": line.category,
        "description": "Spare parts, revised by the first officer",
        "quantity": "2",
        "unit_of_issue": "ea",
        "unit_cost": "1,000.00",
        "version": read_version,
        # the values the form showed, as Django's hidden initial inputs carry them
        "initial-category": line.category,
        "initial-description": line.description,
        "initial-masl": "",
        "initial-quantity": "2",
        "initial-unit_of_issue": "EA",
        "initial-unit_cost": "1000.00",
        "initial-is_mde": "False",
        "initial-is_sme": "False",
    }
    refused = client.post(url, data)
    assert refused.status_code == 409
    body = refused.content.decode()
    assert "Changed by someone else while you edited" in body
    assert re.search(r"<th scope=\"row\">Unit cost</th><td>\$1,000.00</td><td><b>\$1,500.00</b></td>", body)
    assert "Spare parts, revised by the first officer</textarea>" in body  # typed text kept
    assert "officer2 changed line 001" in body
    line.refresh_from_db()
    assert (line.description, str(line.unit_cost)) == ("Spare parts", "1500.00")
    # Saving again from the refreshed form (it now carries the current version) goes through.
    again = {**data, "version": str(line.version), "initial-unit_cost": "1500.00"}
    assert client.post(url, again).status_code == 302
    line.refresh_from_db()
    assert (line.description, str(line.unit_cost), line.unit_of_issue) == (
        "Spare parts, revised by the first officer",
        "1000.00",
        "EA",
    )


def test_an_edit_without_the_version_is_refused_not_applied(client, officer):
    case = make_case(officer, lines=1)
    line = lines_of(case)[0]
    url = reverse("line-edit", args=[case.case_id, line.line_number])
    data = {"category": line.category, "description": "No version", "quantity": "2", "unit_of_issue": "EA"}
    refused = signed_in(client, officer).post(url, {**data, "unit_cost": "1000.00"})
    assert refused.status_code == 200
    assert "missing the version it was read at" in refused.content.decode()
    assert LineItem.objects.get(pk=line.pk).description == "Spare parts"
    for crafted in ("²", "0", "-1", "1e3", "99999999999"):
        answer = client.post(url, {**data, "unit_cost": "1000.00", "version": crafted})
        assert answer.status_code == 200, crafted
        assert "version" in answer.content.decode()


def test_a_stale_case_edit_keeps_the_typed_title(client, officer, officer2):
    case = make_case(officer, lines=0)
    url = reverse("case-edit", args=[case.case_id])
    signed_in(client, officer)
    services.case_update(actor=officer2, case=case, title="Title by officer2")
    refused = client.post(
        url,
        {"title": "Title by officer", "version": case.version, "initial-title": "Test case", "lor_received_on": ""},
    )
    assert refused.status_code == 409
    body = refused.content.decode()
    assert 'value="Title by officer"' in body
    assert "<b>Title by officer2</b>" in body
    assert Case.objects.get(pk=case.pk).title == "Title by officer2"


# ---- Money typed as people type it -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("2,125,000.00", "2125000.00"), ("$2,125,000.00", "2125000.00"), ("2125000", "2125000.00"), ("0.5", "0.50")],
)
def test_money_is_text_with_grouping_accepted(typed, amount):
    form = LineForm(
        {"category": "other", "description": "x", "quantity": "20", "unit_of_issue": "ea", "unit_cost": typed}
    )
    assert form.is_valid(), form.errors
    assert str(form.cleaned_data["unit_cost"]) == amount
    assert form.cleaned_data["unit_of_issue"] == "EA"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2125000.005", "Give at most two decimals (cents): 2125000.005 has 3."),
        ("2,12,5000.00", "Enter an amount in dollars"),
        ("١٢٣.٠٠", "Enter an amount in dollars"),
        ("-5.00", "Enter an amount in dollars"),
    ],
)
def test_money_refused_next_to_the_field(typed, message):
    form = LineForm(
        {"category": "other", "description": "x", "quantity": "1", "unit_of_issue": "EA", "unit_cost": typed}
    )
    assert not form.is_valid()
    assert message in form.errors["unit_cost"][0]


def test_the_money_field_renders_as_text_with_a_decimal_keypad_and_the_live_total_script(client, officer):
    case = make_case(officer, lines=0)
    body = signed_in(client, officer).get(reverse("line-create", args=[case.case_id])).content.decode()
    field = re.search(r"<input[^>]*name=\"unit_cost\"[^>]*>", body)[0]
    assert 'type="text"' in field
    assert 'inputmode="decimal"' in field
    assert '<span class="prefix" aria-hidden="true">$</span>' in body
    assert "/static/fms/line-total.js" in body
    added = client.post(
        reverse("line-create", args=[case.case_id]),
        {
            "category": "other",
            "description": "Radar",
            "quantity": "20",
            "unit_of_issue": "ea",
            "unit_cost": "2,125,000.00",
        },
    )
    assert added.status_code == 302
    line = case.lines.get()
    assert (str(line.total_cost), line.unit_of_issue) == ("42500000.00", "EA")


# ---- The return path on the pages, and the inbox ------------------------------------------------------------


def test_the_officer_sees_what_happened_and_edit_and_resubmit(client, officer, reviewer):
    case = case_in_review(officer, lines=2)
    services.line_item_return(actor=reviewer, line=lines_of(case)[1], comment="One lot, not two.")
    body = signed_in(client, officer).get(reverse("case-detail", args=[case.case_id])).content.decode()
    assert "Sent back for changes" in body
    assert "was returned by reviewer" in body
    assert "One lot, not two." in body
    assert f'href="{reverse("line-edit", args=[case.case_id, "002"])}">Edit and resubmit line 002' in body
    assert "reviewer sent the case back to Write (Review → Write)" in body.replace("</span>", "").replace(
        '<span class="what">', ""
    ).replace('<span class="who">', "").replace("\n        ", " ")


def test_inboxes_by_role(client, officer, reviewer, reviewer2):
    case = case_in_review(officer, lines=2)
    second = lines_of(case)[1]
    services.line_item_return(actor=reviewer, line=second, comment="One lot, not two.")
    inbox = signed_in(client, officer).get(reverse("inbox")).content.decode()
    assert "Lines sent back to you" in inbox
    assert "One lot, not two." in inbox
    assert f'href="{reverse("line-edit", args=[case.case_id, "002"])}">Edit and resubmit' in inbox
    # Once every line is submitted or approved again, the case waits on the officer's step.
    fixed = services.line_item_update(actor=officer, line=LineItem.objects.get(pk=second.pk), quantity=1)
    services.line_item_submit(actor=officer, line=fixed)
    inbox = client.get(reverse("inbox")).content.decode()
    assert "No line of yours is returned or rejected." in inbox
    assert re.search(rf"{case.case_id}</a>[^<]*\(Write\): next, <b>Submit for review</b>", inbox)
    header = client.get(reverse("case-list")).content.decode()
    assert re.search(r'Inbox <span class="count"[^>]*>1</span>', header)
    client.logout()
    inbox = signed_in(client, reviewer).get(reverse("inbox")).content.decode()
    assert "Lines you returned that came back" in inbox
    assert "you had said: <q>One lot, not two.</q>" in inbox
    assert 'Your review queue <span class="count">2</span>' in inbox
    client.logout()
    other = signed_in(client, reviewer2).get(reverse("inbox")).content.decode()
    assert "None of the lines you returned has been resubmitted yet." in other


def test_the_dashboard_shows_the_inbox_count_first(client, officer, reviewer):
    case = case_in_review(officer, lines=1)
    services.line_item_return(actor=reviewer, line=lines_of(case)[0], comment="Fix it.")
    body = signed_in(client, officer).get(reverse("dashboard")).content.decode()
    tiles = body[body.index('<section class="tiles">') :]
    assert tiles.index("waiting on you (inbox)") < tiles.index("cases</span>")
    assert re.search(r'<span class="tile-value">1</span><span class="tile-label">waiting on you', body)


def test_a_refused_line_is_marked_on_its_own_row_with_the_selection_and_comment_kept(client, officer, reviewer):
    case = case_in_review(officer, lines=3)
    first, second, third = lines_of(case)
    page = reverse("case-detail", args=[case.case_id])
    client = signed_in(client, reviewer)
    response = bulk(client, "return", [first, second], comment="Recheck the MASL.", versions={"002": 1}, next_url=page)
    assert response.status_code == 409
    body = response.content.decode()
    row = body[body.index(f'value="{case.case_id}/002"') : body.index(f'value="{case.case_id}/003"')]
    assert "checked" in row
    assert f"{case.case_id} line 002 changed since you opened this page" in row
    assert 'id="bulk-comment" value="Recheck the MASL."' in body
    assert dict(case.lines.values_list("line_number", "review_status")) == {
        "001": "returned",
        "002": "submitted",
        "003": "submitted",
    }
    # One line decided from the queue, stale: the queue comes back with the error and the comment in that row.
    queue = reverse("review-queue")
    url = reverse("line-step", args=[case.case_id, third.line_number])
    refused = client.post(url, {"action": "approve", "version": 1, "comment": "Fine by me", "next": queue})
    assert refused.status_code == 409
    body = refused.content.decode()
    row = body[body.index(f'value="{case.case_id}/003"') :]
    assert "Line 003 changed since you opened this page" in row
    assert 'value="Fine by me"' in row

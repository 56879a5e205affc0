"""The web pages of a case still in development (the cases-only demo: JA-P-SAA before its offer) and
the review queue's order on a database of its own. The pages on the whole demo: test_views."""

import datetime as dt

import pytest
from django.urls import reverse

from fms.cases import selectors, services
from fms.cases.models import LineItem
from tests.cases.pages import as_user, page
from tests.factories import line_data

pytestmark = pytest.mark.django_db


def test_buttons_only_for_steps_the_user_may_take_and_reasons_for_the_others(client, demo_cases):
    officer = page(as_user(client, "officer"), "case-detail", "JA-P-SAA").content.decode()
    assert "disabled>Start writing</button>" in officer
    assert "Not yet: the date the Letter of Request was received is not set." in officer
    assert "To unblock: a case officer enters the date the Letter of Request was received (Edit case)." in officer
    assert reverse("case-cancel", args=["JA-P-SAA"]) in officer  # cancelling is confirmed on its own page
    assert 'value="submit"' in officer  # draft lines can be submitted by their officer
    assert 'value="approve"' not in officer
    reviewer = page(as_user(client, "reviewer"), "case-detail", "JA-P-SAA").content.decode()
    assert "disabled>Start writing</button>" not in reviewer
    assert reverse("case-cancel", args=["JA-P-SAA"]) not in reviewer
    assert 'value="submit"' not in reviewer
    assert "No step from Development is yours to take" in reviewer
    assert "Waiting on a case officer: <b>Start writing</b>" in reviewer
    auditor = page(as_user(client, "auditor"), "case-detail", "JA-P-SAA").content.decode()
    assert 'name="action"' not in auditor
    assert "Field history" in auditor
    assert "hash chain verified" in auditor


def test_the_review_queue_is_oldest_change_first(client, officer, reviewer):
    # Built so that the right order (last change, oldest first) differs from every other plausible
    # one: by case id, by line id or creation, by line number, and each of them reversed.
    cases = {case_id: services.case_create(actor=officer, case_id=case_id, title=case_id) for case_id in
             ("JA-P-ZZZ", "JA-P-AAA", "JA-P-MMM")}  # fmt: skip
    made = {}
    for case_id, number in [("JA-P-ZZZ", "001"), ("JA-P-AAA", "001"), ("JA-P-AAA", "002"), ("JA-P-MMM", "001")]:
        line = services.line_item_add(actor=officer, case=cases[case_id], **line_data())
        made[(case_id, number)] = services.line_item_submit(actor=officer, line=line)
    last_changed = {("JA-P-MMM", "001"): 1, ("JA-P-ZZZ", "001"): 2, ("JA-P-AAA", "002"): 3, ("JA-P-AAA", "001"): 4}
    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    for key, hours in last_changed.items():
        LineItem.objects.filter(pk=made[key].pk).update(updated_at=start + dt.timedelta(hours=hours))
    expected = [("JA-P-MMM", "001"), ("JA-P-ZZZ", "001"), ("JA-P-AAA", "002"), ("JA-P-AAA", "001")]
    plausible_wrong = [
        sorted(made),  # by case id and line number
        sorted(made, key=lambda key: made[key].pk),  # by line id = by creation
        sorted(made, key=lambda key: (key[1], key[0])),  # by line number
    ]
    assert all(order not in (expected, expected[::-1]) for order in plausible_wrong)

    queue = [(line.case.case_id, line.line_number) for line in selectors.review_queue_for(reviewer)]
    assert queue == expected
    html = page(as_user(client, "reviewer"), "review-queue").content.decode()
    positions = [html.index(f"/cases/{case_id}/lines/{number}/") for case_id, number in expected]
    assert positions == sorted(positions)


def test_dashboard_counts_and_charts(client, demo_cases):
    body = page(as_user(client, "auditor"), "dashboard").content.decode()
    assert body.count("<svg") >= 2
    assert "Case value by status" in body
    assert "$133,300,000.00" in body
    assert "lines waiting for review" in body

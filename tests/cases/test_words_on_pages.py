"""No developer words on the pages: after a full scenario (return, resubmit, propose, a cancel and a
rejection), every page for every role, and every message a step flashes, is grepped for field
names, raw status values and the old phrasings."""

import html
import re

import pytest
from django.urls import reverse

from fms.accounts.models import User
from fms.cases import services
from fms.cases.choices import CaseAction
from fms.cases.models import Case
from tests.factories import lines_of, make_case

pytestmark = pytest.mark.django_db

ROLES = ("officer", "reviewer", "auditor", "client_ja", "admin")
LEAKS = [
    re.compile(r"_on\)"),
    re.compile(r"review_status"),
    re.compile(r"is now (write|review|draft|submitted|returned)", re.IGNORECASE),
    re.compile(r"— now "),
    re.compile(r"comment: Say why"),
    re.compile(r"\bversion \d+\b(?! \(a form)"),  # the version lives in the footnote only
    re.compile(r"\b[a-z]+_[a-z_]+\b"),  # any snake_case identifier in visible text
]
# Usernames are what people sign in with; they are not field names.
ALLOWED = {"client_ja", "client_ks", "signatory_ja", "admin_ja", "cn_officer", "cn_officer2"}


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<footer class=\"footer\">.*?</footer>", " ", page, flags=re.S)  # the version footnote
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


def leaks_in(text: str) -> list[str]:
    found = []
    for pattern in LEAKS:
        found += [m.group(0) for m in pattern.finditer(text) if m.group(0) not in ALLOWED]
    return found


def scenario(client) -> tuple[list[str], list[str]]:
    """The return path walked on the pages; returns the case ids it made and the texts it saw."""
    officer, reviewer = (User.objects.get(username=name) for name in ("officer", "reviewer"))
    seen = []
    case = make_case(officer, lines=3)
    client.force_login(officer)
    step = reverse("case-step", args=[case.case_id])
    seen.append(client.post(step, {"action": "start_write", "version": case.version}, follow=True))
    case.refresh_from_db()
    data = {"action": "submit", "line": [], "next": reverse("case-detail", args=[case.case_id])}
    for line in lines_of(case):
        key = f"{case.case_id}/{line.line_number}"
        data["line"].append(key)
        data[f"version:{key}"] = line.version
    seen.append(client.post(reverse("lines-bulk"), data, follow=True))
    case.refresh_from_db()
    seen.append(client.post(step, {"action": "submit_review", "version": case.version}, follow=True))
    client.force_login(reviewer)
    first, second, third = lines_of(case)
    for line, action in ((first, "approve"), (second, "approve"), (third, "return")):
        url = reverse("line-step", args=[case.case_id, line.line_number])
        seen.append(client.post(url, {"action": action, "version": line.version, "comment": "Check"}, follow=True))
    client.force_login(officer)
    third.refresh_from_db()
    edit = reverse("line-edit", args=[case.case_id, third.line_number])
    form = {
        "category": third.category,
        "description": third.description + " — revised",
        "quantity": "1",
        "unit_of_issue": "EA",
        "unit_cost": "2,125,000.00",
        "version": third.version,
    }
    seen.append(client.post(edit, form, follow=True))
    # A stale save of the same form: refused with the change beside it.
    seen.append(client.post(edit, form))
    third.refresh_from_db()
    services.line_item_submit(actor=officer, line=third)
    case = services.case_transition(actor=officer, case=case, action=CaseAction.SUBMIT_REVIEW)
    services.line_item_approve(actor=reviewer, line=lines_of(case)[2])
    client.force_login(reviewer)
    seen.append(client.post(step, {"action": "propose", "version": case.version}, follow=True))
    # A refused step and a cancel with its reason.
    seen.append(client.post(step, {"action": "close", "version": case.version + 1}, follow=True))
    other = make_case(officer, lines=1)
    client.force_login(officer)
    cancel = reverse("case-cancel", args=[other.case_id])
    seen.append(client.post(cancel, {"version": other.version}))
    seen.append(client.post(cancel, {"version": other.version, "confirmed": "1", "comment": "Withdrawn"}, follow=True))
    return [case.case_id, other.case_id], [r.content.decode() for r in seen]


def test_no_field_names_or_raw_statuses_on_any_page(client, demo):
    case_ids, texts = scenario(client)
    for role in ROLES:
        client.force_login(User.objects.get(username=role))
        paths = [reverse("dashboard"), reverse("inbox"), reverse("case-list")]
        for case in Case.objects.filter(case_id__in=[*case_ids, "JA-P-SAA", "KS-D-QAB"]):
            paths += [reverse("case-detail", args=[case.case_id]), reverse("case-print", args=[case.case_id])]
            paths += [
                reverse("line-detail", args=[case.case_id, n])
                for n in ("001", "003")
                if case.lines.filter(line_number=n).exists()
            ]
        if role in ("reviewer", "admin"):
            paths.append(reverse("review-queue"))
        for path in paths:
            response = client.get(path)
            if response.status_code == 200:
                texts.append(response.content.decode())
    found = sorted({leak for text in texts for leak in leaks_in(visible_text(text))})
    assert found == []
    assert len(texts) > 60  # the pages were really read


def test_the_grep_finds_what_it_looks_for():
    page = "<p>Cannot start: (lor_received_on) is not set</p><p>KS-P-SAC is now write.</p><p>review_status: a → b</p>"
    assert leaks_in(visible_text(page)) == ["_on)", "review_status", "is now write", "lor_received_on", "review_status"]

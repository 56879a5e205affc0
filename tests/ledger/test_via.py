"""Every event says how its actor signed in (`via`), and the hash of the events the ledger function
writes covers it; administrators decide nothing without the role's group (DESIGN §2, §9)."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from fms.accounts.models import ApiToken, User
from fms.accounts.roles import REVIEWER
from fms.cases import services
from fms.cases.choices import CaseAction, CaseStatus, LineStatus
from fms.core.errors import NotAllowed
from fms.ledger.models import ApprovalEvent
from fms.ledger.verification import verify_ledger
from tests.conftest import bearer
from tests.factories import lines_of, make_case, walk_to
from tests.ledger.test_verification import as_superuser_without_triggers, first_break

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(officer):
    case = make_case(officer, lines=1)
    return services.line_item_submit(actor=officer, line=lines_of(case)[0])


def approve_url(line) -> str:
    return f"/api/v1/cases/{line.case.case_id}/lines/{line.line_number}/approve/"


def test_a_decision_made_with_a_token_records_the_tokens_prefix(submitted, reviewer):
    api = bearer("reviewer")
    answer = api.post(approve_url(submitted), {}, format="json", HTTP_IF_MATCH=f'"{submitted.version}"')
    assert answer.status_code == 200, answer.content
    prefix = ApiToken.objects.get(user=reviewer).prefix
    approval = ApprovalEvent.objects.get(line_item=submitted, action="approve")
    assert (approval.via, approval.hash_version) == (f"token:{prefix}", 3)
    events = api.get(f"/api/v1/cases/{submitted.case.case_id}/events/").json()["results"]
    assert {event["via"] for event in events if event["action"] == "approve"} == {f"token:{prefix}"}
    assert verify_ledger([submitted.case_id]).ok


def test_a_decision_made_in_a_session_records_session_mfa(submitted, reviewer):
    client = APIClient()
    client.force_login(reviewer)  # with the second factor (tests/mfa.py): a reviewer needs one
    answer = client.post(approve_url(submitted), {}, format="json", HTTP_IF_MATCH=f'"{submitted.version}"')
    assert answer.status_code == 200, answer.content
    assert ApprovalEvent.objects.get(line_item=submitted, action="approve").via == "session+mfa"
    assert verify_ledger([submitted.case_id]).ok


def test_the_ledger_refuses_an_unknown_via(submitted):
    # The ledger's constraint knows every form of `via` (accounts/signin.py) and nothing else.
    from django.db import IntegrityError, connection, transaction

    with (
        pytest.raises(IntegrityError, match="approvalevent_via_known"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "SELECT ledger_append(%s, %s, 'submit', 'draft', 'submitted', %s, '', %s, 'session+sms')",
            [submitted.case_id, submitted.pk, submitted.created_by_id, "0" * 64],
        )


def test_an_event_written_outside_a_request_records_command(submitted):
    assert ApprovalEvent.objects.get(line_item=submitted, action="submit").via == "command"


def test_via_is_covered_by_the_hash(submitted, reviewer):
    event = ApprovalEvent.objects.get(line_item=submitted, action="submit")
    as_superuser_without_triggers("UPDATE cases_approvalevent SET via = 'session+mfa' WHERE id = %s", [event.pk])
    broken = first_break(submitted.case)
    assert (broken.seq, broken.event_id) == (event.seq, event.pk)
    assert "altered" in broken.reason


# ---- Administrators decide only in a role's group -------------------------------------------------


def test_a_superuser_without_the_reviewer_group_cannot_decide(submitted, superuser):
    version = submitted.version
    with pytest.raises(NotAllowed, match="an administrator decides only in a role's group"):
        services.line_item_approve(actor=superuser, line=submitted)
    submitted.refresh_from_db()
    assert (submitted.review_status, submitted.version) == (LineStatus.SUBMITTED, version)
    assert not ApprovalEvent.objects.filter(line_item=submitted, action="approve").exists()
    assert services.line_step_options(superuser, submitted) == []


def test_a_superuser_without_the_role_takes_no_case_step(officer, reviewer, superuser):
    case = walk_to(CaseStatus.REVIEW, officer=officer, reviewer=reviewer)
    with pytest.raises(NotAllowed, match="an administrator decides only in a role's group"):
        services.case_transition(actor=superuser, case=case, action=CaseAction.PROPOSE)
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEW


def test_a_superuser_in_the_reviewer_group_decides_like_a_reviewer(submitted, superuser):
    superuser.groups.add(Group.objects.get(name=REVIEWER))
    approved = services.line_item_approve(actor=User.objects.get(pk=superuser.pk), line=submitted)
    assert approved.review_status == LineStatus.APPROVED


def test_a_superuser_cannot_decide_through_the_api_either(submitted, superuser):
    client = APIClient()
    client.force_login(superuser)
    answer = client.post(approve_url(submitted), {}, format="json", HTTP_IF_MATCH=f'"{submitted.version}"')
    assert answer.status_code == 403
    assert answer["Content-Type"] == "application/problem+json"
    assert "administrator decides only in a role's group" in answer.json()["detail"]

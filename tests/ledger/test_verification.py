"""The ledger: append-only in PostgreSQL, and any tampering names the first broken link."""

from io import StringIO

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.db import DatabaseError, connection, transaction

from fms.cases import services
from fms.cases.choices import CaseStatus
from fms.ledger import chain
from fms.ledger.canonical import canonical_json
from fms.ledger.models import ApprovalEvent
from fms.ledger.verification import verify_ledger
from tests.database import as_database_superuser, as_superuser_without_triggers
from tests.factories import lines_of, make_case, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(officer, reviewer):
    return walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer, lines=2)


def event(case, seq: int) -> ApprovalEvent:
    return ApprovalEvent.objects.get(case=case, seq=seq)


def first_break(case) -> chain.Break:
    result = verify_ledger([case.pk])
    assert not result.ok
    return result.breaks[0]


def test_an_untouched_chain_verifies(case):
    result = verify_ledger([case.pk])
    assert result.ok
    assert result.events == ApprovalEvent.objects.filter(case=case).count() == 10
    out = StringIO()
    call_command("verify_ledger", case.case_id, stdout=out)
    assert "every chain is intact" in out.getvalue()


@pytest.mark.parametrize(
    ("sql", "refusal"),
    [
        ("UPDATE cases_approvalevent SET comment = 'rewritten' WHERE id = %s", "pgtrigger_approvalevent_append_only"),
        ("DELETE FROM cases_approvalevent WHERE id = %s", "pgtrigger_approvalevent_append_only"),
        ("TRUNCATE cases_approvalevent CASCADE", "the approval ledger is append-only: TRUNCATE is refused"),
    ],
)
def test_the_database_refuses_to_change_the_ledger_even_to_its_owner(case, sql, refusal):
    target = event(case, 3).pk
    with pytest.raises(DatabaseError, match=refusal), as_database_superuser(), connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending, so TRUNCATE reaches the trigger
        cur.execute(sql, [target] if "%s" in sql else [])
    assert ApprovalEvent.objects.filter(case=case).count() == 10
    assert event(case, 3).comment == ""


@pytest.mark.parametrize(
    ("as_role", "refusal"),
    [
        (transaction.atomic, "permission denied for table cases_approvalevent"),  # the app role: no privilege
        (as_database_superuser, "pgtrigger_approvalevent_append_only"),  # the owner: the trigger
    ],
)
def test_the_orm_cannot_change_the_ledger_either(case, as_role, refusal):
    approval = event(case, 4)
    approval.comment = "rewritten"
    with pytest.raises(DatabaseError, match=refusal), as_role():
        approval.save()
    with pytest.raises(DatabaseError, match=refusal), as_role():
        ApprovalEvent.objects.filter(case=case).delete()


def test_an_altered_comment_is_named(case):
    as_superuser_without_triggers(
        "UPDATE cases_approvalevent SET comment = 'rewritten' WHERE id = %s", [event(case, 4).pk]
    )
    broken = first_break(case)
    assert (broken.case_id, broken.seq) == (case.case_id, 4)
    assert "altered" in broken.reason


# Every hashed column, rewritten alone on the fifth event (reviewer's approval of line 001), as SQL.
TAMPERED_COLUMNS = {
    "action": "'reject'",
    "from_status": "'draft'",
    "to_status": "'rejected'",
    "actor_id": "(SELECT id FROM accounts_user WHERE username = 'officer')",
    "actor_name": "'officer'",
    "comment": "'looks fine'",
    "occurred_at": "occurred_at + interval '1 microsecond'",
    "content_digest": "repeat('f', 64)",
    "document": "'BASIC'",  # format 3 hashes it: null → a label is named too
    # line_number comes from the line the event points at: point it at the other line of the case.
    "line_item_id": (
        "(SELECT id FROM cases_lineitem WHERE case_id = cases_approvalevent.case_id AND line_number = '002')"
    ),
}


@pytest.mark.parametrize("column", TAMPERED_COLUMNS)
def test_each_hashed_column_rewritten_alone_is_named(case, column):
    target = event(case, 5)
    assert (target.action, target.actor.username) == ("approve", "reviewer")
    as_superuser_without_triggers(
        f"UPDATE cases_approvalevent SET {column} = {TAMPERED_COLUMNS[column]} WHERE id = %s", [target.pk]
    )
    broken = first_break(case)
    assert (broken.case_id, broken.seq, broken.event_id) == (case.case_id, 5, target.pk)
    assert broken.reason == "the event's content does not match its hash (altered)"


def test_a_rewritten_prev_hash_is_named(case):
    as_superuser_without_triggers(
        "UPDATE cases_approvalevent SET prev_hash = repeat('e', 64) WHERE id = %s", [event(case, 5).pk]
    )
    broken = first_break(case)
    assert (broken.seq, broken.reason) == (5, "prev_hash does not match the hash of the event before it")


def test_a_break_in_the_middle_case_of_three_is_found_and_only_there(officer, reviewer):
    cases = [walk_to(CaseStatus.REVIEW, officer=officer, reviewer=reviewer, lines=1) for _ in range(3)]
    middle = cases[1]
    as_superuser_without_triggers(
        "UPDATE cases_approvalevent SET comment = 'rewritten' WHERE id = %s", [event(middle, 3).pk]
    )
    result = verify_ledger()
    assert (result.cases, result.events) == (3, 3 * 6)
    assert [(b.case_id, b.seq) for b in result.breaks] == [(middle.case_id, 3)]
    assert verify_ledger([cases[0].pk, cases[2].pk]).ok
    assert [b.case_id for b in verify_ledger([middle.pk]).breaks] == [middle.case_id]


def test_an_altered_approver_is_named(case, reviewer2):
    approval = event(case, 5)
    assert approval.action == "approve"
    as_superuser_without_triggers(
        "UPDATE cases_approvalevent SET actor_id = %s, actor_name = %s WHERE id = %s",
        [reviewer2.pk, reviewer2.username, approval.pk],
    )
    assert first_break(case).seq == 5


def test_a_deleted_event_is_named(case):
    as_superuser_without_triggers("DELETE FROM cases_approvalevent WHERE id = %s", [event(case, 5).pk])
    broken = first_break(case)
    assert broken.seq == 5
    assert "event #5 is missing" in broken.reason


def test_a_deleted_last_case_step_is_named_because_the_chain_no_longer_ends_in_the_current_state(case):
    # Deleting the last events leaves a valid prefix; the current states show that events are missing.
    as_superuser_without_triggers("DELETE FROM cases_approvalevent WHERE case_id = %s AND seq = 10", [case.pk])
    broken = first_break(case)
    assert broken.seq == 10
    assert "the case review but it is proposed" in broken.reason


def test_a_deleted_last_line_decision_is_named(officer, reviewer):
    case = make_case(officer, lines=1)
    line = services.line_item_submit(actor=officer, line=lines_of(case)[0])
    services.line_item_approve(actor=reviewer, line=line)
    as_superuser_without_triggers("DELETE FROM cases_approvalevent WHERE case_id = %s AND seq = 4", [case.pk])
    broken = first_break(case)
    assert broken.seq == 4
    assert "line 001 submitted but it is approved" in broken.reason


def test_two_swapped_events_are_named(case):
    for old, new in [(6, 1000), (7, 6), (1000, 7)]:  # through a free number: (case, seq) stays unique
        as_superuser_without_triggers(
            "UPDATE cases_approvalevent SET seq = %s WHERE case_id = %s AND seq = %s", [new, case.pk, old]
        )
    broken = first_break(case)
    assert broken.seq == 6
    assert "prev_hash" in broken.reason


def test_a_rehashed_forgery_breaks_the_next_link(case):
    # A forger who recomputes the altered event's own hash still breaks the link after it.
    target = event(case, 4)
    fields = {f: getattr(target, f) for f in (*chain.EVENT_FIELDS, "via", "hash_version", "document")}
    fields["comment"] = "forged"
    forged_hash = chain.event_hash(case_id=case.case_id, line_number=target.line_item.line_number, **fields)
    as_superuser_without_triggers(
        "UPDATE cases_approvalevent SET comment = 'forged', hash = %s WHERE id = %s", [forged_hash, target.pk]
    )
    broken = first_break(case)
    assert broken.seq == 5
    assert "prev_hash" in broken.reason


def test_verify_ledger_command_fails_and_names_the_break(case):
    as_superuser_without_triggers("UPDATE cases_approvalevent SET comment = 'x' WHERE id = %s", [event(case, 2).pk])
    err = StringIO()
    with pytest.raises(CommandError, match="1 broken chain"):
        call_command("verify_ledger", stderr=err)
    assert f"BROKEN {case.case_id} at position 2" in err.getvalue()


def test_verify_ledger_command_exits_non_zero(case):
    as_superuser_without_triggers("UPDATE cases_approvalevent SET comment = 'x' WHERE id = %s", [event(case, 2).pk])
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "verify_ledger"]).execute()
    assert exited.value.code == 1


def test_canonical_json_is_stable():
    from decimal import Decimal

    assert canonical_json({"b": Decimal("1.5"), "a": "é"}) == '{"a":"é","b":"1.50"}'.encode()


def test_the_summary_counts_in_words_that_agree_with_the_numbers(officer, reviewer):
    one = make_case(officer)
    out = StringIO()
    call_command("verify_ledger", one.case_id, stdout=out)
    assert "1 event in 1 case checked" in out.getvalue()


# ---- Content: every approved line still has the content its last approval recorded -------------


def approved_line(officer, reviewer):
    case = make_case(officer, lines=1)
    line = services.line_item_submit(actor=officer, line=lines_of(case)[0])
    return case, services.line_item_approve(actor=reviewer, line=line)


def test_an_approved_lines_price_raised_in_sql_is_named_with_its_approval(officer, reviewer, superuser):
    case, line = approved_line(officer, reviewer)
    approval = ApprovalEvent.objects.get(line_item=line, action="approve")
    as_superuser_without_triggers("UPDATE cases_lineitem SET unit_cost = 99999999.00 WHERE id = %s", [line.pk])
    broken = first_break(case)
    assert (broken.case_id, broken.seq, broken.event_id) == (case.case_id, approval.seq, approval.pk)
    assert f"line {line.line_number} changed after its approval at position {approval.seq}" in broken.reason
    err = StringIO()
    with pytest.raises(CommandError, match="1 broken chain"):
        call_command("verify_ledger", case.case_id, stderr=err)
    assert f"BROKEN {case.case_id} at position {approval.seq}: line {line.line_number} changed" in err.getvalue()


def test_the_app_role_changing_an_approved_line_is_caught_too(officer, reviewer, client):
    case, line = approved_line(officer, reviewer)
    with connection.cursor() as cursor:  # the app role may UPDATE line items: no trigger, no event
        cursor.execute("UPDATE cases_lineitem SET description = 'Something else' WHERE id = %s", [line.pk])
    client.force_login(reviewer)
    body = client.get(f"/api/v1/cases/{case.case_id}/ledger/").json()
    assert body["ok"] is False
    assert body["first_break"]["event_id"] == ApprovalEvent.objects.get(line_item=line, action="approve").pk
    assert "changed after its approval" in body["first_break"]["reason"]


def test_an_approved_line_changed_through_the_services_is_not_a_break(officer, reviewer):
    case, line = approved_line(officer, reviewer)
    services.line_item_update(actor=officer, line=line, unit_cost=line.unit_cost + 1)  # back to draft, recorded
    assert verify_ledger([case.pk]).ok


def test_a_forged_appended_approval_is_named_by_the_state_it_leaves(officer, reviewer):
    """A superuser appends a well-hashed approval in SQL but leaves the line submitted: the chain
    then ends in a state the line is not in. (Setting the status too needs a signed head to catch.)"""
    case = make_case(officer, lines=1)
    line = services.line_item_submit(actor=officer, line=lines_of(case)[0])
    last = ApprovalEvent.objects.filter(case=case).order_by("-seq").first()
    fields = {f: getattr(last, f) for f in chain.EVENT_FIELDS}
    fields |= {"seq": last.seq + 1, "action": "approve", "from_status": "submitted", "to_status": "approved"}
    fields |= {"actor_id": reviewer.pk, "actor_name": reviewer.username, "prev_hash": last.hash}
    forged = chain.event_hash(case_id=case.case_id, line_number=line.line_number, **fields)
    as_superuser_without_triggers(
        "INSERT INTO cases_approvalevent (case_id, line_item_id, seq, action, from_status, to_status, actor_id,"
        " actor_name, comment, occurred_at, content_digest, prev_hash, hash, txid)"
        " VALUES (%s, %s, %s, 'approve', 'submitted', 'approved', %s, %s, '', %s, %s, %s, %s, 0)",
        [case.pk, line.pk, fields["seq"], reviewer.pk, reviewer.username, fields["occurred_at"],
         fields["content_digest"], last.hash, forged],
    )  # fmt: skip
    err = StringIO()
    with pytest.raises(CommandError, match="1 broken chain"):
        call_command("verify_ledger", case.case_id, stderr=err)
    expected = f"BROKEN {case.case_id} at position {last.seq + 2}: the chain ends with line 001 approved but it is"
    assert expected in err.getvalue()

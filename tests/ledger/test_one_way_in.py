"""One way into the ledger: the app role (a real non-superuser) may only call ledger_append, which
chains the event itself and refuses a decision by anyone who changed the line since its last one."""

import json
from decimal import Decimal

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from fms.accounts.roles import CASE_OFFICER, REVIEWER
from fms.cases import digests, services
from fms.cases.choices import LineStatus
from fms.cases.models import LineItem
from fms.ledger import chain
from fms.ledger.canonical import canonical_json
from fms.ledger.models import ApprovalEvent
from fms.ledger.services import LedgerRefused
from fms.ledger.verification import verify_ledger
from tests.database import APP_ROLE, as_database_superuser
from tests.factories import UserFactory, lines_of, make_case

pytestmark = pytest.mark.django_db

APPEND = "SELECT id, seq, hash FROM ledger_append(%s, %s, %s, %s, %s, %s, %s, %s, %s)"


def append(line: LineItem, actor, action: str = "approve", content_digest: str | None = None) -> tuple:
    """Call the ledger function directly, as an attacker holding the app role could."""
    digest = content_digest or digests.line_digest(digests.line_content(vars(LineItem.objects.get(pk=line.pk))))
    params = [line.case_id, line.pk, action, "submitted", "approved", actor.pk, "", digest, "session"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(APPEND, params)
        return cursor.fetchone()


@pytest.fixture
def submitted(officer):
    """A line added by `officer` and submitted."""
    case = make_case(officer, lines=1)
    return services.line_item_submit(actor=officer, line=lines_of(case)[0])


def test_the_tests_run_as_the_app_role_which_is_not_a_superuser(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (APP_ROLE, False)


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO cases_approvalevent (case_id, seq, action, from_status, to_status, actor_id, actor_name, comment,"
        " occurred_at, content_digest, prev_hash, hash, txid)"
        " SELECT case_id, 99, 'approve', '', 'approved', actor_id, 'x', '', now(), content_digest, hash, %(hash)s, 0"
        " FROM cases_approvalevent WHERE id = %(id)s",
        "UPDATE cases_approvalevent SET comment = 'x' WHERE id = %(id)s",
        "DELETE FROM cases_approvalevent WHERE id = %(id)s",
        "TRUNCATE cases_approvalevent CASCADE",
    ],
)
def test_the_app_role_may_not_write_the_event_table(submitted, sql):
    event = ApprovalEvent.objects.filter(case=submitted.case).last()
    refused = pytest.raises(ProgrammingError, match="permission denied for table cases_approvalevent")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, {"hash": "c" * 64, "id": event.pk} if "%(" in sql else None)
    assert ApprovalEvent.objects.filter(case=submitted.case).count() == 3


def test_the_function_belongs_to_the_ledger_role_and_runs_with_its_rights(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_userbyid(proowner), prosecdef FROM pg_proc WHERE proname = 'ledger_append'")
        assert cursor.fetchone() == ("fms_ledger", True)
        cursor.execute("SELECT has_table_privilege(%s, 'cases_approvalevent', 'INSERT')", [APP_ROLE])
        assert cursor.fetchone() == (False,)


def test_the_function_chains_the_event_itself(submitted, reviewer):
    last = ApprovalEvent.objects.filter(case=submitted.case).order_by("-seq").first()
    event_id, seq, hash_ = append(submitted, reviewer)
    written = ApprovalEvent.objects.get(pk=event_id)
    assert (seq, written.prev_hash, written.hash, written.hash_version) == (last.seq + 1, last.hash, hash_, 3)
    assert written.actor_name == reviewer.username  # read by the function, not handed to it
    LineItem.objects.filter(pk=submitted.pk).update(review_status=LineStatus.APPROVED)  # as the service would
    assert verify_ledger([submitted.case_id]).ok  # (case_id: the case row's id)


@pytest.mark.parametrize("action", ["approve", "reject", "return"])
def test_the_function_refuses_a_decision_by_the_author(submitted, officer, action):
    with pytest.raises(IntegrityError, match="separation of duties: officer added or changed"):
        append(submitted, officer, action)
    assert not ApprovalEvent.objects.filter(line_item=submitted, action=action).exists()


def test_no_session_setting_switches_the_check_off(submitted, officer):
    with pytest.raises(IntegrityError, match="separation of duties"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT string_agg(tgname, ',') FROM pg_trigger WHERE tgname LIKE 'pgtrigger_%%'")
            (every_trigger,) = cursor.fetchone()
            cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", [every_trigger])
        append(submitted, officer)
    refused = pytest.raises(ProgrammingError, match="permission denied to set parameter")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")


def test_rewriting_who_created_and_changed_the_line_does_not_help(submitted, officer, reviewer):
    with transaction.atomic(), connection.cursor() as cursor:  # the app role may UPDATE line items
        cursor.execute(
            "UPDATE cases_lineitem SET created_by_id = %s, updated_by_id = %s WHERE id = %s",
            [reviewer.pk, reviewer.pk, submitted.pk],
        )
    with pytest.raises(IntegrityError, match="separation of duties: officer"):
        append(submitted, officer)


def test_every_content_change_since_the_last_decision_counts(officer, officer2, reviewer):
    """A priced the line, B edited its description, A approves: refused by the function too."""
    a = UserFactory(username="a", roles=[CASE_OFFICER, REVIEWER])
    line = lines_of(make_case(officer, lines=1))[0]
    line = services.line_item_update(actor=a, line=line, unit_cost=Decimal("99999999.00"))
    line = services.line_item_update(actor=officer2, line=line, description="Described by B")
    line = services.line_item_submit(actor=officer2, line=line)
    with pytest.raises(IntegrityError, match="separation of duties: a added or changed"):
        append(line, a)
    append(line, reviewer)  # someone who changed nothing may


def test_content_changed_outside_the_services_cannot_be_decided_on(submitted, reviewer):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_lineitem SET unit_cost = 99999999.00 WHERE id = %s", [submitted.pk])
    with pytest.raises(LedgerRefused, match="not the content its last add or edit recorded"):
        services.line_item_approve(actor=reviewer, line=submitted)
    assert LineItem.objects.get(pk=submitted.pk).review_status == LineStatus.SUBMITTED


def test_a_line_of_another_case_is_refused(submitted, officer, reviewer):
    other = make_case(officer)
    with pytest.raises(IntegrityError, match="does not belong"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(APPEND, [other.pk, submitted.pk, "approve", "", "approved", reviewer.pk, "", "a" * 64, "session"])


# ---- Python and SQL agree on the canonical form ---------------------------------------------------

# Any character PostgreSQL text can hold (everything but NUL; surrogates are not characters of UTF-8).
TEXT = st.characters(exclude_characters="\x00", exclude_categories=["Cs"])
AWKWARD = ["", "plain", "é ü 東京 😀", 'quotes " and \\ backslash', "control \x01\x1f\x7f\n\t\r\b\f", "\u2028</script>"]


def sql_canonical(payload: dict) -> bytes:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT ledger_canonical_json(%s::jsonb)", [json.dumps(payload)])
        return cursor.fetchone()[0].encode()


@pytest.mark.parametrize("text", AWKWARD)
def test_sql_and_python_write_the_same_canonical_json(db, text):
    payload = {"z": text, "a": None, "seq": 12, "actor_id": 2**40, "b_": text[::-1], "A": "upper first"}
    assert sql_canonical(payload) == canonical_json(payload)


@pytest.mark.parametrize("amount", [Decimal("0.00"), Decimal("1.50"), Decimal("9999999999999.99")])
def test_money_rendered_in_sql_as_numeric_15_2_text_matches_python(db, amount):
    with connection.cursor() as cursor:
        cursor.execute("SELECT ledger_canonical_json(jsonb_build_object('m', %s::numeric(15,2)::text))", [amount])
        assert cursor.fetchone()[0].encode() == canonical_json({"m": amount})


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.text(TEXT, max_size=8), st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1), st.text(TEXT)), max_size=5
    )
)
def test_any_text_is_canonical_alike(django_db_blocker, payload):
    with django_db_blocker.unblock():
        assert sql_canonical(payload) == canonical_json(payload)


@pytest.mark.parametrize("comment", AWKWARD)
def test_an_event_hashed_in_sql_verifies_in_python(officer, reviewer, comment):
    case = make_case(officer, lines=1)
    line = services.line_item_submit(actor=officer, line=lines_of(case)[0], comment=comment)
    services.case_update(actor=officer, case=case, title="Renamed")
    written = ApprovalEvent.objects.select_related("case", "line_item").get(line_item=line, action="submit")
    assert written.comment == comment.strip()
    fields = {f: getattr(written, f) for f in (*chain.EVENT_FIELDS, "via", "hash_version", "document")}
    assert chain.event_hash(case_id=case.case_id, line_number=line.line_number, **fields) == written.hash
    first = ApprovalEvent.objects.get(case=case, seq=1)  # a case event: line_number is None
    fields = {f: getattr(first, f) for f in (*chain.EVENT_FIELDS, "via", "hash_version", "document")}
    assert chain.event_hash(case_id=case.case_id, line_number=None, **fields) == first.hash


def test_an_event_written_before_the_function_still_verifies(officer):
    """Format 1 (no via): what every event written before migration ledger.0003 has."""
    case = make_case(officer)
    event = ApprovalEvent.objects.get(case=case)
    fields = {f: getattr(event, f) for f in chain.EVENT_FIELDS}
    v1 = chain.event_hash(case_id=case.case_id, line_number=None, **fields)
    with as_database_superuser(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE cases_approvalevent SET hash = %s, hash_version = 1 WHERE id = %s", [v1, event.pk])
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    assert verify_ledger([case.pk]).ok


def test_an_event_written_as_format_2_still_verifies(officer):
    """Format 2 (via, no document): what ledger_append wrote from migration ledger.0003 until 0005."""
    case = make_case(officer)
    event = ApprovalEvent.objects.get(case=case)
    fields = {f: getattr(event, f) for f in (*chain.EVENT_FIELDS, "via")}
    v2 = chain.event_hash(case_id=case.case_id, line_number=None, hash_version=2, **fields)
    assert v2 != event.hash  # format 3 hashes `document` (null here) too
    with as_database_superuser(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE cases_approvalevent SET hash = %s, hash_version = 2 WHERE id = %s", [v2, event.pk])
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    assert verify_ledger([case.pk]).ok


def test_a_format_2_event_cannot_carry_an_unhashed_document(officer):
    case = make_case(officer)
    event = ApprovalEvent.objects.get(case=case)
    refused = pytest.raises(IntegrityError, match="approvalevent_document_is_hashed_label")
    with refused, transaction.atomic(), as_database_superuser(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # past the append-only trigger
        cursor.execute("UPDATE cases_approvalevent SET hash_version = 2, document = 'A01' WHERE id = %s", [event.pk])

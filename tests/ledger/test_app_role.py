"""The application's database role (the tests run as it: tests/database.py) cannot change the
ledger or the field history, and grant_app_role sets that up idempotently."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import ProgrammingError, connection, transaction

from fms.cases.choices import CaseStatus
from fms.ledger.models import ApprovalEvent
from tests.database import APP_ROLE, as_database_superuser
from tests.factories import walk_to

pytestmark = pytest.mark.django_db


def run(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_app_role_may_read_and_change_cases_but_not_rewrite_ledger_or_history(officer, reviewer):
    case = walk_to(CaseStatus.WRITE, officer=officer, reviewer=reviewer, lines=1)
    event = ApprovalEvent.objects.filter(case=case).first()
    run("SELECT count(*) FROM cases_approvalevent")
    run("UPDATE cases_case SET notes = 'ok' WHERE id = %s", [case.pk])
    for sql, target in (
        ("UPDATE cases_approvalevent SET comment = 'x' WHERE id = %s", event.pk),
        ("DELETE FROM cases_approvalevent WHERE id = %s", event.pk),
        ("UPDATE cases_casehistory SET title = 'x' WHERE pgh_obj_id = %s", case.pk),
        ("DELETE FROM django_migrations WHERE id = %s", 1),
    ):
        with pytest.raises(ProgrammingError, match="permission denied"):
            run(sql, [target])


def test_granting_twice_and_creating_an_existing_role_change_nothing(db):
    with as_database_superuser():
        for _ in range(2):
            call_command("grant_app_role", APP_ROLE, "--create", stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_function_privilege(%s, 'ledger_append(bigint, bigint, text, text, text, bigint, "
            "text, text, text, text)', 'EXECUTE')",
            [APP_ROLE],
        )
        assert cursor.fetchone() == (True,)


def test_an_unknown_role_is_a_clear_error(db):
    with pytest.raises(CommandError, match="no database role"), as_database_superuser():
        call_command("grant_app_role", "no_such_role_here")


def test_a_role_name_that_would_need_quoting_is_refused(db):
    with pytest.raises(CommandError, match="not a plain role name"):
        call_command("grant_app_role", "x; DROP TABLE cases_case", "--create")

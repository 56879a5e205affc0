"""The application's database role cannot change the ledger even with the triggers out of the way."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import ProgrammingError, connection, transaction

from fms.cases.choices import CaseStatus
from fms.ledger.models import ApprovalEvent
from tests.factories import walk_to

pytestmark = pytest.mark.django_db
ROLE = "fms_test_app_role"


@pytest.fixture
def app_role(db):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {ROLE}")
        cursor.execute(f"CREATE ROLE {ROLE} NOLOGIN")
    call_command("grant_app_role", ROLE, stdout=StringIO())
    yield ROLE
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute(f"DROP OWNED BY {ROLE}")
        cursor.execute(f"DROP ROLE {ROLE}")


def as_app(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {ROLE}")
        cursor.execute(sql, params)


def test_the_app_role_may_read_and_append_but_not_rewrite(app_role, officer, reviewer):
    case = walk_to(CaseStatus.WRITE, officer=officer, reviewer=reviewer, lines=1)
    event = ApprovalEvent.objects.filter(case=case).first()
    as_app("SELECT count(*) FROM cases_approvalevent")
    as_app("UPDATE cases_case SET notes = 'ok' WHERE id = %s", [case.pk])
    for sql in (
        "UPDATE cases_approvalevent SET comment = 'x' WHERE id = %s",
        "DELETE FROM cases_approvalevent WHERE id = %s",
        "UPDATE cases_casehistory SET title = 'x' WHERE pgh_obj_id = %s",
    ):
        with pytest.raises(ProgrammingError, match="permission denied"):
            as_app(sql, [event.pk if "approvalevent" in sql else case.pk])


def test_an_unknown_role_is_a_clear_error(db):
    with pytest.raises(CommandError, match="no database role"):
        call_command("grant_app_role", "no_such_role_here")

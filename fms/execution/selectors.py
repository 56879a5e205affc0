"""The only code that reads execution records for a user (DESIGN §8).

Staff read every case's records; a purchaser's users read only their purchaser's, of cases that
are visible to them (offered on): the case scoping is fms.cases.selectors', applied here once.
"""

from django.db.models import QuerySet

from fms.accounts.models import User
from fms.cases import selectors as case_selectors
from fms.cases.models import Case


def case_for(user: User, case_id: str) -> Case:
    """The case, or Case.DoesNotExist when it does not exist or the user may not see it."""
    return case_selectors.case_for(user, case_id)


def visible_to(user: User, rows: QuerySet) -> QuerySet:
    """Execution rows (anything with a `case`) that this user may read."""
    return rows.filter(case__in=case_selectors.case_queryset_for(user))

"""The compiled-once SQL that picks one case for a reader (selectors.case_picker) picks exactly what the
scoping queryset (case_queryset_for) gives that reader, for every kind of reader."""

import pytest
from django.db import connection

from fms.accounts.models import User
from fms.cases import selectors
from fms.cases.choices import CaseStatus
from tests.factories import make_case, walk_to

pytestmark = pytest.mark.django_db


def picked(user: User, case_id: str) -> list[int]:
    picker = selectors.case_picker(user, case_id)
    if picker is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*picker)
        return [row[0] for row in cursor.fetchall()]


def test_the_picker_sees_what_the_scoping_queryset_sees(officer, reviewer, auditor, client_ja, client_ks, superuser):
    offered = walk_to(CaseStatus.OFFERED, officer=officer, reviewer=reviewer)  # a JA case offered to Japan
    unoffered, korean = make_case(officer, purchaser="JA"), make_case(officer, purchaser="KS")
    bound_admin = User.objects.create(username="admin_bound", is_superuser=True, is_staff=True, purchaser_id="JA")
    inactive = User.objects.create(username="gone_ja", purchaser_id="JA", is_active=False)
    readers = [officer, auditor, client_ja, client_ks, superuser, bound_admin, inactive]
    seen = {
        (reader.username, case.case_id): picked(reader, case.case_id)
        for reader in readers
        for case in (offered, unoffered, korean)
    }
    assert seen == {
        (reader.username, case.case_id): list(
            selectors.case_queryset_for(reader).filter(case_id=case.case_id).values_list("pk", flat=True)
        )
        for reader in readers
        for case in (offered, unoffered, korean)
    }
    # …and those answers are the rules of DESIGN §8, written down: a purchaser sees its own offered case only.
    visible = {key for key, ids in seen.items() if ids}
    all_three = {offered.case_id, unoffered.case_id, korean.case_id}
    assert visible == {
        *{(name, case_id) for name in ("officer", "auditor", "admin") for case_id in all_three},
        ("client_ja", offered.case_id),
        ("admin_bound", offered.case_id),
        ("admin_bound", unoffered.case_id),
    }

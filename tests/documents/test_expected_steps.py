"""Who may take the LOA document steps (DESIGN §2, §4.3), written down here rather than read from
fms.accounts.roles or fms.documents: a case officer drafts, offers, issues, withdraws and records a
countersigned acceptance; only a purchaser's officer accepts online. Amendments and modifications are
opened only on an accepted or implemented case, and are labelled A01.., M01.."""

import itertools

import pytest

from fms.accounts import roles
from fms.documents import choices, services

STEP_ROLES = {
    "documents.add_loadocument": {"case_officer"},
    "documents.offer_loadocument": {"case_officer"},
    "documents.record_acceptance": {"case_officer"},
    "documents.accept_loadocument": {"client_officer"},
}
KINDS = {"basic", "amendment", "modification"}
OPENED_ON_CASES_IN = {"accepted", "implemented"}
LABEL_PREFIXES = {"amendment": "A", "modification": "M"}
ACCEPTANCE_METHODS = {"online", "countersigned_copy"}


@pytest.mark.parametrize(("role", "permission"), list(itertools.product(roles.ROLE_PERMISSIONS, STEP_ROLES)))
def test_who_holds_each_document_step(role, permission):
    assert (permission in roles.ROLE_PERMISSIONS[role]) is (role in STEP_ROLES[permission])


def test_the_kinds_and_how_an_acceptance_is_recorded():
    assert set(choices.DocumentKind.values) == KINDS
    assert set(choices.AcceptanceMethod.values) == ACCEPTANCE_METHODS


def test_amendments_and_modifications_open_on_accepted_or_implemented_cases_only():
    assert set(services.CHANGEABLE_STATUSES) == OPENED_ON_CASES_IN
    assert dict(services.LABEL_PREFIX) == LABEL_PREFIXES

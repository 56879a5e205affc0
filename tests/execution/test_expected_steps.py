"""Execution as designed (DESIGN §2, §4.1, §4.5), written down here rather than read from fms.execution or
fms.accounts.roles: who records deposits, deliveries and SDRs, which case steps execution data guards,
which SDRs are open and which have no minimum value, and what counts as money received."""

import itertools
from decimal import Decimal

import pytest

from fms.accounts import roles
from fms.cases import workflow
from fms.execution import choices, gates, rules
from tests.cases import expected

STEP_ROLES = {
    "execution.add_financialtransaction": {"finance_officer"},  # deposits and collections
    "execution.add_emergencyimplementation": {"reviewer"},
    "execution.add_delivery": {"case_officer"},  # deliveries and months of service performed
    "execution.file_sdr": {"client_officer"},
    "execution.resolve_sdr": {"case_officer"},  # takes an SDR under review and resolves it
}
GUARDED_CASE_STEPS = {"implement", "complete_supply", "close", "cancel"}
SDR_STATUSES = ("submitted", "under_review", "resolved")
OPEN_SDR_STATUSES = {"submitted", "under_review"}
SDR_KINDS = {"shortage", "overage", "damage", "wrong_item", "quality"}
SDR_KINDS_WITHOUT_MINIMUM = {"wrong_item", "quality"}
SDR_MINIMUM = Decimal("200.00")  # DSCA policy memo 04-47
SDR_RESOLUTIONS = {"credit", "replacement", "denied"}
RECEIVED = {"collection", "deposit"}


@pytest.mark.parametrize(("role", "permission"), list(itertools.product(roles.ROLE_PERMISSIONS, STEP_ROLES)))
def test_who_holds_each_execution_step(role, permission):
    assert (permission in roles.ROLE_PERMISSIONS[role]) is (role in STEP_ROLES[permission])


def test_the_case_steps_that_execution_data_guards():
    assert set(gates._GUARDS) == GUARDED_CASE_STEPS
    assert workflow.CANCELLABLE_WITH_TERMINATION == expected.CANCELLED_WITH_TERMINATION_COSTS_FROM


def test_the_sdr_statuses_and_which_are_open():
    assert tuple(choices.SdrStatus.values) == SDR_STATUSES
    assert set(choices.OPEN_SDR_STATUSES) == OPEN_SDR_STATUSES
    assert set(choices.SdrResolution.values) == SDR_RESOLUTIONS


@pytest.mark.parametrize("kind", sorted(SDR_KINDS))
def test_the_sdr_minimum_value_and_the_kinds_without_one(kind):
    assert set(choices.SdrKind.values) == SDR_KINDS
    below = SDR_MINIMUM - Decimal("0.01")
    assert (rules.sdr_value_problem(kind, below) is None) is (kind in SDR_KINDS_WITHOUT_MINIMUM)
    assert rules.sdr_value_problem(kind, SDR_MINIMUM) is None


def test_money_received_from_the_purchaser():
    assert set(choices.RECEIVED_KINDS) == RECEIVED

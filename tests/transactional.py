"""A TransactionTestCase for tests that need committed data and real concurrent connections."""

import pgtrigger
from django.test import TransactionTestCase


class CommittedTestCase(TransactionTestCase):
    """Commits for real; restores the reference data afterwards.

    Django empties the tables with TRUNCATE after each test; the ledger refuses TRUNCATE, so the
    cleanup (and only the cleanup) runs with that one trigger ignored.
    """

    serialized_rollback = True

    def _fixture_teardown(self):
        with pgtrigger.ignore("cases.ApprovalEvent:approvalevent_no_truncate"):
            super()._fixture_teardown()

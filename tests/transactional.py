"""Test cases that commit for real: concurrent connections, live servers and browsers need it."""

import pgtrigger
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import TransactionTestCase


class LedgerSafeTeardown:
    """Restores the reference data afterwards, and lets Django's cleanup empty the ledger.

    Django empties the tables with TRUNCATE after each test; the ledger refuses TRUNCATE, so the
    cleanup (and only the cleanup) runs with that one trigger ignored.
    """

    serialized_rollback = True

    def _fixture_teardown(self):
        with pgtrigger.ignore(
            "ledger.ApprovalEvent:approvalevent_no_truncate",
            "ledger.LogEntry:logentry_no_truncate",
            "ledger.LogNode:lognode_no_truncate",
            "ledger.SignedTreeHead:signedtreehead_no_truncate",
        ):
            super()._fixture_teardown()


class CommittedTestCase(LedgerSafeTeardown, TransactionTestCase):
    pass


class LiveServerTestCase(LedgerSafeTeardown, StaticLiveServerTestCase):
    pass

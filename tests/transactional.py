"""Test cases that commit for real: concurrent connections, live servers and browsers need it."""

import pgtrigger
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.db import connection
from django.test import TransactionTestCase


class LedgerSafeTeardown:
    """Restores the reference data afterwards, and lets Django's cleanup empty the ledger.

    Django empties the tables with TRUNCATE after each test; the app role may not, and the ledger
    refuses TRUNCATE anyway, so the cleanup (and only the cleanup) runs as the superuser with that
    one trigger ignored.
    """

    serialized_rollback = True

    def _fixture_teardown(self):
        with connection.cursor() as cursor:
            cursor.execute("SET ROLE NONE")
        try:
            with pgtrigger.ignore(
                "ledger.ApprovalEvent:approvalevent_no_truncate",
                "ledger.LogEntry:logentry_no_truncate",
                "ledger.LogNode:lognode_no_truncate",
                "ledger.SignedTreeHead:signedtreehead_no_truncate",
                "accounts.ReadAudit:readaudit_no_truncate",
            ):
                super()._fixture_teardown()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET ROLE")


class CommittedTestCase(LedgerSafeTeardown, TransactionTestCase):
    pass


class LiveServerTestCase(LedgerSafeTeardown, StaticLiveServerTestCase):
    pass

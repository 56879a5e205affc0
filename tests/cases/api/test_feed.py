"""The event feed hands out every visible event once, in commit order, even when transactions
commit out of the order of their event ids."""

import threading

from django.db import connection, transaction
from rest_framework.test import APIClient

from fms.accounts.roles import AUDITOR, CASE_OFFICER, REVIEWER
from fms.accounts.services import token_issue
from fms.cases import services
from fms.ledger.models import ApprovalEvent
from tests.factories import UserFactory, lines_of, make_case
from tests.transactional import CommittedTestCase


class EventFeedTest(CommittedTestCase):
    def setUp(self):
        self.officer = UserFactory(username="officer", roles=[CASE_OFFICER])
        self.reviewer = UserFactory(username="reviewer", roles=[REVIEWER])
        self.japan = make_case(self.officer, purchaser="JA", lines=2)
        self.japan2 = make_case(self.officer, purchaser="JA", lines=1)
        self.korea = make_case(self.officer, purchaser="KS", lines=1)
        # The feed's order is the same for every reader; an auditor reads every event, with its id.
        # (What a purchaser's feed holds: tests/accounts/test_purchaser_feed.py.)
        auditor = UserFactory(username="auditor", roles=[AUDITOR])
        _, secret = token_issue(actor=None, user=auditor, days=1)
        self.reader = APIClient()
        self.reader.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def poll(self, after: str | None, page_size: int = 500) -> tuple[list[int], str]:
        url = f"/api/v1/events/?page_size={page_size}" + (f"&after={after}" if after else "")
        body = self.reader.get(url).json()
        return [event["id"] for event in body["results"]], body["next"]

    def test_polling_returns_each_event_once(self):
        seen, cursor = [], None
        for _ in range(10):
            ids, cursor = self.poll(cursor, page_size=2)
            seen += ids
            if not ids:
                break
        assert sorted(seen) == list(ApprovalEvent.objects.order_by("id").values_list("id", flat=True))
        assert len(seen) == len(set(seen))

        services.line_item_submit(actor=self.officer, line=lines_of(self.japan)[0])
        services.line_item_submit(actor=self.officer, line=lines_of(self.korea)[0])
        ids, cursor = self.poll(cursor)
        assert ids == [ApprovalEvent.objects.filter(case=case).latest("id").id for case in (self.japan, self.korea)]
        assert self.poll(cursor) == ([], cursor)

    def test_the_events_of_one_transaction_are_handed_out_one_by_one(self):
        _, cursor = self.poll(None)
        with transaction.atomic():
            for line in lines_of(self.japan):
                services.line_item_submit(actor=self.officer, line=line)
        written = ApprovalEvent.objects.filter(case=self.japan, action="submit").order_by("id")
        assert written.values("txid").distinct().count() == 1
        seen = []
        for _ in range(4):
            ids, cursor = self.poll(cursor, page_size=1)
            seen += ids
        assert seen == list(written.values_list("id", flat=True))

    def test_an_event_committed_late_is_not_skipped(self):
        _, cursor = self.poll(None)
        written, release = threading.Event(), threading.Event()

        def slow_writer():
            with transaction.atomic():
                services.line_item_submit(actor=self.officer, line=lines_of(self.japan)[0])
                written.set()
                release.wait(10)  # committed only after the faster writer below
            connection.close()

        slow = threading.Thread(target=slow_writer)
        slow.start()
        assert written.wait(10)
        # Another case (not locked by the slow writer) commits first, with a higher event id.
        services.line_item_submit(actor=self.officer, line=lines_of(self.japan2)[0])
        early_ids, early_cursor = self.poll(cursor)
        assert early_ids == []  # held back while an older transaction is still open
        release.set()
        slow.join()

        ids, _ = self.poll(early_cursor)
        late = ApprovalEvent.objects.filter(case=self.japan).latest("id")
        fast = ApprovalEvent.objects.filter(case=self.japan2).latest("id")
        assert late.id < fast.id
        assert ids == [late.id, fast.id]

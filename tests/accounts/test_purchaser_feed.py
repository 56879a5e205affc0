"""A purchaser's feed and events (DESIGN §8): its milestones only, under ids of its own, so that
nothing it reads changes with how much another purchaser (or the agency, internally) did."""

import re
import time

from rest_framework.test import APIClient

from fms.cases import services as case_services
from fms.cases.choices import CaseAction
from fms.documents import services as document_services
from tests.accounts import purchaser_world
from tests.factories import lines_of, make_case
from tests.transactional import CommittedTestCase

OPAQUE = re.compile(r"[A-Za-z0-9_-]{22}")


class PurchaserFeedTest(CommittedTestCase):
    def setUp(self):
        self.officer, self.reviewer = purchaser_world.staff()
        self.users = purchaser_world.purchaser_users("JA")
        self.client_ja = APIClient()
        self.client_ja.force_login(self.users["client"])

    def accept(self, document):
        document_services.document_accept(
            actor=self.users["client_officer"],
            document=document,
            content_hash=document.content_hash,
            signatory_name="Taro Yamada",
            signatory_title="Director",
        )

    def korean_activity(self, steps: int) -> None:
        """`steps` events of Korea's, internal ones and a milestone among them."""
        if not steps:
            return
        case = purchaser_world.to_proposed(self.officer, self.reviewer, "KS")
        purchaser_world.offer(self.officer, case)
        other = make_case(self.officer, purchaser="KS", lines=max(1, steps - 12))
        for line in lines_of(other):
            case_services.line_item_submit(actor=self.officer, line=line)

    def japanese_case_with(self, korean_steps_between: int):
        """A JA case offered, then (after Korea's activity) accepted: two milestones of Japan."""
        case = purchaser_world.to_proposed(self.officer, self.reviewer, "JA")
        basic = purchaser_world.offer(self.officer, case)
        self.korean_activity(korean_steps_between)
        self.accept(basic)
        return case

    def seen_events(self, case) -> list[dict]:
        return self.client_ja.get(f"/api/v1/cases/{case.case_id}/events/").json()["results"]

    def settled_feed(self, expected: int) -> list[dict]:
        """The whole feed once it holds `expected` events (events wait until older transactions end)."""
        deadline = time.monotonic() + 30
        while True:
            events, after = [], None
            while True:
                body = self.client_ja.get("/api/v1/events/", {"after": after} if after else {}).json()
                events += body["results"]
                if not body["results"]:
                    break
                after = body["next"]
            if len(events) >= expected or time.monotonic() > deadline:
                return events
            time.sleep(0.5)

    def test_what_japan_sees_is_the_same_whatever_korea_did_in_between(self):
        quiet = self.japanese_case_with(korean_steps_between=0)
        busy = self.japanese_case_with(korean_steps_between=20)

        def shape(events: list[dict]) -> list[dict]:
            for event in events:
                assert OPAQUE.fullmatch(event["id"])
                assert not any(isinstance(value, int) for value in event.values())
            ignored = ("id", "occurred_at", "hash", "case")
            return [{key: value for key, value in event.items() if key not in ignored} for event in events]

        assert shape(self.seen_events(quiet)) == shape(self.seen_events(busy))
        assert [event["action"] for event in self.seen_events(busy)] == ["offer", "accept"]

        feed = self.settled_feed(4)
        assert [(event["case"], event["action"]) for event in feed] == [
            (quiet.case_id, "offer"),
            (quiet.case_id, "accept"),
            (busy.case_id, "offer"),
            (busy.case_id, "accept"),
        ]
        assert shape(feed[:2]) == shape(feed[2:])
        # An event's id is the same in the feed and under its case, and is the feed's position.
        assert [event["id"] for event in feed[2:]] == [event["id"] for event in self.seen_events(busy)]
        last = self.client_ja.get("/api/v1/events/", {"after": feed[-1]["id"]}).json()
        assert (last["results"], last["next"]) == ([], feed[-1]["id"])

    def test_a_case_never_offered_has_no_event_in_the_feed(self):
        developing = make_case(self.officer, purchaser="JA", lines=2)
        for line in lines_of(developing):
            case_services.line_item_submit(actor=self.officer, line=line)
        cancelled = make_case(self.officer, purchaser="JA", lines=1)
        case_services.case_transition(actor=self.officer, case=cancelled, action=CaseAction.CANCEL)
        offered = purchaser_world.to_proposed(self.officer, self.reviewer, "JA")
        purchaser_world.offer(self.officer, offered)
        feed = self.settled_feed(1)
        assert [(event["case"], event["action"]) for event in feed] == [(offered.case_id, "offer")]
        for case in (developing, cancelled):
            assert self.client_ja.get(f"/api/v1/cases/{case.case_id}/events/").status_code == 404

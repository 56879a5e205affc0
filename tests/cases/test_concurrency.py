"""Real threads on real connections: one decision wins, and no update is lost."""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import connection

from fms.accounts.roles import CASE_OFFICER, REVIEWER
from fms.cases import services
from fms.cases.choices import LineStatus
from fms.cases.models import LineItem
from fms.core.errors import DomainError
from fms.ledger.models import ApprovalEvent
from fms.ledger.verification import verify_ledger
from tests.factories import UserFactory, lines_of, make_case
from tests.transactional import CommittedTestCase


def at_once(callables: list) -> list[str]:
    """Start every callable at the same moment, each on its own thread and connection."""
    barrier = threading.Barrier(len(callables))

    def run(call):
        try:
            barrier.wait()
            call()
            return "ok"
        except DomainError as refused:
            return type(refused).__name__
        finally:
            connection.close()

    with ThreadPoolExecutor(len(callables)) as pool:
        return list(pool.map(run, callables))


class ConcurrentDecisionsTest(CommittedTestCase):
    def setUp(self):
        self.officer = UserFactory(username="officer", roles=[CASE_OFFICER])
        self.case = make_case(self.officer, lines=1)
        self.line = lines_of(self.case)[0]

    def test_twenty_reviewers_approving_one_line_at_once_make_exactly_one_approval(self):
        reviewers = [UserFactory(username=f"reviewer{n}", roles=[REVIEWER]) for n in range(20)]
        line = services.line_item_submit(actor=self.officer, line=self.line)

        results = at_once([lambda r=r: services.line_item_approve(actor=r, line=line) for r in reviewers])

        assert results.count("ok") == 1, results
        assert set(results) - {"ok"} == {"TransitionNotAllowed"}
        assert ApprovalEvent.objects.filter(line_item=line, action="approve").count() == 1
        assert LineItem.objects.get(pk=line.pk).review_status == LineStatus.APPROVED
        assert verify_ledger([self.case.pk]).ok

    def test_two_officers_editing_the_same_version_one_wins_the_other_is_told(self):
        officer2 = UserFactory(username="officer2", roles=[CASE_OFFICER])
        version = self.line.version

        results = at_once(
            [
                lambda: services.line_item_update(
                    actor=self.officer, line=self.line, quantity=5, expected_version=version
                ),
                lambda: services.line_item_update(
                    actor=officer2, line=self.line, description="Other", expected_version=version
                ),
            ]
        )

        assert sorted(results) == ["StaleVersion", "ok"]
        assert LineItem.objects.get(pk=self.line.pk).version == version + 1

    def test_two_officers_editing_without_a_version_both_changes_survive(self):
        officer2 = UserFactory(username="officer2", roles=[CASE_OFFICER])

        results = at_once(
            [
                lambda: services.line_item_update(actor=self.officer, line=self.line, quantity=5),
                lambda: services.line_item_update(actor=officer2, line=self.line, description="Other"),
            ]
        )

        assert results == ["ok", "ok"]
        line = LineItem.objects.get(pk=self.line.pk)
        assert (line.quantity, line.description, line.version) == (5, "Other", self.line.version + 2)
        assert ApprovalEvent.objects.filter(line_item=line, action="edit").count() == 2
        assert verify_ledger([self.case.pk]).ok

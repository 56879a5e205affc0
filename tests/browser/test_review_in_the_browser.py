"""The whole review of a new case in a real browser (Playwright driving Debian's Chromium), with the
return path: bulk submit, bulk approve and return, the inbox, edit and resubmit, propose.

After sign-in no URL is typed: every page is reached by clicking. Each step is captured at 1440 px
and at 390 px under tests/artifacts/scenario/; at 390 px the page must not scroll sideways.
"""

from fms.accounts.roles import CASE_OFFICER, REVIEWER
from fms.cases.choices import CaseStatus, LineStatus
from fms.cases.models import Case, LineItem
from fms.ledger.models import ApprovalEvent
from tests.browser.base import ARTIFACTS, DESKTOP, PHONE, PHONE_CHECKS, BrowserTestCase
from tests.factories import UserFactory

SHOTS = ARTIFACTS / "scenario"


class ReturnPathInTheBrowserTest(BrowserTestCase):
    def setUp(self):
        for username, role in (("officer", CASE_OFFICER), ("reviewer", REVIEWER)):
            user = UserFactory(username=username, first_name=username.title(), roles=[role])
            user.set_password(f"{username}{self.password_suffix}")
            user.save()
        super().setUp()
        SHOTS.mkdir(parents=True, exist_ok=True)
        for old in SHOTS.glob("*.png"):
            old.unlink()
        self.step = 0
        self.phone_findings: dict[str, dict] = {}

    def shot(self, name: str) -> None:
        """The page at 1440 px and at 390 × 844 (checked for sideways scroll), then back to 1440 px."""
        self.step += 1
        self.page.screenshot(path=SHOTS / f"{self.step:02d}-{name}-1440.png", full_page=True)
        self.page.set_viewport_size(PHONE)
        self.page.screenshot(path=SHOTS / f"{self.step:02d}-{name}-390.png", full_page=True)
        found = self.page.evaluate(PHONE_CHECKS)
        if found["overflow"] > 0 or found["wrappedIds"] or found["smallChartLabels"]:
            self.phone_findings[name] = found
        self.page.set_viewport_size(DESKTOP)

    def expect_message(self, text: str) -> None:
        assert text in self.page.inner_text(".messages"), self.page.inner_text("main")

    def select_lines(self, *numbers: str) -> None:
        for number in numbers:
            self.page.check(f"input[name=line][value$='/{number}']")

    def test_bulk_review_return_inbox_resubmit_and_propose(self):
        page = self.page
        self.sign_in("officer")
        self.shot("officer-dashboard")
        page.click("nav >> text=Cases")
        page.click("text=New case")
        page.fill("#id_case_id", "KS-B-WEB")
        page.fill("#id_title", "Counter-battery radars")
        page.fill("#id_lor_received_on", "2026-11-02")
        self.shot("officer-new-case")
        page.click("button:has-text('Open case')")
        self.expect_message("Case KS-B-WEB opened in Development")

        lines = [
            ("other", "AN/TPQ-53 counter-battery radar", "3", "ea", "15,250,000.00"),
            ("training", "Operator and maintainer training", "12", "MO", "85000"),
            ("spare_parts", "Initial spare parts package", "2", "LO", "$2,400,000.00"),
        ]
        page.click("a.button:has-text('Add line')")
        for index, (category, description, quantity, unit, cost) in enumerate(lines):
            page.select_option("#id_category", category)
            page.fill("#id_description", description)
            page.fill("#id_quantity", quantity)
            page.fill("#id_unit_of_issue", unit)
            page.fill("#id_unit_cost", cost)
            if index == 0:
                assert page.inner_text("#line-total") == "3 × $15,250,000.00 = $45,750,000.00"
                self.shot("officer-add-line")
            last = index == len(lines) - 1
            page.click("button:has-text('Add line')" if last else "button:has-text('Add and add another')")
            self.expect_message(f"Line {index + 1:03d} added")
        assert "$51,570,000.00" in page.inner_text("main")

        page.click("button:has-text('Start writing')")
        self.expect_message("KS-B-WEB moved to Write.")
        self.select_lines("001", "002", "003")
        self.shot("officer-selects-three-lines")
        page.click("#bulk-lines button[value=submit]")
        self.expect_message("Submitted 3 lines: KS-B-WEB line 001, KS-B-WEB line 002, KS-B-WEB line 003.")
        page.click("button:has-text('Submit for review')")
        self.expect_message("KS-B-WEB moved to Review.")
        self.shot("officer-case-in-review")
        self.sign_out()

        self.sign_in("reviewer")
        page.click("nav >> text=Review queue")
        assert page.locator("table.queue tbody tr", has_text="KS-B-WEB").count() == 3
        self.select_lines("001", "002")
        self.shot("reviewer-queue")
        page.click("#bulk-lines button[value=approve]")
        self.expect_message("Approved 2 lines: KS-B-WEB line 001, KS-B-WEB line 002.")
        self.select_lines("003")
        page.fill("#bulk-comment", "Quantity differs from the LOR: 1 lot, not 2.")
        page.click("#bulk-lines button[value=return]")
        self.expect_message("Returned 1 line: KS-B-WEB line 003 (KS-B-WEB went back to Write).")
        assert "Your queue is empty" in page.inner_text("main")
        self.shot("reviewer-queue-done")
        self.sign_out()

        self.sign_in("officer")
        page.click("nav >> text=Inbox")
        section = page.locator("#inbox-sent_back")
        assert "Quantity differs from the LOR: 1 lot, not 2." in section.inner_text()
        self.shot("officer-inbox")
        section.locator("text=Edit and resubmit").click()
        page.fill("#id_quantity", "1")
        page.fill("#id_unit_cost", "2,125,000.00")
        assert page.inner_text("#line-total") == "1 × $2,125,000.00 = $2,125,000.00"
        self.shot("officer-edits-returned-line")
        page.click("button:has-text('Save line')")
        self.expect_message("Line 003 saved; it is a draft again")
        assert "Write" in page.inner_text("h1")
        self.select_lines("003")
        page.click("#bulk-lines button[value=submit]")
        self.expect_message("Submitted 1 line: KS-B-WEB line 003.")
        page.click("button:has-text('Submit for review')")
        self.expect_message("KS-B-WEB moved to Review.")
        self.shot("officer-resubmitted")
        self.sign_out()

        self.sign_in("reviewer")
        page.click("nav >> text=Inbox")
        assert "Quantity differs from the LOR" in page.inner_text("#inbox-came_back")
        self.shot("reviewer-inbox")
        page.click("text=Open the review queue")
        self.select_lines("003")
        page.click("#bulk-lines button[value=approve]")
        self.expect_message("Approved 1 line: KS-B-WEB line 003.")
        page.click("nav >> text=Cases")
        page.click("a.id:has-text('KS-B-WEB')")
        page.click("button:has-text('Propose')")
        self.expect_message("KS-B-WEB moved to Proposed.")
        self.shot("reviewer-case-proposed")

        page.click("text=Printable summary")
        assert "approval trail" in page.inner_text("article").lower()
        self.shot("print-summary")

        case = Case.objects.get(case_id="KS-B-WEB")
        assert case.status == CaseStatus.PROPOSED
        line = LineItem.objects.get(case=case, line_number="003")
        assert (line.review_status, str(line.unit_cost), line.quantity) == (LineStatus.APPROVED, "2125000.00", 1)
        sent_back = ApprovalEvent.objects.get(case=case, action="return", line_item__isnull=True)
        assert (sent_back.from_status, sent_back.to_status, sent_back.actor.username) == ("review", "write", "reviewer")
        assert self.phone_findings == {}, self.phone_findings
        assert self.problems == [], self.problems

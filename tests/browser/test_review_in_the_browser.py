"""The whole review of a new case in a real browser (Playwright driving Debian's Chromium).

Screenshots of every page land in tests/artifacts/screenshots/. Skipped, with the reason, only
where Chromium or Playwright is not available.
"""

import os
import shutil
from pathlib import Path
from unittest import SkipTest

from django.db import connections

from fms.accounts.roles import CASE_OFFICER, REVIEWER
from fms.cases.choices import LineStatus
from fms.cases.models import LineItem
from fms.ledger.models import ApprovalEvent
from tests.factories import UserFactory
from tests.transactional import LiveServerTestCase

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
# Reported to the console so the test sees it, whatever the browser prints on its own.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) =>
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`));
"""


class ReviewInTheBrowserTest(LiveServerTestCase):
    @classmethod
    def setUpClass(cls):
        if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
            raise SkipTest(
                f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium): browser tests skipped."
            )
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as missing:
            raise SkipTest(f"Playwright is not installed ({missing}): browser tests skipped.") from missing
        super().setUpClass()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def setUp(self):
        from playwright.sync_api import sync_playwright

        for username, role in (("officer", CASE_OFFICER), ("reviewer", REVIEWER)):
            user = UserFactory(username=username, first_name=username.title(), roles=[role])
            user.set_password(f"{username}-browser-pass")
            user.save()
        # Playwright's sync API runs an event loop in this thread while the test runs; it is
        # started and stopped inside the test so that Django's own setup and cleanup run outside it.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        self.problems: list[str] = []
        self.page = self.browser.new_page(viewport={"width": 1366, "height": 900})
        self.page.add_init_script(REPORT_CSP_VIOLATIONS)
        self.page.on("console", lambda m: self.problems.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))
        self.shot_number = 0

    def tearDown(self):
        self.browser.close()
        connections.close_all()  # the ORM calls made inside Playwright's loop had a connection of their own
        self.playwright.stop()
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    # -- helpers ----------------------------------------------------------------------------------

    def go(self, path: str) -> None:
        self.page.goto(self.live_server_url + path)

    def shot(self, name: str) -> None:
        self.shot_number += 1
        self.page.screenshot(path=SCREENSHOTS / f"{self.shot_number:02d}-{name}.png", full_page=True)

    def sign_in(self, username: str) -> None:
        self.go("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", f"{username}-browser-pass")
        self.page.click("button[type=submit]")
        self.page.wait_for_url(self.live_server_url + "/")

    def sign_out(self) -> None:
        self.page.click("text=Sign out")
        self.page.wait_for_url("**/login/")

    def line_form(self, number: str) -> str:
        return f"form[action='/cases/KS-B-WEB/lines/{number}/step/']"

    def expect_message(self, text: str) -> None:
        assert text in self.page.inner_text(".messages"), self.page.inner_text("main")

    # -- the story ----------------------------------------------------------------------------------

    def test_an_officer_prepares_a_case_a_reviewer_decides_the_officer_sees_the_return(self):
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
        self.expect_message("Case KS-B-WEB opened in development")

        lines = [
            ("other", "AN/TPQ-53 counter-battery radar", "3", "EA", "15250000.00"),
            ("training", "Operator and maintainer training", "12", "MO", "85000.00"),
            ("spare_parts", "Initial spare parts package", "1", "LO", "2400000.00"),
        ]
        page.click("text=Add line")
        for index, (category, description, quantity, unit, cost) in enumerate(lines):
            page.select_option("#id_category", category)
            page.fill("#id_description", description)
            page.fill("#id_quantity", quantity)
            page.fill("#id_unit_of_issue", unit)
            page.fill("#id_unit_cost", cost)
            if index == 0:
                self.shot("officer-add-line")
            last = index == len(lines) - 1
            page.click("button:has-text('Add line')" if last else "button:has-text('Add and add another')")
            self.expect_message(f"Line {index + 1:03d} added")
        for number in ("001", "002", "003"):
            page.click(f"{self.line_form(number)} button[value=submit]")
            self.expect_message(f"line {number}: submit — now submitted")
        assert "$49,170,000.00" in page.inner_text("main")
        self.shot("officer-case-submitted")
        self.sign_out()

        self.sign_in("reviewer")
        page.click("nav >> text=Review queue")
        assert page.locator("table.queue tr", has_text="KS-B-WEB").count() == 3
        self.shot("reviewer-queue")
        for number in ("001", "002"):
            page.click(f"{self.line_form(number)} button[value=approve]")
            self.expect_message(f"KS-B-WEB line {number}: approve — now approved")
        page.fill(f"{self.line_form('003')} input[name=comment]", "Quantity differs from the LOR: 1 lot, not 2.")
        page.click(f"{self.line_form('003')} button[value=return]")
        self.expect_message("KS-B-WEB line 003: return — now returned")
        assert "Your queue is empty" in page.inner_text("main")
        self.shot("reviewer-queue-done")
        self.sign_out()

        self.sign_in("officer")
        self.go("/cases/KS-B-WEB/")
        row = page.locator("table.data tbody tr", has_text="Initial spare parts package")
        assert "Returned" in row.inner_text()
        assert "Quantity differs from the LOR: 1 lot, not 2." in page.inner_text(".timeline")
        self.shot("officer-case-returned")
        page.click("a.mono:has-text('003')")
        assert "Quantity differs from the LOR" in page.inner_text("main")
        self.shot("officer-line-returned")

        self.go("/")
        assert page.locator("svg.chart").count() >= 2
        self.shot("officer-dashboard-after")
        self.go("/cases/KS-B-WEB/print/")
        assert "approval trail" in page.inner_text("article").lower()
        self.shot("print-summary")
        page.emulate_media(media="print")
        self.shot("print-summary-as-printed")
        pdf = SCREENSHOTS / "case-summary.pdf"
        page.pdf(path=pdf, format="A4", print_background=True)
        assert pdf.read_bytes().startswith(b"%PDF")

        statuses = dict(LineItem.objects.filter(case__case_id="KS-B-WEB").values_list("line_number", "review_status"))
        assert statuses == {"001": LineStatus.APPROVED, "002": LineStatus.APPROVED, "003": LineStatus.RETURNED}
        returned = ApprovalEvent.objects.get(case__case_id="KS-B-WEB", action="return")
        assert (returned.actor.username, returned.comment) == (
            "reviewer",
            "Quantity differs from the LOR: 1 lot, not 2.",
        )
        assert self.problems == [], self.problems

"""After acceptance in a real browser: the officer records a delivery, Japan's signatory files an SDR,
the officer resolves it, and client_ja sees the resolution and the statement. Skipped only without
Chromium; screenshots in tests/artifacts/."""

from fms.accounts.roles import CASE_OFFICER, CLIENT, CLIENT_OFFICER, REVIEWER
from fms.cases.choices import CaseStatus
from fms.execution.models import SupplyDiscrepancyReport
from tests.browser.base import ARTIFACTS, BrowserTestCase
from tests.factories import UserFactory, walk_to

SCREENSHOTS = ARTIFACTS / "screenshots"


class ExecutionInTheBrowserTest(BrowserTestCase):
    def setUp(self):
        super().setUp()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        officer = UserFactory(username="officer", roles=[CASE_OFFICER])
        reviewer = UserFactory(username="reviewer", roles=[REVIEWER])
        signatory = UserFactory(
            username="signatory_ja", roles=[CLIENT, CLIENT_OFFICER], purchaser_id="JA", is_staff=False
        )
        client = UserFactory(username="client_ja", roles=[CLIENT], purchaser_id="JA", is_staff=False)
        for user in (officer, signatory, client):
            user.set_password(f"{user.username}{self.password_suffix}")
            user.save()
        self.case = walk_to(CaseStatus.IMPLEMENTED, officer=officer, reviewer=reviewer)

    def test_delivery_sdr_resolution_and_statement_across_roles(self):
        page, case_id = self.page, self.case.case_id
        self.sign_in("officer")
        self.go(f"/cases/{case_id}/")
        form = "#delivery-form"
        page.select_option(f"{form} #id_line_number", "001")
        page.fill(f"{form} #id_quantity", "2")
        page.fill(f"{form} #id_shipped_on", "2026-08-03")
        page.fill(f"{form} #id_transportation_control_number", "FN12340000001XXXX")
        page.fill(f"{form} #id_document_number", "FN12346001A001")
        page.click("button:has-text('Record delivery')")
        assert "Delivery 1 recorded: 2 of line 001." in page.inner_text(".messages")
        page.screenshot(path=SCREENSHOTS / "execution-01-delivery.png", full_page=True)
        self.sign_out()

        self.sign_in("signatory_ja")
        self.go(f"/cases/{case_id}/")
        page.select_option("#sdr-form #id_kind", "damage")
        page.fill("#sdr-form #id_quantity", "1")
        page.fill("#sdr-form #id_value", "1000.00")
        page.fill("#sdr-form #id_description", "One unit arrived damaged")
        page.click("button:has-text('File SDR')")
        assert "SDR 1 filed against delivery 1" in page.inner_text(".messages")
        self.sign_out()

        self.sign_in("officer")
        self.go(f"/cases/{case_id}/")
        page.click("#sdr-1 button:has-text('Take under review')")
        assert "SDR 1 is under review." in page.inner_text(".messages")
        page.select_option("#resolution-1", "replacement")
        page.fill("#note-1", "Replacement shipped")
        page.click("#sdr-1 button:has-text('Resolve')")
        assert "SDR 1 resolved: replacement." in page.inner_text(".messages")
        assert SupplyDiscrepancyReport.objects.get().status == "resolved"
        self.sign_out()

        self.sign_in("client_ja")
        self.go(f"/cases/{case_id}/")
        assert "Replacement: Replacement shipped" in page.inner_text("#sdr-1")
        page.screenshot(path=SCREENSHOTS / "execution-02-purchaser.png", full_page=True)
        page.click("text=Quarterly statement")
        assert "Balance due" in page.inner_text("table.statement")
        page.screenshot(path=SCREENSHOTS / "execution-03-statement.png", full_page=True)
        assert not self.problems, self.problems

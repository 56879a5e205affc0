"""The purchaser's officer accepts an offered LOA in a real browser, seeing the hash it accepts;
the printed LOA as a screenshot and a PDF (tests/artifacts/). Skipped only without Chromium."""

from decimal import Decimal

from fms.accounts.roles import CASE_OFFICER, CLIENT, CLIENT_OFFICER, REVIEWER
from fms.cases.choices import CaseStatus
from fms.documents import services
from fms.documents.models import LoaDocument
from tests.browser.base import ARTIFACTS, BrowserTestCase
from tests.factories import UserFactory, walk_to

SCREENSHOTS = ARTIFACTS / "screenshots"


class AcceptInTheBrowserTest(BrowserTestCase):
    def setUp(self):
        super().setUp()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        officer = UserFactory(username="officer", roles=[CASE_OFFICER])
        reviewer = UserFactory(username="reviewer", roles=[REVIEWER])
        signatory = UserFactory(
            username="signatory_ja", roles=[CLIENT, CLIENT_OFFICER], purchaser_id="JA", is_staff=False
        )
        for user in (officer, signatory):
            user.set_password(f"{user.username}{self.password_suffix}")
            user.save()
        self.case = walk_to(CaseStatus.PROPOSED, officer=officer, reviewer=reviewer)
        self.document = services.document_offer(
            actor=officer, case=self.case, label="BASIC", transportation=Decimal("100.00")
        )

    def test_the_signatory_accepts_online_seeing_the_hash_and_the_loa_prints(self):
        page, case_id, content_hash = self.page, self.case.case_id, self.document.content_hash
        self.sign_in("signatory_ja")
        self.go(f"/cases/{case_id}/")
        page.click("#documents >> text=BASIC")
        assert page.inner_text("#content-hash") == content_hash
        assert content_hash in page.inner_text("#accept")
        page.fill("#id_signatory_name", "Taro Yamada")
        page.fill("#id_signatory_title", "Director")
        page.screenshot(path=SCREENSHOTS / "documents-01-accept.png", full_page=True)
        page.click("button:has-text('Accept BASIC')")
        assert f"{case_id} BASIC accepted for content {content_hash}" in page.inner_text(".messages")
        assert LoaDocument.objects.get(pk=self.document.pk).status == "accepted"

        self.sign_out()
        self.sign_in("officer")
        self.go(f"/cases/{case_id}/documents/BASIC/print/")
        assert f"content hash (SHA-256): {content_hash}" in page.inner_text("footer")
        page.screenshot(path=SCREENSHOTS / "documents-02-print.png", full_page=True)
        page.pdf(path=str(SCREENSHOTS / "documents-loa.pdf"))
        assert (SCREENSHOTS / "documents-loa.pdf").stat().st_size > 1000
        assert not self.problems, self.problems

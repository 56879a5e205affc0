"""A live server and a Playwright page on Debian's Chromium, for the browser tests.

Skipped, with the reason, only where Chromium or Playwright is not available.
"""

import os
import shutil
from pathlib import Path
from unittest import SkipTest

from django.db import connections

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
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
# Measured in the page at 390 px: sideways overflow of the page, case ids drawn on more than one
# line, chart labels drawn smaller than 12 px.
PHONE_CHECKS = """() => ({
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  wrappedIds: [...document.querySelectorAll('.id')]
      .filter(e => e.getClientRects().length > 1).map(e => e.textContent),
  smallChartLabels: [...document.querySelectorAll('svg.chart text')]
      .filter(t => t.getBoundingClientRect().height > 0 && t.getBoundingClientRect().height < 12).length,
})"""
# Reported to the console so the test sees it, whatever the browser prints on its own.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) =>
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`));
"""


class BrowserTestCase(LiveServerTestCase):
    """Starts Chromium per test; `self.page` reports console errors and CSP violations to `self.problems`."""

    password_suffix = "-browser-pass"

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

    def setUp(self):
        from playwright.sync_api import sync_playwright

        # Playwright's sync API runs an event loop in this thread while the test runs; it is
        # started and stopped inside the test so that Django's own setup and cleanup run outside it.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        self.problems: list[str] = []
        self.page = self.browser.new_page(viewport=DESKTOP)
        self.page.add_init_script(REPORT_CSP_VIOLATIONS)
        self.page.on("console", lambda m: self.problems.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))

    def tearDown(self):
        self.browser.close()
        connections.close_all()  # the ORM calls made inside Playwright's loop had a connection of their own
        self.playwright.stop()
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def go(self, path: str) -> None:
        self.page.goto(self.live_server_url + path)

    def sign_in(self, username: str, password: str | None = None) -> None:
        """The password, then the second factor where the role needs one (enrolling an app the first time)."""
        self.go("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password or f"{username}{self.password_suffix}")
        self.page.click("form.stacked button[type=submit]")
        self.page.wait_for_load_state()
        if "/mfa/" in self.page.url:
            self.pass_second_factor(username)
        self.page.wait_for_url(self.live_server_url + "/")

    def pass_second_factor(self, username: str) -> None:
        """On /mfa/enrol/: set up an app from the key shown and continue; on /mfa/: the app's code."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from tests.mfa import next_code

        enrolling = "/mfa/enrol/" in self.page.url
        device = TOTPDevice.objects.filter(user__username=username, confirmed=not enrolling).order_by("pk").first()
        if enrolling:
            assert self.page.inner_text("#totp-secret").strip()
        self.page.fill("#id_code", next_code(device))
        self.page.click("form.stacked button[type=submit]")
        if enrolling:
            self.page.click("text=Continue")

    def sign_out(self) -> None:
        if not self.page.is_visible("text=Sign out"):
            self.page.click("label.menu-button")  # the collapsed phone menu
        self.page.click("text=Sign out")
        self.page.wait_for_url("**/login/")

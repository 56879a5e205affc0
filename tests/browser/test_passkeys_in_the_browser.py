"""Passkeys as the second factor, in Chromium with a virtual authenticator (CDP WebAuthn domain):
a reviewer enrols a passkey on first sign-in instead of an app, gets recovery codes, and on the
next sign-in passes the second factor with the passkey alone."""

from django_otp_webauthn.models import WebAuthnCredential

from fms.accounts.roles import REVIEWER
from tests.browser.base import PHONE, PHONE_CHECKS, BrowserTestCase
from tests.factories import UserFactory

AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


class PasskeysInTheBrowserTest(BrowserTestCase):
    def setUp(self):
        user = UserFactory(username="reviewer", first_name="Rita", roles=[REVIEWER])
        user.set_password(f"reviewer{self.password_suffix}")
        user.save()
        super().setUp()
        cdp = self.page.context.new_cdp_session(self.page)
        cdp.send("WebAuthn.enable")
        self.authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
        self.cdp = cdp

    def check_page(self, name: str) -> None:
        """axe-core finds no serious or critical violation; at 390 px the page does not scroll sideways."""
        from axe_playwright_python.sync_playwright import Axe

        violations = Axe().run(self.page).response["violations"]
        blocking = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
        assert blocking == [], f"{name}: {blocking}"
        size = self.page.viewport_size
        self.page.set_viewport_size(PHONE)
        assert self.page.evaluate(PHONE_CHECKS)["overflow"] <= 0, name
        self.page.set_viewport_size(size)

    def session_cookie(self) -> str | None:
        return next((c["value"] for c in self.page.context.cookies() if c["name"] == "sessionid"), None)

    def password_step(self) -> None:
        self.go("/login/")
        self.page.fill("#id_username", "reviewer")
        self.page.fill("#id_password", f"reviewer{self.password_suffix}")
        self.page.click("form.stacked button[type=submit]")
        self.page.wait_for_load_state()

    def test_enrol_a_passkey_then_sign_in_with_it(self):
        with self.settings(OTP_WEBAUTHN_RP_ID="localhost", OTP_WEBAUTHN_ALLOWED_ORIGINS=[self.live_server_url]):
            self.password_step()
            assert "/mfa/enrol/" in self.page.url, self.page.url
            self.check_page("enrol")
            self.page.click("#passkey-register-button")
            self.page.wait_for_function(
                "() => document.getElementById('passkey-register-status-message')"
                ".getAttribute('data-status-enum') === 'success'",
                timeout=15000,
            )
            assert WebAuthnCredential.objects.filter(user__username="reviewer", confirmed=True).count() == 1
            credentials = self.cdp.send(
                "WebAuthn.getCredentials", {"authenticatorId": self.authenticator["authenticatorId"]}
            )
            assert len(credentials["credentials"]) == 1
            self.page.click("#passkey-continue")
            assert len(self.page.query_selector_all("ul.recovery-codes li")) == 10
            self.check_page("recovery codes")
            self.page.click("text=Continue")
            self.page.wait_for_url(self.live_server_url + "/")

            self.sign_out()
            self.password_step()
            assert self.page.url.startswith(f"{self.live_server_url}/mfa/?"), self.page.url
            self.check_page("verify")
            before = self.session_cookie()
            self.page.click("#passkey-verification-button")
            self.page.wait_for_url(self.live_server_url + "/", timeout=15000)
            assert "Rita" in self.page.inner_text("header")
            assert self.session_cookie() not in (before, None)  # a new session key once the second factor passed
            self.go("/mfa/security/")
            assert "Passkeys: 1" in self.page.inner_text("main")
            self.check_page("security")
            self.go("/admin/")
            assert "/mfa/" not in self.page.url
        assert not [problem for problem in self.problems if "CSP" in problem], self.problems

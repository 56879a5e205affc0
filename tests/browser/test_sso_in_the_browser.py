"""Single sign-on through a real OpenID provider (oidc-provider-mock on 127.0.0.1:8350), in Chromium:
the whole redirect flow, our callback exchanging the code and checking the signed ID token.

An existing user signs in (and, with OIDC_TRUST_MFA=1, the provider's `amr` satisfies our second
factor); without the trust the same user still passes our own second factor; an unknown user is
refused and nobody is created."""

from django.test import override_settings
from django.test.utils import modify_settings
from oidc_provider_mock import User as ProviderUser
from oidc_provider_mock import run_server_in_thread

from fms.accounts.models import User
from fms.accounts.roles import CASE_OFFICER
from fms.accounts.sso import discovery
from fms.ledger.models import ApprovalEvent
from tests.browser.base import BrowserTestCase
from tests.factories import UserFactory, lines_of, make_case

PROVIDER_PORT = 8350
ISSUER = f"http://127.0.0.1:{PROVIDER_PORT}"
PEOPLE = [
    ProviderUser(sub="officer-sub", claims={"preferred_username": "officer", "amr": ["pwd", "otp"]}),
    ProviderUser(sub="stranger-sub", claims={"preferred_username": "stranger", "amr": ["pwd", "otp"]}),
]


@override_settings(
    OIDC_ISSUER=ISSUER,
    OIDC_RP_CLIENT_ID="fms-records",
    OIDC_RP_CLIENT_SECRET="test-client-secret",
    OIDC_TRUST_MFA=True,
)
@modify_settings(AUTHENTICATION_BACKENDS={"append": "fms.accounts.sso.SsoBackend"})
class SingleSignOnInTheBrowserTest(BrowserTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = run_server_in_thread(port=PROVIDER_PORT, user_claims=PEOPLE)
        cls.provider.__enter__()
        discovery.cache_clear()

    @classmethod
    def tearDownClass(cls):
        cls.provider.__exit__(None, None, None)
        discovery.cache_clear()
        super().tearDownClass()

    def setUp(self):
        self.officer = UserFactory(username="officer", first_name="Olive", roles=[CASE_OFFICER])
        super().setUp()

    def sign_in_at_the_provider(self, sub: str) -> None:
        self.go("/login/")
        self.page.click("#sso-sign-in")
        self.page.wait_for_url(f"{ISSUER}/**")
        self.page.fill("#subject-input", sub)
        self.page.click("button:has-text('Authorize')")
        self.page.wait_for_url(f"{self.live_server_url}/**")
        self.page.wait_for_load_state()

    def test_an_existing_user_signs_in_and_the_providers_mfa_counts(self):
        self.sign_in_at_the_provider("officer-sub")
        assert self.page.url == f"{self.live_server_url}/", self.page.url
        assert "Olive" in self.page.inner_text("header")
        # A step taken in this session is recorded as an MFA session's.
        case = make_case(self.officer, lines=1)
        line = lines_of(case)[0]
        self.go(f"/cases/{case.case_id}/lines/{line.line_number}/")
        self.page.click("button[name=action][value=submit]")
        self.page.wait_for_load_state()
        assert ApprovalEvent.objects.get(line_item=line, action="submit").via == "session+mfa"

    def test_without_trust_our_own_second_factor_follows(self):
        with override_settings(OIDC_TRUST_MFA=False):
            self.sign_in_at_the_provider("officer-sub")
            assert "/mfa/enrol/" in self.page.url, self.page.url

    def test_an_unknown_user_is_refused_and_not_created(self):
        self.sign_in_at_the_provider("stranger-sub")
        assert self.page.url.startswith(f"{self.live_server_url}/login/"), self.page.url
        assert "matches no active user" in self.page.inner_text("main")
        assert not User.objects.filter(username="stranger").exists()
        self.go("/")
        assert "/login/" in self.page.url

"""Single sign-on without a provider configured, and which `amr` claims count as a second factor
(the full flow against a real provider: tests/browser/test_sso_in_the_browser.py)."""

import pytest

from fms.accounts.sso import amr_is_mfa

pytestmark = pytest.mark.django_db


def test_without_an_issuer_there_is_no_single_sign_on(client):
    assert client.get("/oidc/start/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404
    assert 'id="sso-sign-in"' not in client.get("/login/").content.decode()


@pytest.mark.parametrize(
    ("amr", "counts"),
    [
        (["pwd", "otp"], True),
        (["mfa"], True),
        (["hwk", "pin"], True),
        (["pwd"], False),
        ([], False),
        (None, False),
        ("otp", False),  # not a list, as RFC 8176 requires
    ],
)
def test_which_amr_counts_as_a_second_factor(amr, counts):
    assert amr_is_mfa(amr) is counts

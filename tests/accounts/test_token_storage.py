"""No token secret is stored in plain text: not in any table, not even behind an idempotency key.

Apart from tests/accounts/test_tokens.py, whose tests run inside one transaction holding the demo: this
one commits (pg_dump reads only what is committed).
"""

from io import StringIO

from django.core.management import call_command
from django.test import override_settings

from tests.accounts.test_tokens import client_with
from tests.conftest import bearer
from tests.database import pg_dump
from tests.transactional import CommittedTestCase


class NoPlaintextSecretTest(CommittedTestCase):
    def test_no_plaintext_secret_anywhere_in_the_database(self):
        with override_settings(DEBUG=True):
            call_command("load_demo", stdout=StringIO())
        secrets = [bearer(name).secret for name in ("client_ja", "officer", "reviewer")]
        for secret in secrets:  # use each, with an idempotency key too
            client_with(secret).post("/api/v1/cases/", {"case_id": "JA-P-XYZ", "title": "x"}, HTTP_IDEMPOTENCY_KEY="k")
        dump = pg_dump()
        assert "fms_" in dump  # the token prefixes are there, so the tokens were dumped
        for secret in secrets:
            assert secret not in dump
            assert secret[12:] not in dump

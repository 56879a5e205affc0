from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from rest_framework.test import APIClient

from fms.accounts import audit_spool
from fms.accounts.models import User
from fms.accounts.roles import AUDITOR, CASE_OFFICER, CLIENT, CN_OFFICER, REVIEWER
from fms.accounts.services import token_issue
from fms.cases import demo as case_demo
from fms.documents.demo import take_document_step
from fms.ledger.signing import signer_created_when_missing
from tests import mfa as test_mfa
from tests.database import APP_ROLE, connect_as_app_role
from tests.factories import UserFactory


def pytest_configure(config):
    # The suite runs with DEBUG off, where serving (fms.wsgi) needs the ledger's signing key: like make
    # run, the suite creates the key under var/ when it is missing.
    signer_created_when_missing()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated by the superuser; then the tests run as the app role (tests/database.py)."""
    with django_db_blocker.unblock():
        call_command("grant_app_role", APP_ROLE, "--create", stdout=StringIO())
    connect_as_app_role(True)
    yield
    connect_as_app_role(False)  # the superuser drops the test database


@pytest.fixture(autouse=True)
def signed_in_with_second_factor(request):
    """Test-client sign-ins pass the second factor too, except in tests marked `real_mfa` (tests/mfa.py)."""
    if request.node.get_closest_marker("real_mfa"):
        yield
        return
    test_mfa.install()
    yield
    test_mfa.uninstall()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Production hashing is deliberately slow; tests hash dozens of demo passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def read_audit_spool(settings, tmp_path):
    """Each test spools its read-audit rows into a folder of its own (tests ship them with flush())."""
    settings.READ_AUDIT_SPOOL_DIR = tmp_path / "read-audit"
    yield settings.READ_AUDIT_SPOOL_DIR
    audit_spool.close()


@pytest.fixture
def officer(db):
    return UserFactory(username="officer", roles=[CASE_OFFICER])


@pytest.fixture
def officer2(db):
    return UserFactory(username="officer2", roles=[CASE_OFFICER])


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", roles=[REVIEWER])


@pytest.fixture
def reviewer2(db):
    return UserFactory(username="reviewer2", roles=[REVIEWER])


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", roles=[AUDITOR])


@pytest.fixture
def cn_officer(db):
    return UserFactory(username="cn_officer", roles=[CN_OFFICER])


@pytest.fixture
def cn_officer2(db):
    return UserFactory(username="cn_officer2", roles=[CN_OFFICER])


@pytest.fixture
def client_ja(db):
    return UserFactory(username="client_ja", roles=[CLIENT], purchaser_id="JA", is_staff=False)


@pytest.fixture
def client_ks(db):
    return UserFactory(username="client_ks", roles=[CLIENT], purchaser_id="KS", is_staff=False)


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_superuser=True)


def _load_demo():
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=StringIO())


@pytest.fixture
def demo(db):
    """The demo data set of load_demo: JA-P-SAA's LOA story told (implemented, A01 accepted)."""
    _load_demo()


def _load_demo_cases():
    case_demo.load_demo(document_step=take_document_step)


@pytest.fixture
def demo_cases(db):
    """The cases app's part of the demo only: its users and cases, JA-P-SAA still in development with
    the article's lines (for tests that tell the LOA story themselves)."""
    _load_demo_cases()


def loaded_for_the_module(django_db_blocker, load):
    """Load once, in a transaction the module's tests run inside: each test's own transaction is then a
    savepoint of it, so what a test writes is still undone after it, and the load after the module.
    Yields what `load` returns. For modules whose tests share one data set (loading the demo costs
    about 1.7 s a test); a test of such a module that does not ask for it may still see it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo_for_the_module(django_db_setup, django_db_blocker):
    yield from loaded_for_the_module(django_db_blocker, _load_demo)


@pytest.fixture(scope="module")
def demo_cases_for_the_module(django_db_setup, django_db_blocker):
    yield from loaded_for_the_module(django_db_blocker, _load_demo_cases)


@pytest.fixture
def api_cases(demo_cases):
    """api_cases("officer") -> an API client of that demo user, on the cases-only demo."""
    return bearer


def bearer(username: str, **options) -> APIClient:
    """An API client holding a fresh token of this user (its secret in `.secret`)."""
    user = User.objects.get(username=username)
    _, secret = token_issue(actor=None, user=user, days=1, **options)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.secret = secret
    return client


@pytest.fixture
def api(demo):
    """api("officer") -> an API client authenticated as that demo user."""
    return bearer

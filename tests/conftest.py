from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from rest_framework.test import APIClient

from fms.accounts.models import User
from fms.accounts.roles import AUDITOR, CASE_OFFICER, CLIENT, CN_OFFICER, REVIEWER
from fms.accounts.services import token_issue
from fms.ledger.signing import signer_created_when_missing
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
def fast_password_hashing(settings):
    # Production hashing is deliberately slow; tests hash dozens of demo passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


@pytest.fixture
def demo(db):
    """The demo data set of load_demo."""
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=StringIO())


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

import pytest

from fms.accounts.roles import AUDITOR, CASE_OFFICER, CLIENT, REVIEWER
from tests.factories import UserFactory


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
def client_ja(db):
    return UserFactory(username="client_ja", roles=[CLIENT], purchaser_id="JA", is_staff=False)


@pytest.fixture
def client_ks(db):
    return UserFactory(username="client_ks", roles=[CLIENT], purchaser_id="KS", is_staff=False)


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_superuser=True)

"""Sign-in hardening (issue #14 item 6): common and repetitive passwords are refused, password
spraying from one address is locked out, and the lockout says for how long."""

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from fms.accounts.models import User
from fms.accounts.passwords import COMMON_PASSWORDS_100K, BundledCommonPasswordValidator

pytestmark = pytest.mark.django_db


def refusal_codes(password: str) -> set[str]:
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    return {error.code for error in refused.value.error_list}


def test_a_long_run_of_one_character_is_refused():
    assert "password_too_repetitive" in refusal_codes("aaaaaaaaaaaa")
    assert "password_too_repetitive" in refusal_codes("abababababab")


def test_a_password_from_the_bundled_list_is_refused_though_django_s_own_list_lacks_it():
    # 'websolutions': 12 letters, 10 different, in the SecLists 100k list, not in Django's 20k.
    assert refusal_codes("websolutions") == {"password_too_common"}
    assert refusal_codes("WebSolutions") == {"password_too_common"}  # compared case-insensitively


def test_the_bundled_list_has_at_least_100000_passwords_and_is_read_locally():
    assert COMMON_PASSWORDS_100K.is_file()
    assert len(BundledCommonPasswordValidator().passwords) >= 99_000  # duplicates once lower-cased


def test_a_good_password_passes():
    validate_password("violet-tractor-harbour-47")


def sign_in(client, username: str, password: str, address: str = "10.0.0.9"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def people(db):
    return [User.objects.create_user(f"person{n}", password="violet-tractor-harbour-47") for n in range(30)]


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5, AXES_ADDRESS_FAILURE_LIMIT=12)
def test_spraying_many_user_names_from_one_address_is_locked_out(client, people):
    for person in people[:11]:  # one guess each: no (user, address) pair comes near its limit of 5
        assert sign_in(client, person.username, "Summer2026!!").status_code == 200
    locked = sign_in(client, people[11].username, "Summer2026!!")
    assert locked.status_code == 429
    # Now the address is refused whoever signs in, even with the right password ...
    assert sign_in(client, people[20].username, "violet-tractor-harbour-47").status_code == 429
    # ... while another address is not.
    assert sign_in(client, people[20].username, "violet-tractor-harbour-47", address="10.0.0.10").status_code == 302


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5, AXES_ADDRESS_FAILURE_LIMIT=12)
def test_a_few_mistakes_by_several_people_behind_one_address_do_not_lock_it(client, people):
    for person in people[:5]:
        for attempt in range(2):
            assert sign_in(client, person.username, f"typo-{attempt}").status_code == 200
    assert sign_in(client, people[0].username, "violet-tractor-harbour-47").status_code == 302


@override_settings(
    AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, AXES_ADDRESS_FAILURE_LIMIT=20, AXES_COOLOFF_TIME=dt.timedelta(minutes=15)
)
def test_the_lockout_message_says_what_happened_and_for_how_long(client, people):
    for attempt in range(2):
        sign_in(client, "person0", f"wrong-{attempt}")
    locked = sign_in(client, "person0", "wrong-again")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed sign-ins" in page
    assert "locked for 15 minutes" in page
    assert locked["Retry-After"] == "900"

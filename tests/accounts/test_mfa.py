"""The second factor: required for every staff role, superusers and the admin, enrolled on first
sign-in, refused when wrong or replayed (and counted for the lockout), recovery codes single-use,
events recorded as `session+mfa`, a staff user's own tokens only from an MFA session."""

import re
from io import StringIO

import pyotp
import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import RequestFactory, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from fms.accounts import mfa
from fms.accounts.models import ApiToken, User
from fms.accounts.roles import AUDITOR, CLIENT, MFA_REQUIRED_ROLES, REVIEWER
from fms.accounts.services import token_issue
from fms.accounts.signin import SignInMiddleware, mark_token, request_via
from fms.cases import services
from fms.core.errors import NotAllowed
from fms.ledger.models import ApprovalEvent
from tests.factories import UserFactory, lines_of, make_case
from tests.mfa import mark_session_verified, next_code

pytestmark = [pytest.mark.django_db, pytest.mark.real_mfa]

CLIENT_BOUND = {"client_officer", "client_admin"}


def user_in(role: str | None, **extra) -> User:
    if role is None:
        return UserFactory(username="root", is_superuser=True, **extra)
    Group.objects.get_or_create(name=role)
    purchaser = {"purchaser_id": "JA", "is_staff": False} if role in CLIENT_BOUND else {}
    return UserFactory(username=f"u_{role}", roles=[role], **purchaser, **extra)


def problem_type(response) -> str:
    return response.json()["type"].rsplit("#", 1)[-1]


@pytest.mark.parametrize("role", [*sorted(MFA_REQUIRED_ROLES), None], ids=lambda r: r or "superuser")
def test_every_staff_role_and_superusers_need_the_second_factor(client, role):
    user = user_in(role)
    client.force_login(user)  # the password step only
    for path in ("/", "/cases/", "/admin/"):
        answer = client.get(path)
        assert answer.status_code == 302, path
        assert answer["Location"].startswith("/mfa/?next="), path
    api = client.get("/api/v1/cases/")
    assert (api.status_code, problem_type(api)) == (403, "mfa-required")
    assert client.get("/mfa/").status_code == 302  # not enrolled yet: to enrolment
    assert client.get("/mfa/", follow=True).redirect_chain[-1][0].startswith("/mfa/enrol/")

    mark_session_verified(client, user)
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/cases/").status_code == 200


@pytest.mark.parametrize("role", [AUDITOR, CLIENT])
def test_roles_outside_the_list_sign_in_with_a_password_alone(client, role):
    extra = {"purchaser_id": "JA", "is_staff": False} if role == CLIENT else {}
    client.force_login(UserFactory(username=f"u_{role}", roles=[role], **extra))
    assert client.get("/").status_code == 200


def test_enrolment_on_first_sign_in_then_recovery_codes_then_in(client, reviewer):
    client.force_login(reviewer)
    page = client.get("/mfa/enrol/?next=/cases/")
    secret = page.context["secret"]
    assert secret in page.content.decode()
    assert page.context["otpauth_uri"].startswith("otpauth://totp/")
    assert client.get("/mfa/enrol/").context["secret"] == secret  # the same key until confirmed

    wrong = client.post("/mfa/enrol/", {"code": "000000"})
    assert wrong.status_code == 400
    assert not mfa.is_enrolled(reviewer)

    device = TOTPDevice.objects.get(user=reviewer)
    device.throttling_failure_count = 0  # django-otp's own per-device backoff after the wrong code
    device.throttling_failure_timestamp = None
    device.save()
    done = client.post("/mfa/enrol/", {"code": pyotp.TOTP(secret).now(), "next": "/cases/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == mfa.RECOVERY_CODE_COUNT == len(set(codes))
    assert done.context["next"] == "/cases/"
    assert mfa.is_enrolled(reviewer)
    assert client.get("/cases/").status_code == 200


def enrolled(user) -> TOTPDevice:
    mfa.totp_for_demo(user)
    return mfa.totp_device(user)


def test_a_code_works_once(client, reviewer):
    device = enrolled(reviewer)
    code = next_code(device)
    client.force_login(reviewer)
    assert client.post("/mfa/", {"code": code, "next": "/cases/"})["Location"] == "/cases/"
    assert client.get("/").status_code == 200

    client.logout()
    client.force_login(reviewer)
    replayed = client.post("/mfa/", {"code": code})
    assert replayed.status_code == 400
    assert "not accepted" in replayed.content.decode()
    assert client.get("/")["Location"].startswith("/mfa/")


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_wrong_codes_count_for_the_lockout(client, reviewer):
    device = enrolled(reviewer)
    client.force_login(reviewer)
    for _ in range(2):
        assert client.post("/mfa/", {"code": "123456"}).status_code == 400
    locked = client.post("/mfa/", {"code": "123456"})
    assert locked.status_code == 429
    # Locked out: even the right code is refused now, without being tried.
    device.refresh_from_db()
    assert client.post("/mfa/", {"code": next_code(device)}).status_code == 429
    assert client.get("/")["Location"].startswith("/mfa/")


def test_recovery_codes_are_single_use_and_replaced_together(client, reviewer):
    enrolled(reviewer)
    first, second, *_ = mfa.recovery_codes_issue(reviewer)
    client.force_login(reviewer)
    assert client.post("/mfa/", {"code": first.upper().replace("-", " ")}).status_code == 302
    assert mfa.recovery_codes_left(reviewer) == mfa.RECOVERY_CODE_COUNT - 1

    client.logout()
    client.force_login(reviewer)
    assert client.post("/mfa/", {"code": first}).status_code == 400
    mfa.recovery_codes_issue(reviewer)  # new codes: the old ones stop working
    assert client.post("/mfa/", {"code": second}).status_code == 400


def test_new_recovery_codes_only_from_an_mfa_session(client, reviewer):
    enrolled(reviewer)
    client.force_login(reviewer)
    assert client.post("/mfa/recovery-codes/")["Location"].startswith("/mfa/")
    assert mfa.recovery_codes_left(reviewer) == 0
    mark_session_verified(client, reviewer)
    assert len(client.post("/mfa/recovery-codes/").context["codes"]) == mfa.RECOVERY_CODE_COUNT
    assert client.get("/mfa/security/").context["recovery_left"] == mfa.RECOVERY_CODE_COUNT


def test_events_of_an_mfa_session_record_session_mfa(client, officer, reviewer):
    line = services.line_item_submit(actor=officer, line=lines_of(make_case(officer, lines=1))[0])
    client.force_login(reviewer)
    url = f"/api/v1/cases/{line.case.case_id}/lines/{line.line_number}/approve/"
    assert client.post(url, {}, content_type="application/json", HTTP_IF_MATCH=f'"{line.version}"').status_code == 403
    assert not ApprovalEvent.objects.filter(line_item=line, action="approve").exists()

    assert client.post("/mfa/", {"code": next_code(enrolled(reviewer))}).status_code == 302
    answer = client.post(url, {}, content_type="application/json", HTTP_IF_MATCH=f'"{line.version}"')
    assert answer.status_code == 200, answer.content
    assert ApprovalEvent.objects.get(line_item=line, action="approve").via == "session+mfa"


def test_request_via_for_the_read_audit(client, auditor):
    request = RequestFactory().get("/")
    request.user = auditor
    request.session = client.session
    assert request_via(request) == "session"
    mark_token(request, "fms_abcdefgh")
    assert request_via(request) == "token:fms_abcdefgh"
    assert request_via(None) == "command"


# ---- API tokens -------------------------------------------------------------------------------


def test_a_staff_user_issues_their_own_token_only_after_the_second_factor(client):
    reviewer = UserFactory(username="reviewer", roles=[REVIEWER])
    client.force_login(reviewer)
    form = {"user": reviewer.pk, "name": "laptop", "days": 7}
    assert client.post("/admin/accounts/apitoken/add/", form)["Location"].startswith("/mfa/")
    assert not ApiToken.objects.exists()

    mark_session_verified(client, reviewer)
    assert client.post("/admin/accounts/apitoken/add/", form).status_code == 302
    assert ApiToken.objects.get().issued_by == reviewer


def test_a_token_or_a_plain_session_cannot_issue_a_staff_users_own_token(reviewer):
    def issue_in(request):
        return SignInMiddleware(lambda r: token_issue(actor=reviewer, user=reviewer, days=1))(request)

    request = RequestFactory().post("/")
    request.user, request.session = reviewer, {}
    with pytest.raises(NotAllowed, match="second factor"):
        issue_in(request)
    mark_token(request, "fms_abcdefgh")
    with pytest.raises(NotAllowed, match="second factor"):
        issue_in(request)
    assert not ApiToken.objects.exists()
    # The operator's command line (no request) stays: issue_token.
    assert token_issue(actor=None, user=reviewer, days=1)[0].issued_by is None


# ---- Demo ---------------------------------------------------------------------------------------


def test_the_demo_enrols_its_users_and_prints_their_secrets_with_debug_on(db):
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=out)
        code = StringIO()
        call_command("demo_totp", "reviewer", stdout=code)
    printed = out.getvalue()
    reviewer = User.objects.get(username="reviewer")
    secret = mfa.totp_secret(mfa.totp_device(reviewer))
    assert re.search(rf"^  reviewer +{secret}$", printed, re.M)
    assert "client_ja " not in printed.split("Second factor")[1]  # clients need none
    assert pyotp.TOTP(secret).verify(code.getvalue().strip(), valid_window=1)


def test_production_pre_enrols_nobody(db):
    call_command("load_demo", "--force", stdout=StringIO())
    assert not TOTPDevice.objects.exists()
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_totp", "reviewer", stdout=StringIO())


# ---- Administrators ------------------------------------------------------------------------------


def test_an_administrator_resets_a_second_factor_but_never_reads_it(client, reviewer, superuser):
    enrolled(reviewer)
    mfa.recovery_codes_issue(reviewer)
    client.force_login(superuser)
    mark_session_verified(client, superuser)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404
    answer = client.post(
        "/admin/accounts/user/", {"action": "reset_second_factor", "_selected_action": [reviewer.pk]}, follow=True
    )
    assert "Removed 2 second factor(s) of 1 user(s)." in answer.content.decode()
    assert not mfa.is_enrolled(reviewer)
    assert mfa.is_enrolled(superuser)


def test_a_new_passkey_cannot_replace_the_second_factor_it_should_pass(client, reviewer):
    enrolled(reviewer)
    client.force_login(reviewer)  # the password only
    begin = client.post("/mfa/passkeys/registration/begin/", content_type="application/json")
    assert begin.status_code == 403
    assert "verify your identity first" in begin.json()["detail"]


def test_a_passkey_alone_signs_nobody_in(client):
    # Passkeys are a second factor here, never a sign-in without the password.
    assert client.post("/mfa/passkeys/authentication/begin/", content_type="application/json").status_code in (
        401,
        403,
    )
    assert "_auth_user_id" not in client.session


def test_enrolment_keeps_where_the_user_was_going(client, reviewer):
    client.force_login(reviewer)
    answer = client.get("/mfa/?next=/cases/?status=review%26q=JA")
    assert answer["Location"] == "/mfa/enrol/?next=%2Fcases%2F%3Fstatus%3Dreview%26q%3DJA"


def test_passing_the_second_factor_gives_a_new_session_key(client, reviewer):
    device = enrolled(reviewer)
    client.force_login(reviewer)
    before = client.session.session_key
    assert client.post("/mfa/", {"code": next_code(device)}).status_code == 302
    assert client.session.session_key != before
    assert client.get("/").status_code == 200

"""Deployment security: Django's deploy checks, response headers, the CSP, cookies, sessions, and
the lockout of repeated failed sign-ins."""

import datetime as dt
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings

from fms.accounts.models import User
from tests.core.test_settings import ROOT

pytestmark = pytest.mark.django_db

CSP_REQUIRED = ("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'self'")


def test_production_settings_pass_the_deploy_checks():
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "fms.settings",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "fms.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def assert_security_headers(response, *, https: bool) -> None:
    policy = response["Content-Security-Policy"]
    for directive in CSP_REQUIRED:
        assert directive in policy, policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    if https:
        hsts = response["Strict-Transport-Security"]
        assert re.fullmatch(r"max-age=31536000; includeSubDomains; preload", hsts), hsts
    else:
        assert "Strict-Transport-Security" not in response  # HSTS is only ever sent over HTTPS


@pytest.mark.parametrize("https", [True, False])
def test_api_admin_and_docs_responses_carry_the_security_headers(api, client, https):
    token = api("officer")
    assert_security_headers(token.get("/api/v1/cases/", secure=https), https=https)
    assert_security_headers(token.get("/api/v1/cases/XX-X-XXX/", secure=https), https=https)  # errors too
    assert_security_headers(client.get("/admin/login/", secure=https), https=https)
    assert_security_headers(client.get("/api/docs/", secure=https), https=https)


def test_the_admin_uses_nonces_not_inline_code(client):
    response = client.get("/admin/login/", secure=True)
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", html):
        assert "src=" in tag or f'nonce="{nonce}"' in tag, tag
    assert " style=" not in html
    assert "onclick=" not in html


def test_the_api_docs_page_has_no_inline_script_and_serves_its_setup_script_as_a_file(client):
    page = client.get("/api/docs/", secure=True)
    assert page.status_code == 200
    html = page.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    assert all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html  # local files, no CDN
    nonce = re.search(r"'nonce-([^']+)'", page["Content-Security-Policy"]).group(1)
    assert f'<style nonce="{nonce}">' in html
    script = client.get("/api/docs/?script=", secure=True)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def sign_in(client, username: str, password: str):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, secure=True, REMOTE_ADDR="10.0.0.7"
    )


@pytest.fixture
def staff(db):
    user = User.objects.create_user("ops", password="correct-horse-battery", is_staff=True, is_superuser=True)
    return user


@override_settings(AXES_ENABLED=True)
def test_session_and_csrf_cookies_are_secure_http_only_and_the_session_expires(client, staff):
    client.get("/admin/login/", secure=True)
    response = sign_in(client, "ops", "correct-horse-battery")
    assert response.status_code == 302
    session, csrf = client.cookies[settings.SESSION_COOKIE_NAME], client.cookies[settings.CSRF_COOKIE_NAME]
    for cookie in (session, csrf):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
    assert session["max-age"] == ""
    assert session["expires"] == ""
    assert 0 < client.session.get_expiry_age() <= 8 * 3600  # and on the server after 8 hours at most


@override_settings(AXES_ENABLED=True)
def test_repeated_failed_sign_ins_are_locked_out_for_a_while(client, staff, settings):
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(limit - 1):
        assert sign_in(client, "ops", f"wrong-{attempt}").status_code == 200  # the form again, with an error
    locked = sign_in(client, "ops", "wrong-again")
    assert locked.status_code == 429
    # Locked out: even the right password is refused, from that address, until the cool-off ends.
    assert sign_in(client, "ops", "correct-horse-battery").status_code == 429
    other_address = client.post(
        "/admin/login/?next=/admin/",
        {"username": "ops", "password": "correct-horse-battery"},
        secure=True,
        REMOTE_ADDR="10.0.0.8",
    )
    assert other_address.status_code == 302
    with override_settings(AXES_COOLOFF_TIME=dt.timedelta(seconds=0)):  # the cool-off has passed
        assert sign_in(client, "ops", "correct-horse-battery").status_code == 302


def test_the_test_client_can_still_sign_in(client, staff):
    # With the lockout off (pytest-env), login() works; with it on, axes needs the request.
    assert client.login(username="ops", password="correct-horse-battery")


def test_the_lockout_is_on_unless_turned_off():
    code = "import django; django.setup(); from django.conf import settings as s; print(s.AXES_ENABLED)"
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "fms.settings", "DATABASE_URL": "postgres://x@y/z"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, "DEBUG": "0", "SECRET_KEY": "k" * 50},
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.stdout.strip() == "True", result.stderr


def test_the_lockout_is_configured_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "fms.settings",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "DEBUG": "1",
        "AXES_FAILURE_LIMIT": "3",
        "AXES_COOLOFF_MINUTES": "30",
    }
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["3", "0:30:00"], result.stderr

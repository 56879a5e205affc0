"""Withdrawing an API token in the admin is confirmed on a page of its own; until then nothing changes."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from fms.accounts.models import ApiToken, User
from fms.accounts.services import token_issue

pytestmark = pytest.mark.django_db


def test_revoking_a_token_asks_first_and_revokes_only_once_confirmed(client, demo):
    admin = User.objects.get(username="admin")
    token, _ = token_issue(actor=admin, user=User.objects.get(username="client_ja"), days=30, purchaser_code="JA")
    client.force_login(admin)
    url = reverse("admin:accounts_apitoken_changelist")
    asked = client.post(url, {"action": "revoke", ACTION_CHECKBOX_NAME: [token.pk]})
    assert asked.status_code == 200
    body = asked.content.decode()
    assert "Revoke these API tokens?" in body
    assert "gets 401 from its next request on" in body
    assert token.prefix in body
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    done = client.post(url, {"action": "revoke", ACTION_CHECKBOX_NAME: [token.pk], "post": "yes"})
    assert done.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None

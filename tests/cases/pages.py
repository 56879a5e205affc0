"""Helpers of the web-page tests: a signed-in test client and a page by its URL name."""

from django.urls import reverse

from fms.accounts.models import User


def as_user(client, username: str):
    client.force_login(User.objects.get(username=username))
    return client


def page(client, name: str, *args, **query):
    url = reverse(name, args=args)
    return client.get(url, query)

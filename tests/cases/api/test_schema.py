"""The OpenAPI schema validates, documents every error as problem+json, and matches the documents."""

from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from fms.cases.api import serializers as s

pytestmark = pytest.mark.django_db


def test_schema_is_valid_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stderr=StringIO())
    schema = yaml.safe_load(target.read_text())
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for code, response in operation["responses"].items():
                if code.startswith(("4", "5")):
                    assert list(response["content"]) == ["application/problem+json"], (method, path, code)
            assert {"401", "403"} <= set(operation["responses"]), (method, path)


def test_docs_are_served_from_local_files(client):
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower()
    assert "//unpkg" not in page


@pytest.mark.parametrize(
    ("url", "serializer", "pick"),
    [
        ("/api/v1/cases/JA-P-SAA/", s.CaseDetailSerializer, lambda body: body),
        ("/api/v1/cases/JA-P-SAA/", s.LineItemSerializer, lambda body: body["lines"][0]),
        ("/api/v1/cases/JA-P-SAA/events/", s.EventSerializer, lambda body: body["results"][0]),
        ("/api/v1/notifications/", s.NotificationSerializer, lambda body: body["results"][0]),
        ("/api/v1/purchasers/", s.PurchaserSerializer, lambda body: body["results"][0]),
        ("/api/v1/implementing-agencies/", s.ImplementingAgencySerializer, lambda body: body["results"][0]),
    ],
)
def test_documents_have_exactly_the_documented_fields(api, url, serializer, pick):
    body = api("auditor").get(url).json()
    assert set(pick(body)) == set(serializer().fields)

"""Property-based checks of the live schema (schemathesis), seeded and bounded: no server errors,
and every response conforms to the schema: status code, content type, headers and body."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fms.wsgi import application
from tests.conftest import bearer

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
BOUNDED = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Called through WSGI, Django would close the test's connection after each request (its test
    client avoids that the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@BOUNDED
@pytest.mark.parametrize("username", ["officer", "client_ja"])
def test_the_api_against_its_schema(case, demo, username):
    secret = bearer(username).secret
    case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS)

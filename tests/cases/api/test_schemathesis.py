"""Property-based checks of the live schema (schemathesis), seeded and bounded: no server errors,
and every response conforms to the schema: status code, content type, headers and body.

The strategies also send numbers written with digits other than ASCII ("²", "١٢", "１") where a
number is expected (page_size, after, ids, If-Match): str.isdigit() accepts them and int() then
failed or misread them, which schemathesis' own generators never try (issue 10 part 7)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
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

# Superscripts, Arabic-Indic, Extended Arabic-Indic, Devanagari, fullwidth, and some ASCII.
DIGITS = "²³¹٠١٢٣٤٥٦٧٨٩۰۱۲۳०१२३１２３0123456789"
NUMBER = st.text(alphabet=DIGITS, min_size=1, max_size=4)
NUMBERS_IN = {
    "page_size": NUMBER,
    "after": st.builds("{}.{}".format, NUMBER, NUMBER),
    "id": NUMBER,
    "line_number": NUMBER,
    "If-Match": NUMBER.map('"{}"'.format),
}


def _with_unicode_digits(values: dict | None):
    """Each numeric value as generated, or a number in digits of any script."""
    if not values:
        return st.just(values)
    return st.fixed_dictionaries(
        {
            name: st.one_of(NUMBERS_IN[name], st.just(value)) if name in NUMBERS_IN else st.just(value)
            for name, value in values.items()
        }
    )


@schema.hook
def flatmap_query(context, query):
    return _with_unicode_digits(query)


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    return _with_unicode_digits(path_parameters)


@schema.hook
def flatmap_headers(context, headers):
    return _with_unicode_digits(headers)


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


@pytest.fixture
def demo(demo_for_the_module):
    """Every test here reads the demo: loaded once for the module (tests/conftest.py)."""


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

"""API query parameters come once and with a value; the schema says so, and says what else the API
enforces everywhere (found by schemathesis: such requests were answered as if well formed)."""

from io import StringIO

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "field"),
    [("page_size=", "page_size"), ("page_size=1&page_size=2", "page_size"), ("status=write&status=review", "status"),
     ("updated_since=", "updated_since"), ("q=%20", "q")],
)  # fmt: skip
def test_a_repeated_or_empty_parameter_is_a_400_naming_it(api, query, field):
    response = api("auditor").get(f"/api/v1/cases/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == [field]


def test_comma_separated_lists_and_the_docs_script_are_fine(api, client):
    assert api("auditor").get("/api/v1/cases/?status=write,review&page_size=5").status_code == 200
    assert client.get("/api/docs/?script=").status_code == 200  # outside /api/v1/


def test_the_schema_states_the_rules_the_api_enforces(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stderr=StringIO())
    schema = yaml.safe_load(target.read_text())
    cases = schema["paths"]["/api/v1/cases/"]["get"]["parameters"]
    by_name = {p["name"]: p["schema"] for p in cases}
    assert by_name["q"]["minLength"] == 1
    assert by_name["page_size"]["minimum"] == 1
    patch = schema["paths"]["/api/v1/cases/{case_id}/"]["patch"]["parameters"]
    assert next(p for p in patch if p["name"] == "If-Match")["schema"]["pattern"] == '^"[0-9]+"$'
    create = schema["paths"]["/api/v1/cases/"]["post"]["parameters"]
    key = next(p for p in create if p["name"] == "Idempotency-Key")["schema"]
    assert (key["minLength"], key["maxLength"]) == (1, 255)
    assert schema["components"]["schemas"]["CaseCreateRequest"]["additionalProperties"] is False

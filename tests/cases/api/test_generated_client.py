"""A client generated from the schema with openapi-python-client works with no hand-written code
(issue 11 part 9): it pages a list by passing each page's `next` back as `cursor`, reads a record
and its ETag, gets 304 with If-None-Match, downloads CSV as text, and writes with If-Match and
Idempotency-Key.

The generator runs offline from the schema file; the generated client talks to the app in this
process through httpx's WSGI transport (so the test database and its transaction are shared),
not over a socket.
"""

import importlib
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from fms.cases.models import Case, LineItem
from fms.wsgi import application
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
CONFIG = "package_name_override: fms_client\nproject_name_override: fms-client\npost_hooks: []\n"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The generated package `fms_client`, and what the generator printed."""
    root = tmp_path_factory.mktemp("generated")
    schema = root / "schema.yaml"
    call_command("spectacular", "--file", str(schema))
    (root / "config.yaml").write_text(CONFIG)
    run = subprocess.run(
        [GENERATOR, "generate", "--path", schema, "--config", root / "config.yaml", "--meta", "none"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("fms_client"), run.stdout + run.stderr
    finally:
        sys.path.remove(str(root))
        for name in [name for name in sys.modules if name.split(".")[0] == "fms_client"]:
            del sys.modules[name]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Called through WSGI, Django would close the test's connection after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def client_for(package, username: str):
    return package.AuthenticatedClient(
        base_url="http://testserver",
        token=bearer(username).secret,
        httpx_args={"transport": httpx.WSGITransport(app=application)},
        raise_on_unexpected_status=True,
    )


def operation(name: str):
    return importlib.import_module(f"fms_client.api.{name}")


# The one route whose body is not JSON: DFAS's CSV file as sent (POST /financials/import/, text/csv),
# which the generator leaves out, saying so. Any other warning is a schema problem.
CSV_UPLOAD_WARNING = (
    "WARNING parsing POST /api/v1/financials/import/ within financials. Endpoint will not be generated.\n\n"
    "Unsupported content type text/csv\n"
)


def test_the_generator_has_nothing_to_warn_about_but_the_csv_upload(generated):
    _, output = generated
    assert CSV_UPLOAD_WARNING in output
    rest = output.replace(CSV_UPLOAD_WARNING, "").replace(
        "Warning(s) encountered while generating. Client was generated, but some pieces may be missing", ""
    )
    assert "warning" not in rest.lower(), output
    assert "error" not in rest.lower(), output


def test_a_list_is_paged_by_the_generated_code_alone(generated, demo):
    package, _ = generated
    cases_list = operation("cases.cases_list")
    client = client_for(package, "auditor")
    seen, page = [], cases_list.sync(client=client, page_size=2)
    while True:
        seen += [case.case_id for case in page.results]
        if page.next_ is None:
            break
        page = cases_list.sync(client=client, page_size=2, cursor=page.next_)
    assert sorted(seen) == sorted(Case.objects.values_list("case_id", flat=True))
    assert len(seen) > 2  # more than one page was followed


def test_reference_lists_and_the_feed_have_the_same_page(generated, demo):
    package, _ = generated
    client = client_for(package, "auditor")
    purchasers = operation("purchasers.purchasers_list").sync(client=client, page_size=5)
    more = operation("purchasers.purchasers_list").sync(client=client, page_size=5, cursor=purchasers.next_)
    assert len(purchasers.results) == len(more.results) == 5
    assert purchasers.results[-1].code < more.results[0].code
    feed = operation("events.events_list").sync(client=client, page_size=5)
    assert isinstance(feed.next_, str)  # always a token to poll again with


def test_a_detail_its_etag_and_if_none_match(generated, demo):
    package, _ = generated
    retrieve = operation("cases.cases_retrieve")
    client = client_for(package, "auditor")  # the staff view: a purchaser's leaves out working figures (§8)
    response = retrieve.sync_detailed("JA-P-SAA", client=client)
    assert response.status_code == 200
    case = response.parsed
    assert (case.case_id, case.effective_document, case.estimated_total) == ("JA-P-SAA", "A01", "133300000.00")
    assert [line.line_number for line in case.lines] == ["001", "002", "003"]
    etag = response.headers["ETag"]
    assert etag == f'"{case.version}"'
    assert retrieve.sync_detailed("JA-P-SAA", client=client, if_none_match=etag).status_code == 304
    hidden = retrieve.sync_detailed("KS-D-QAB", client=client_for(package, "client_ja"))
    assert hidden.status_code == 404
    assert hidden.parsed.type_ == "/api/problems/#not-found"


def test_csv_comes_back_as_text(generated, demo):
    package, _ = generated
    expand = importlib.import_module("fms_client.models").CasesCsvExpand("lines")
    text = operation("cases.cases_csv").sync(client=client_for(package, "auditor"), purchaser="JA", expand=expand)
    rows = text.splitlines()
    assert rows[0].startswith('"case_case_id","case_purchaser"')
    assert len(rows) == 1 + LineItem.objects.filter(case__purchaser_id="JA", removed_at__isnull=True).count()


def test_writes_with_idempotency_key_and_if_match(generated, demo):
    package, _ = generated
    models = importlib.import_module("fms_client.models")
    officer = client_for(package, "officer")
    create = operation("cases.cases_create")
    body = models.CaseCreateRequest(case_id="KS-B-GEN", title="Made by a generated client")

    first = create.sync_detailed(client=officer, body=body, idempotency_key="generated-1")
    again = create.sync_detailed(client=officer, body=body, idempotency_key="generated-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Case.objects.filter(case_id="KS-B-GEN").count() == 1

    add = operation("cases.cases_lines_create").sync_detailed(
        "KS-B-GEN",
        client=officer,
        body=models.LineWriteRequest(
            category=models.CategoryEnum("other"), description="Radar spares", quantity=2, unit_cost="1250.50"
        ),
    )
    assert add.status_code == 201
    assert add.parsed.total_cost == "2501.00"

    submit = operation("cases.cases_lines_submit")
    stale = submit.sync_detailed("KS-B-GEN", "001", client=officer, body=models.CommentRequest(), if_match='"99"')
    assert stale.status_code == 412
    assert stale.parsed.type_ == "/api/problems/#stale-version"
    done = submit.sync_detailed(
        "KS-B-GEN", "001", client=officer, body=models.CommentRequest(), if_match=add.headers["ETag"]
    )
    assert done.status_code == 200
    assert done.parsed.review_status.value == "submitted"

    case = operation("cases.cases_retrieve").sync_detailed("KS-B-GEN", client=officer)
    patched = operation("cases.cases_partial_update").sync_detailed(
        "KS-B-GEN",
        client=officer,
        body=models.PatchedCaseUpdateRequest(notes="Changed through the generated client"),
        if_match=case.headers["ETag"],
    )
    assert patched.status_code == 200
    assert Case.objects.get(case_id="KS-B-GEN").notes == "Changed through the generated client"

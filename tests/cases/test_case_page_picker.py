"""The case list every purchaser polls (no filter named) reads its page through SQL compiled once per kind of
reader and shape of page (selectors.case_page_picker). It must be, statement for statement, what the scoping
queryset paged per request would send, and the API must answer with it what the filtered path answers."""

from unittest import mock

import pytest
from django.db.models.sql.compiler import SQLCompiler

from fms.accounts.models import User
from fms.cases import selectors
from fms.cases.api.views import CASE_ORDERINGS
from fms.cases.choices import CaseStatus
from fms.core.api.pagination import KeysetPage, encode_cursor
from tests.conftest import bearer
from tests.factories import make_case, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def readers(officer, reviewer, auditor, client_ja, client_ks, superuser):
    """Every kind of reader, over cases of two purchasers, offered and not."""
    for _ in range(3):
        walk_to(CaseStatus.OFFERED, officer=officer, reviewer=reviewer)  # JA cases offered to Japan
    make_case(officer, purchaser="JA")
    make_case(officer, purchaser="KS")
    bound_admin = User.objects.create(username="admin_bound", is_superuser=True, is_staff=True, purchaser_id="JA")
    inactive = User.objects.create(username="gone_ja", purchaser_id="JA", is_active=False)
    return [officer, auditor, client_ja, client_ks, superuser, bound_admin, inactive]


# The sort key of a row, as a cursor carries it (a time as ISO text).
CURSOR_KEY = {"updated_at": "2026-03-04T05:06:07.123456+00:00", "id": 41, "case_id": "JA-P-SAB"}


def pages():
    """Every shape of page: each ordering, each direction, from the start and from a cursor, several sizes."""
    for name, ordering in CASE_ORDERINGS.items():
        key = [CURSOR_KEY[field] for field in ordering.fields]
        for size in (1, 2, 50):
            yield KeysetPage(CASE_ORDERINGS, name, size)
            for backwards in (False, True):
                yield KeysetPage(CASE_ORDERINGS, name, size, key, backwards)


def test_the_compiled_page_is_the_statement_the_queryset_would_send(readers):
    compared = 0
    for user in readers:
        for page in pages():
            picker = selectors.case_page_picker(user, page)
            queryset = page.apply(selectors.case_queryset_for(user)).values("pk")
            if user.username == "gone_ja":  # sees nothing: no statement at all
                assert picker is None
                assert not queryset.exists()
                continue
            sql, params = queryset.query.sql_with_params()
            assert picker == (sql, list(params)), (user.username, page)
            compared += 1
    assert compared == 6 * 4 * 3 * 3  # readers x orderings x sizes x (first page, next, previous)


EVERY_PURCHASER = "&purchaser=JA,KS"


@pytest.mark.parametrize("ordering", list(CASE_ORDERINGS))
@pytest.mark.parametrize("username", ["client_ja", "auditor", "admin_bound"])
def test_the_unfiltered_list_answers_what_the_filtered_path_answers(readers, username, ordering):
    """Every case here is Japan's or Korea's: `purchaser=JA,KS` names a filter that narrows nothing, so it takes
    the per-request path, and both walk the same pages."""
    client = bearer(username)

    def walk(extra: str, direction: str) -> list[list[str]]:
        url, walked = f"/api/v1/cases/?page_size=2&ordering={ordering}{extra}", []
        while url:
            response = client.get(url)
            assert response.status_code == 200, response.content
            body = response.json()
            walked.append([case["case_id"] for case in body["results"]])
            url = body[f"{direction}_url"]
        return walked

    forward = walk("", "next")
    assert forward == walk(EVERY_PURCHASER, "next")
    reader = User.objects.get(username=username)
    assert sum(len(page) for page in forward) == selectors.case_queryset_for(reader).count()
    # …and back from the last page, through `previous` cursors.
    last = client.get(f"/api/v1/cases/?page_size=2&ordering={ordering}").json()
    while last["next_url"]:
        last = client.get(last["next_url"]).json()
    if last["previous_url"]:
        back, filtered = (client.get(last["previous_url"] + extra).json() for extra in ("", EVERY_PURCHASER))
        assert [back[key] for key in ("results", "next", "previous")] == [
            filtered[key] for key in ("results", "next", "previous")
        ]


def test_a_purchaser_list_sees_only_its_offered_cases(readers):
    """The rule of DESIGN §8, written down: of the five cases, client_ja's list holds the three offered to Japan."""
    offered = set(
        selectors.case_queryset_for(User.objects.get(username="auditor"))
        .filter(purchaser_id="JA", status=CaseStatus.OFFERED)
        .values_list("case_id", flat=True)
    )
    assert len(offered) == 3
    listed = bearer("client_ja").get("/api/v1/cases/?page_size=50").json()["results"]
    assert {case["case_id"] for case in listed} == offered
    assert bearer("client_ks").get("/api/v1/cases/").json()["results"] == []


def test_a_polled_list_compiles_no_sql_after_its_first_request(readers):
    client = bearer("client_ja")
    url = "/api/v1/cases/?page_size=2&expand=lines"
    cursor = client.get(url).json()["next"]
    client.get(f"{url}&cursor={cursor}")
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compiled:
        assert client.get(url).status_code == 200
        assert client.get(f"{url}&cursor={cursor}").status_code == 200
    assert compiled.call_count == 0
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compiled:
        assert client.get(f"{url}&status=offered").status_code == 200  # a filter: compiled per request
    assert compiled.call_count > 0


def test_a_cursor_of_another_ordering_is_still_refused(readers):
    client = bearer("client_ja")
    cursor = encode_cursor(["n", "case_id", "JA-P-SAB"])
    response = client.get(f"/api/v1/cases/?cursor={cursor}")
    assert response.status_code == 400
    assert response.json()["type"] == "/api/problems/#validation-error"
    assert "cursor" in response.json()["errors"]

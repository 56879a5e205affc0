"""The floor: a bare WSGI app answering the benchmark's requests with one hand-written SQL query each.

It is the yardstick the product is measured against, not part of the product. Each request is
one statement that checks the bearer token (HMAC digest, expiry, revocation, active user, the
`cases.view_case` permission), scopes to the token's purchaser and builds the whole JSON with
json_build_object / json_agg, with the field names of the product's documents as a purchaser
reads them (DESIGN §8): only cases a document was offered for (an offer event in the ledger), the
lines of the document shown (in force, else offered), milestone events only, with the purchaser's
own opaque event ids and encrypted cursors, sealed with the product's own helpers
(fms.core.opaque), so the floor pays the same cryptography. It answers only what the benchmark
asks for, and only for purchaser-bound (client) tokens:

    GET /api/v1/cases/?expand=lines[&page_size=N][&cursor=C]   (next cursors of the product's format)
    GET /api/v1/cases/<case_id>/
    GET /api/v1/cases/<case_id>/documents/<label>/
    GET /api/v1/events/[?after=C][&page_size=N]
    GET /healthz

Run it with gunicorn (bench does): DATABASE_URL, TOKEN_HMAC_KEY and SECRET_KEY (which keys the
cursors and ids, as in the product) come from the environment. Not measured against the product:
the rate counter, the read audit and the lazy expiry of offers past their date (the product's
costs, which the floor is the yardstick for).
"""

import datetime as dt
import hashlib
import hmac
import os
import re
from urllib.parse import parse_qs, urlencode

import orjson
import psycopg
from django.conf import settings

from fms.cases import rules
from fms.core import opaque
from fms.documents import content

if not settings.configured:  # the sealing helpers read SECRET_KEY from Django's settings
    settings.configure(SECRET_KEY=os.environ.get("SECRET_KEY", ""))

PAGE_SIZE, MAX_PAGE_SIZE = 50, 500
CURSOR_SCOPE = "fms.core.api.pagination.cursor"
# What a purchaser's feed carries (fms.cases.selectors.MILESTONE_ACTIONS).
MILESTONES = ("offer", "accept", "implement", "complete_supply", "close", "cancel", "issue")
IN_FORCE, SHOWN = ("accepted", "issued"), ("accepted", "issued", "offered")

# Who may read: the token's user, active, bound to the token's purchaser, holding cases.view_case.
SCOPE = """
scope AS (
    SELECT u.purchaser_id FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id
    WHERE t.digest = %(digest)s AND t.revoked_at IS NULL AND t.expires_at > now() AND u.is_active
      AND t.purchaser_id = u.purchaser_id
      AND (u.is_superuser OR EXISTS (
          SELECT 1 FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id
          WHERE ct.app_label = 'cases' AND p.codename = 'view_case' AND (
              p.id IN (SELECT permission_id FROM accounts_user_user_permissions WHERE user_id = u.id)
              OR p.id IN (SELECT gp.permission_id FROM auth_group_permissions gp
                          JOIN accounts_user_groups ug ON ug.group_id = gp.group_id WHERE ug.user_id = u.id))))
)"""

# A purchaser sees a case once a document of it was offered: an offer event in the case's ledger.
OFFERED = """EXISTS (SELECT 1 FROM cases_approvalevent o
                WHERE o.case_id = {case} AND o.line_item_id IS NULL AND o.action = 'offer')"""
# The same test for cases, as a subquery per case: PostgreSQL then walks the purchaser's keyset index
# and probes each case's events until the page is full. As EXISTS it became a hash semi-join over
# every case-level event of every purchaser (no index leads to offers): 3x slower on the list.
VISIBLE_CASE = """c.purchaser_id = (SELECT purchaser_id FROM scope) AND (SELECT true FROM cases_approvalevent o
    WHERE o.case_id = c.id AND o.line_item_id IS NULL AND o.action = 'offer' LIMIT 1)"""


def _statuses(statuses: tuple[str, ...]) -> str:
    return ", ".join(f"'{status}'" for status in statuses)


def _object(alias: str, fields: tuple[str, ...], money: tuple[str, ...] = ()) -> str:
    return "json_build_object(" + ", ".join(
        f"'{name}', {alias}.{name}{'::text' if name in money else ''}" for name in fields
    ) + ")"  # fmt: skip


MONEY = ("unit_cost", "total_cost", "amount", "cumulative", *content.COST_FIELDS)
DOCUMENT_LINES = f"""COALESCE((
    SELECT json_agg({_object("dl", content.LINE_FIELDS, MONEY)} ORDER BY dl.line_number)
    FROM documents_loadocumentline dl WHERE dl.document_id = {{document}}
), '[]'::json)"""
# The document a purchaser reads a case by: the latest in force, or before any acceptance the latest offered.
SHOWN_DOCUMENT = f"""(SELECT d.id FROM documents_loadocument d
    WHERE d.case_id = c.id AND d.status IN ({_statuses(SHOWN)})
    ORDER BY CASE WHEN d.status IN ({_statuses(IN_FORCE)}) THEN 0 ELSE 1 END, d.created_at DESC, d.id DESC LIMIT 1)"""


def _latest(statuses: tuple[str, ...], column: str) -> str:
    return f"""(SELECT d.{column} FROM documents_loadocument d WHERE d.case_id = c.id
        AND d.status IN ({_statuses(statuses)}) ORDER BY d.created_at DESC, d.id DESC LIMIT 1)"""


NOTIFICATION_REQUIRED = " OR ".join(
    f"(p.review_group = '{group}' AND (c.mde_value >= {t.mde} OR c.total_value >= {t.total}"
    f" OR c.design_construction_value >= {t.design_construction}))"
    for group, t in rules.NOTIFICATION_THRESHOLDS.items()
)

CASE_DOCUMENT = f"""json_build_object(
    'case_id', c.case_id, 'purchaser', c.purchaser_id, 'implementing_agency', c.implementing_agency_id,
    'title', c.title, 'description', c.description, 'status', c.status, 'lor_date', c.lor_date,
    'lor_received_on', c.lor_received_on, 'offer_expires_on', c.offer_expires_on,
    'notification', n.transmittal_number, 'effective_document', {_latest(IN_FORCE, "label")},
    'estimated_total', COALESCE({_latest(IN_FORCE, "total_estimated_cost")},
                                {_latest(SHOWN, "total_estimated_cost")})::text,
    'created_at', c.created_at, 'updated_at', c.updated_at, 'version', c.version,
    'lines', {DOCUMENT_LINES.format(document=SHOWN_DOCUMENT)})"""

CASE_JOINS = """
    FROM cases_case c
    LEFT JOIN cases_congressionalnotification n ON n.id = c.notification_id"""

KEYSET = "AND c.updated_at <= %(at)s AND (c.updated_at < %(at)s OR (c.updated_at = %(at)s AND c.id < %(id)s))"

# One page (one row more, to know whether another follows), aggregated into one JSON array.
CASE_PAGE = f"""
WITH {SCOPE},
page AS (
    SELECT c.id, c.updated_at, {CASE_DOCUMENT} AS doc {CASE_JOINS}
    WHERE {VISIBLE_CASE} {{keyset}}
    ORDER BY c.updated_at DESC, c.id DESC
    LIMIT %(size)s + 1
),
numbered AS (SELECT *, row_number() OVER (ORDER BY updated_at DESC, id DESC) AS n FROM page)
SELECT COALESCE(json_agg(doc ORDER BY n) FILTER (WHERE n <= %(size)s), '[]'::json)::text,
       MAX(updated_at) FILTER (WHERE n = 1), MAX(id) FILTER (WHERE n = 1),
       MAX(updated_at) FILTER (WHERE n = %(size)s), MAX(id) FILTER (WHERE n = %(size)s),
       COUNT(*) > %(size)s
FROM numbered"""

CASE_DETAIL = f"""
WITH {SCOPE}
SELECT {CASE_DOCUMENT}::text, c.version {CASE_JOINS}
WHERE c.case_id = %(case_id)s AND {VISIBLE_CASE}"""

# A frozen document of a visible case, as fms.documents.api.views.detail gives it.
DOCUMENT = f"""
WITH {SCOPE}
SELECT json_build_object(
    'case', c.case_id, 'label', d.label, 'kind', d.kind, 'status', d.status, 'reason', d.reason,
    'supersedes', s.label, 'terms_of_sale', d.terms_of_sale, 'offered_on', d.offered_on,
    'offer_expires_on', d.offer_expires_on, 'reinstated_until', d.reinstated_until, 'issued_on', d.issued_on,
    'content_hash', d.content_hash,
    'acceptance', CASE WHEN d.accepted_on IS NOT NULL THEN json_build_object(
        'accepted_on', d.accepted_on, 'method', d.acceptance_method, 'signatory_name', d.signatory_name,
        'signatory_title', d.signatory_title, 'signed_copy_sha256', d.signed_copy_sha256) END,
    'title', d.title, 'description', d.description,
    'lines', {DOCUMENT_LINES.format(document="d.id")},
    'loa_notes', COALESCE((SELECT json_agg({_object("ln", content.NOTE_FIELDS)} ORDER BY ln.number)
                           FROM documents_loanote ln WHERE ln.document_id = d.id), '[]'::json),
    'cost_summary', {_object("d", content.COST_FIELDS, MONEY)},
    'payment_schedule', COALESCE((
        SELECT json_agg({_object("ps", content.PAYMENT_FIELDS, MONEY)} ORDER BY ps.position)
        FROM documents_paymentschedulerow ps WHERE ps.document_id = d.id), '[]'::json)
)::text
FROM cases_case c
JOIN documents_loadocument d ON d.case_id = c.id
LEFT JOIN documents_loadocument s ON s.id = d.supersedes_id
WHERE c.case_id = %(case_id)s AND {VISIBLE_CASE} AND d.label = %(label)s AND d.content_hash <> ''"""

# Milestones of visible cases, each as the implementing agency's step; the purchaser's opaque id is
# sealed from (txid, id) in Python, as the product does. The milestones in feed order come from a
# subquery of their own (OFFSET 0 keeps it apart): joined to the cases directly, PostgreSQL hashed the
# purchaser's cases against every offer event first, twice as slow at both data-set sizes.
FEED = f"""
WITH {SCOPE}
SELECT e.txid, e.id, json_build_object(
        'case', c.case_id, 'action', e.action, 'from_status', e.from_status, 'to_status', e.to_status,
        'occurred_at', e.occurred_at, 'hash', e.hash, 'document', e.document, 'actor', c.implementing_agency_id,
        'actor_name', a.name
    )::text, (SELECT purchaser_id FROM scope)
FROM (
    SELECT * FROM cases_approvalevent e
    WHERE e.line_item_id IS NULL AND e.action IN ({_statuses(MILESTONES)})
      AND (e.txid, e.id) > (%(txid)s, %(id)s)
      AND e.txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
    ORDER BY e.txid, e.id OFFSET 0
) e
JOIN cases_case c ON c.id = e.case_id
JOIN cases_implementingagency a ON a.code = c.implementing_agency_id
WHERE c.purchaser_id = (SELECT purchaser_id FROM scope) AND {OFFERED.format(case="e.case_id")}
ORDER BY e.txid, e.id
LIMIT %(size)s"""

# Only to open a feed cursor, which is sealed under the purchaser's key (the first page needs none).
PURCHASER = f"WITH {SCOPE} SELECT purchaser_id FROM scope"

DETAIL_PATH = re.compile(r"^/api/v1/cases/([A-Za-z0-9-]{1,20})/$")
DOCUMENT_PATH = re.compile(r"^/api/v1/cases/([A-Za-z0-9-]{1,20})/documents/([A-Za-z0-9]{1,5})/$")
_connection: psycopg.Connection | None = None


def _db() -> psycopg.Connection:
    """One persistent connection per worker process (opened after the fork)."""
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True, options="-c TimeZone=UTC")
    return _connection


def _digest(environ) -> str | None:
    scheme, _, secret = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.startswith("fms_"):
        return None
    return hmac.new(os.environ["TOKEN_HMAC_KEY"].encode(), secret.strip().encode(), hashlib.sha256).hexdigest()


def _link(environ, params: dict, **changes) -> str:
    query = urlencode({**params, **changes})
    return f"http://{environ['HTTP_HOST']}{environ['PATH_INFO']}?{query}"


def _size(params: dict) -> int:
    return min(int(params.get("page_size") or PAGE_SIZE), MAX_PAGE_SIZE)


def _cursor(payload: list) -> str:
    """The product's page cursor: the payload encrypted and authenticated (AES-GCM)."""
    return opaque.seal_bytes(CURSOR_SCOPE, orjson.dumps(payload))


def _page(results: bytes, next_cursor, next_url, previous=None, previous_url=None) -> bytes:
    return b'{"results":%b,"next":%b,"next_url":%b,"previous":%b,"previous_url":%b}' % (
        results, *(orjson.dumps(value) for value in (next_cursor, next_url, previous, previous_url))
    )  # fmt: skip


def case_page(environ, params: dict, digest: str):
    size, keyset, args = _size(params), "", {}
    if params.get("cursor"):
        payload = opaque.open_bytes(CURSOR_SCOPE, params["cursor"])
        if payload is None:
            return 400, b'{"detail":"not a cursor of this API"}', {}
        direction, _, at, pk = orjson.loads(payload)
        if direction != "n":
            return 400, b'{"detail":"the floor follows next links only"}', {}
        keyset, args = KEYSET, {"at": dt.datetime.fromisoformat(at), "id": pk}
    row = _db().execute(CASE_PAGE.format(keyset=keyset), {"digest": digest, "size": size, **args}).fetchone()
    results, first_at, first_id, last_at, last_id, more = row
    next_cursor = _cursor(["n", "-updated_at", last_at.isoformat(), last_id]) if more else None
    previous = None
    if params.get("cursor") and first_at is not None:
        previous = _cursor(["p", "-updated_at", first_at.isoformat(), first_id])
    links = [cursor and _link(environ, params, cursor=cursor) for cursor in (next_cursor, previous)]
    return 200, _page(results.encode(), next_cursor, links[0], previous, links[1]), {}


def case_detail(environ, params: dict, digest: str, case_id: str):
    row = _db().execute(CASE_DETAIL, {"digest": digest, "case_id": case_id.upper()}).fetchone()
    if row is None:
        return 404, b'{"detail":"Not found."}', {}
    return 200, row[0].encode(), {"ETag": f'"{row[1]}"'}


def document(environ, params: dict, digest: str, case_id: str, label: str):
    args = {"digest": digest, "case_id": case_id.upper(), "label": label.upper()}
    row = _db().execute(DOCUMENT, args).fetchone()
    if row is None:
        return 404, b'{"detail":"Not found."}', {}
    return 200, row[0].encode(), {}


def _events_scope(purchaser: str) -> str:
    return f"events:{purchaser}"  # the product's key scope of a purchaser's event ids


def _purchaser(digest: str) -> str | None:
    found = _db().execute(PURCHASER, {"digest": digest}).fetchone()
    return found and found[0]


def feed(environ, params: dict, digest: str):
    purchaser, position = None, (0, 0)
    if params.get("after"):
        purchaser = _purchaser(digest)
        position = purchaser and opaque.open_pair(_events_scope(purchaser), params["after"])
        if position is None:
            return 400, b'{"detail":"not a position of this feed"}', {}
    args = {"digest": digest, "txid": position[0], "id": position[1], "size": _size(params)}
    rows = _db().execute(FEED, args).fetchall()
    # The purchaser comes with the rows; only a first page with no visible event asks for it.
    purchaser = purchaser or (rows[0][3] if rows else _purchaser(digest))
    if purchaser is None:
        return 200, _page(b"[]", None, None), {}
    scope = _events_scope(purchaser)
    events = [f'{{"id":"{opaque.seal_pair(scope, txid, pk)}",{body[1:]}' for txid, pk, body, _ in rows]
    cursor = opaque.seal_pair(scope, *(rows[-1][:2] if rows else position))
    results = b"[" + ",".join(events).encode() + b"]"
    return 200, _page(results, cursor, _link(environ, params, after=cursor)), {}


def application(environ, start_response):
    params = {key: values[-1] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
    path = environ["PATH_INFO"]
    digest = _digest(environ)
    if path == "/healthz":
        status, body, headers = 200, b'{"status":"ok"}', {}
    elif digest is None:
        status, body, headers = 401, b'{"detail":"Bearer token required."}', {}
    elif path == "/api/v1/cases/" and params.get("expand") == "lines":
        status, body, headers = case_page(environ, params, digest)
    elif path == "/api/v1/events/":
        status, body, headers = feed(environ, params, digest)
    elif match := DETAIL_PATH.match(path):
        status, body, headers = case_detail(environ, params, digest, match.group(1))
    elif match := DOCUMENT_PATH.match(path):
        status, body, headers = document(environ, params, digest, *match.groups())
    else:
        status, body, headers = 404, b'{"detail":"The floor does not answer this."}', {}
    reason = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}[status]
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body)), **headers}
    start_response(f"{status} {reason}", list(headers.items()))
    return [body]

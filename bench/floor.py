"""The floor: a bare WSGI app answering the benchmark's requests with one hand-written SQL query each.

It is the yardstick the product is measured against, not part of the product. Each request is
one statement that checks the bearer token (HMAC digest, expiry, revocation, active user, the
`cases.view_case` permission), scopes to the token's purchaser and builds the whole JSON with
json_build_object / json_agg, with the field names of the product's documents. It answers only
what the benchmark asks for, and only for purchaser-bound (client) tokens:

    GET /api/v1/cases/?expand=lines[&page_size=N][&cursor=C]   (next cursors of the product's format)
    GET /api/v1/cases/<case_id>/
    GET /api/v1/events/[?after=TXID.ID][&page_size=N]

Run it with gunicorn (bench does): DATABASE_URL, TOKEN_HMAC_KEY and SECRET_KEY (which signs the
cursors, as fms.core.api.pagination does) come from the environment.
"""

import base64
import datetime as dt
import hashlib
import hmac
import os
import re
from urllib.parse import parse_qs, urlencode

import orjson
import psycopg

from fms.cases import rules

PAGE_SIZE, MAX_PAGE_SIZE = 50, 500

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

NOTIFICATION_REQUIRED = " OR ".join(
    f"(p.review_group = '{group}' AND (c.mde_value >= {t.mde} OR c.total_value >= {t.total}"
    f" OR c.design_construction_value >= {t.design_construction}))"
    for group, t in rules.NOTIFICATION_THRESHOLDS.items()
)

LINES = """COALESCE((
    SELECT json_agg(json_build_object(
        'case', c.case_id, 'line_number', l.line_number, 'category', l.category, 'description', l.description,
        'masl', l.masl, 'quantity', l.quantity, 'unit_of_issue', l.unit_of_issue, 'unit_cost', l.unit_cost::text,
        'total_cost', l.total_cost::text, 'is_mde', l.is_mde, 'is_sme', l.is_sme, 'source_code', l.source_code,
        'type_of_assistance', l.type_of_assistance, 'offer_release_code', l.offer_release_code,
        'delivery_term_code', l.delivery_term_code, 'months_of_service', l.months_of_service,
        'delivery_from_months', l.delivery_from_months, 'delivery_to_months', l.delivery_to_months,
        'review_status', l.review_status,
        'created_by', lc.username, 'updated_by', lu.username, 'updated_at', l.updated_at, 'version', l.version
    ) ORDER BY l.line_number)
    FROM cases_lineitem l
    JOIN accounts_user lc ON lc.id = l.created_by_id
    JOIN accounts_user lu ON lu.id = l.updated_by_id
    WHERE l.case_id = c.id AND l.removed_at IS NULL
), '[]'::json)"""

CASE_DOCUMENT = f"""json_build_object(
    'case_id', c.case_id, 'purchaser', c.purchaser_id, 'implementing_agency', c.implementing_agency_id,
    'title', c.title, 'description', c.description, 'notes', c.notes, 'status', c.status, 'lor_date', c.lor_date,
    'lor_received_on', c.lor_received_on, 'offer_expires_on', c.offer_expires_on,
    'notification', n.transmittal_number, 'notification_id', c.notification_id,
    'total_value', c.total_value::text, 'mde_value', c.mde_value::text,
    'design_construction_value', c.design_construction_value::text,
    'notification_required', ({NOTIFICATION_REQUIRED}), 'created_by', cb.username, 'created_at', c.created_at,
    'updated_at', c.updated_at, 'version', c.version, 'lines', {LINES})"""

CASE_JOINS = """
    FROM cases_case c
    JOIN cases_purchaser p ON p.code = c.purchaser_id
    JOIN accounts_user cb ON cb.id = c.created_by_id
    LEFT JOIN cases_congressionalnotification n ON n.id = c.notification_id"""

KEYSET = "AND c.updated_at <= %(at)s AND (c.updated_at < %(at)s OR (c.updated_at = %(at)s AND c.id < %(id)s))"

# One page (one row more, to know whether another follows), aggregated into one JSON array.
CASE_PAGE = f"""
WITH {SCOPE},
page AS (
    SELECT c.id, c.updated_at, {CASE_DOCUMENT} AS doc {CASE_JOINS}
    WHERE c.purchaser_id = (SELECT purchaser_id FROM scope) {{keyset}}
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
WHERE c.case_id = %(case_id)s AND c.purchaser_id = (SELECT purchaser_id FROM scope)"""

FEED = f"""
WITH {SCOPE},
page AS (
    SELECT e.txid, e.id, json_build_object(
        'id', e.id, 'case', c.case_id, 'line_number', l.line_number, 'seq', e.seq, 'action', e.action,
        'from_status', e.from_status, 'to_status', e.to_status, 'actor', a.username, 'actor_name', e.actor_name,
        'comment', e.comment, 'occurred_at', e.occurred_at, 'content_digest', e.content_digest,
        'prev_hash', e.prev_hash, 'hash', e.hash) AS doc
    FROM cases_approvalevent e
    JOIN cases_case c ON c.id = e.case_id
    LEFT JOIN cases_lineitem l ON l.id = e.line_item_id
    JOIN accounts_user a ON a.id = e.actor_id
    WHERE c.purchaser_id = (SELECT purchaser_id FROM scope)
      AND (e.txid, e.id) > (%(txid)s, %(id)s)
      AND e.txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
    ORDER BY e.txid, e.id
    LIMIT %(size)s
)
SELECT COALESCE(json_agg(doc ORDER BY txid, id), '[]'::json)::text,
       (array_agg(txid ORDER BY txid DESC, id DESC))[1], (array_agg(id ORDER BY txid DESC, id DESC))[1]
FROM page"""

DETAIL_PATH = re.compile(r"^/api/v1/cases/([A-Za-z0-9-]{1,20})/$")
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


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _cursor(payload: list) -> str:
    """The product's signed cursor: Django's salted_hmac (SHA-256) of the body, cut to 16 bytes."""
    body = _b64(orjson.dumps(payload))
    key = hashlib.sha256(("fms.core.api.pagination.cursor" + os.environ["SECRET_KEY"]).encode()).digest()
    return f"{body}.{_b64(hmac.new(key, body.encode(), hashlib.sha256).digest()[:16])}"


def _link(environ, params: dict, **changes) -> str:
    query = urlencode({**params, **changes})
    return f"http://{environ['HTTP_HOST']}{environ['PATH_INFO']}?{query}"


def _size(params: dict) -> int:
    return min(int(params.get("page_size") or PAGE_SIZE), MAX_PAGE_SIZE)


def case_page(environ, params: dict, digest: str):
    size, keyset, args = _size(params), "", {}
    if params.get("cursor"):
        raw = params["cursor"].partition(".")[0]  # the floor trusts its benchmark's cursors
        direction, _, at, pk = orjson.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        if direction != "n":
            return 400, b'{"detail":"the floor follows next links only"}', {}
        keyset, args = KEYSET, {"at": dt.datetime.fromisoformat(at), "id": pk}
    row = _db().execute(CASE_PAGE.format(keyset=keyset), {"digest": digest, "size": size, **args}).fetchone()
    results, first_at, first_id, last_at, last_id, more = row
    next_cursor = _cursor(["n", "-updated_at", last_at.isoformat(), last_id]) if more else None
    previous = None
    if params.get("cursor") and first_at is not None:
        previous = _cursor(["p", "-updated_at", first_at.isoformat(), first_id])
    body = b'{"results":%b,"next":%b,"next_url":%b,"previous":%b,"previous_url":%b}' % (
        results.encode(),
        orjson.dumps(next_cursor),
        orjson.dumps(next_cursor and _link(environ, params, cursor=next_cursor)),
        orjson.dumps(previous),
        orjson.dumps(previous and _link(environ, params, cursor=previous)),
    )
    return 200, body, {}


def case_detail(environ, params: dict, digest: str, case_id: str):
    row = _db().execute(CASE_DETAIL, {"digest": digest, "case_id": case_id.upper()}).fetchone()
    if row is None:
        return 404, b'{"detail":"Not found."}', {}
    return 200, row[0].encode(), {"ETag": f'"{row[1]}"'}


def feed(environ, params: dict, digest: str):
    txid, _, event_id = (params.get("after") or "0.0").partition(".")
    args = {"digest": digest, "txid": int(txid), "id": int(event_id), "size": _size(params)}
    results, last_txid, last_id = _db().execute(FEED, args).fetchone()
    cursor = f"{last_txid}.{last_id}" if last_txid is not None else f"{args['txid']}.{args['id']}"
    next_url = _link(environ, params, after=cursor)
    body = b'{"results":%b,"next":%b,"next_url":%b,"previous":null,"previous_url":null}' % (
        results.encode(),
        orjson.dumps(cursor),
        orjson.dumps(next_url),
    )
    return 200, body, {}


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
    else:
        status, body, headers = 404, b'{"detail":"The floor does not answer this."}', {}
    reason = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}[status]
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body)), **headers}
    start_response(f"{status} {reason}", list(headers.items()))
    return [body]

"""What must hold in the database after any fault: no partial write (each query lists the rows that
break an invariant: it must list none), no acknowledged write lost, every ledger chain intact."""

from decimal import Decimal

import psycopg

from reliability.load import Acknowledged

# name -> a query returning the rows that break the invariant
PARTIAL_WRITE_QUERIES = {
    "case totals equal the sum of their lines": """
        SELECT c.case_id FROM cases_case c
        LEFT JOIN (
            SELECT case_id, SUM(total_cost) AS t,
                   SUM(total_cost) FILTER (WHERE is_mde) AS m,
                   SUM(total_cost) FILTER (WHERE category = 'design_construction') AS d
            FROM cases_lineitem WHERE removed_at IS NULL GROUP BY case_id
        ) l ON l.case_id = c.id
        WHERE c.total_value <> COALESCE(l.t, 0) OR c.mde_value <> COALESCE(l.m, 0)
           OR c.design_construction_value <> COALESCE(l.d, 0)""",
    "every line total is quantity x unit cost": """
        SELECT id FROM cases_lineitem WHERE total_cost <> quantity * unit_cost""",
    "every line's status is its last event's to_status": """
        SELECT l.id FROM cases_lineitem l
        LEFT JOIN LATERAL (
            SELECT to_status FROM cases_approvalevent e WHERE e.line_item_id = l.id ORDER BY seq DESC LIMIT 1
        ) last ON true
        WHERE last.to_status IS DISTINCT FROM l.review_status""",
    "every case's status is its last case event's to_status": """
        SELECT c.case_id FROM cases_case c
        LEFT JOIN LATERAL (
            SELECT to_status FROM cases_approvalevent e
            WHERE e.case_id = c.id AND e.line_item_id IS NULL ORDER BY seq DESC LIMIT 1
        ) last ON true
        WHERE last.to_status IS DISTINCT FROM c.status""",
    "every line has its add event": """
        SELECT l.id FROM cases_lineitem l WHERE NOT EXISTS (
            SELECT 1 FROM cases_approvalevent e WHERE e.line_item_id = l.id AND e.action = 'add')""",
    "event chains are numbered 1..n without gaps": """
        SELECT case_id FROM cases_approvalevent GROUP BY case_id HAVING MAX(seq) <> COUNT(*)""",
}


def partial_writes(conn: psycopg.Connection) -> dict[str, list]:
    """Invariant name -> the rows breaking it (empty lists when all is well)."""
    return {name: [row[0] for row in conn.execute(sql).fetchall()] for name, sql in PARTIAL_WRITE_QUERIES.items()}


def lost_writes(conn: psycopg.Connection, acknowledged: Acknowledged) -> list[str]:
    """Every write answered 2xx, looked for in the database."""
    rows = conn.execute(
        """SELECT c.case_id, l.line_number, l.description, l.unit_cost, l.quantity, l.review_status, l.removed_at
           FROM cases_lineitem l JOIN cases_case c ON c.id = l.case_id"""
    ).fetchall()
    lines = {(case, number): (description, cost, quantity, status, removed) for case, number, description, cost,
             quantity, status, removed in rows}  # fmt: skip
    lost = []
    for key, content in acknowledged.lines.items():
        found = lines.get(key)
        if found is None or found[0] != content["description"] or found[1] != Decimal(content["unit_cost"]):
            lost.append(f"line {key} created")
    for key in acknowledged.submitted:
        if key not in lines or lines[key][3] != "submitted":
            lost.append(f"line {key} submitted")
    for key, quantity in acknowledged.quantities.items():
        if key not in lines or lines[key][2] != quantity:
            lost.append(f"line {key} quantity {quantity}")
    return lost


def counts(conn: psycopg.Connection) -> dict[str, int]:
    tables = ("cases_case", "cases_lineitem", "cases_approvalevent")
    return {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in tables}

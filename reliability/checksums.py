"""Row counts and a checksum of every table's content: md5 over its rows as text, in a fixed order."""

import psycopg


def table_checksums(conn: psycopg.Connection) -> dict[str, tuple[int, str]]:
    tables = [row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
    result = {}
    for table in tables:
        result[table] = conn.execute(
            f"SELECT COUNT(*), md5(COALESCE(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM \"{table}\" t"
        ).fetchone()
    return result

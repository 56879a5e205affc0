# The token lookup every API request makes, and the rate counter it shares with the session limit, as
# PL/pgSQL functions: PL/pgSQL keeps the plans of its statements for the life of the server connection.
# A client's own prepared statement lives in its session, which PgBouncer in transaction mode does not
# keep (Debian's 1.18 cannot carry them): there the lookup's statement was parsed and planned on every
# request (2.0 ms against 0.74 ms prepared, on the 10,000-case benchmark set), and now only a
# one-line call to it is. PgBouncer's server connections live on, and the plans with them.

from django.db import migrations

RATE_HIT = """
CREATE FUNCTION fms_rate_hit(p_key text, p_period integer)
RETURNS TABLE (hits integer, seconds_left double precision)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    -- A window opens with the first request and lasts the period; the first request after it opens the next.
    RETURN QUERY
    INSERT INTO core_ratecounter AS c (key, window_started, hits) VALUES (p_key, clock_timestamp(), 1)
    ON CONFLICT (key) DO UPDATE SET
        hits = CASE WHEN c.window_started <= clock_timestamp() - p_period * interval '1 second'
                    THEN 1 ELSE c.hits + 1 END,
        window_started = CASE WHEN c.window_started <= clock_timestamp() - p_period * interval '1 second'
                              THEN clock_timestamp() ELSE c.window_started END
    RETURNING c.hits, EXTRACT(EPOCH FROM c.window_started + p_period * interval '1 second' - clock_timestamp())::float8;
END
$$;
"""

TOKEN_LOOKUP = """
CREATE FUNCTION fms_token_lookup(
    p_digest text, p_now timestamptz, p_stale timestamptz, p_client_roles text[], p_rate_key text, p_period integer
) RETURNS TABLE (
    token accounts_apitoken, token_user accounts_user, own_permissions text[], group_permissions text[],
    client_role boolean, hits integer, seconds_left double precision
)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    -- The active token of an active user whose purchaser still fits, with the user's permissions as
    -- ModelBackend reads them and whether the user holds a purchaser's role; the token marked used (at
    -- most once a minute: p_stale); and, with a period, the request counted against the token's limit.
    RETURN QUERY
    WITH found AS (
        SELECT t AS token, u AS token_user,
            ARRAY(SELECT ct.app_label || '.' || p.codename FROM auth_permission p
                  JOIN django_content_type ct ON ct.id = p.content_type_id
                  WHERE p.id IN (SELECT permission_id FROM accounts_user_user_permissions WHERE user_id = u.id))
                AS own_permissions,
            ARRAY(SELECT ct.app_label || '.' || p.codename FROM auth_permission p
                  JOIN django_content_type ct ON ct.id = p.content_type_id
                  WHERE p.id IN (SELECT gp.permission_id FROM auth_group_permissions gp
                                 JOIN accounts_user_groups ug ON ug.group_id = gp.group_id WHERE ug.user_id = u.id))
                AS group_permissions,
            EXISTS (SELECT 1 FROM accounts_user_groups ug JOIN auth_group g ON g.id = ug.group_id
                    WHERE ug.user_id = u.id AND g.name = ANY(p_client_roles)) AS client_role
        FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id
        WHERE t.digest = p_digest AND t.revoked_at IS NULL AND t.expires_at > p_now
            AND u.is_active AND t.purchaser_id IS NOT DISTINCT FROM u.purchaser_id
    ), used AS (
        UPDATE accounts_apitoken t SET last_used_at = p_now
        WHERE t.id = (SELECT (found.token).id FROM found) AND (t.last_used_at IS NULL OR t.last_used_at <= p_stale)
    ), counted AS (
        SELECT h.hits, h.seconds_left FROM found, fms_rate_hit(p_rate_key || (found.token).id::text, p_period) h
        WHERE p_period IS NOT NULL
    )
    SELECT found.token, found.token_user, found.own_permissions, found.group_permissions, found.client_role,
           counted.hits, counted.seconds_left
    FROM found LEFT JOIN counted ON true;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_merge_read_audit_and_purchaser_admin"),
        ("core", "0003_rate_counter"),
    ]

    operations = [
        migrations.RunSQL(RATE_HIT, reverse_sql="DROP FUNCTION fms_rate_hit(text, integer)"),
        migrations.RunSQL(
            TOKEN_LOOKUP,
            reverse_sql="DROP FUNCTION fms_token_lookup(text, timestamptz, timestamptz, text[], text, integer)",
        ),
    ]

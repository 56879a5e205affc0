# A known token is checked, not looked up again: fms_token_check answers, in one statement, whether the
# token still holds (not revoked or expired, its user active and still of its purchaser), a digest of the
# user's grants (fms_user_grants: superuser and staff flags, groups, own permissions) and, with a period,
# the request counted against the token's limit. The API's authentication keeps what fms_token_lookup
# returned for a token (accounts/services.py) while those grants are unchanged, for TOKEN_CACHE_SECONDS.
# fms_token_lookup returns the same digest, so the two can be compared.

from django.db import migrations

USER_GRANTS = """
CREATE FUNCTION fms_user_grants(p_user_id bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT md5(concat_ws('|',
        (SELECT is_superuser::text || is_staff::text FROM accounts_user WHERE id = p_user_id),
        array_to_string(ARRAY(SELECT group_id FROM accounts_user_groups WHERE user_id = p_user_id
                              ORDER BY group_id), ','),
        array_to_string(ARRAY(SELECT permission_id FROM accounts_user_user_permissions WHERE user_id = p_user_id
                              ORDER BY permission_id), ',')))
$$;
"""

TOKEN_CHECK = """
CREATE FUNCTION fms_token_check(p_digest text, p_now timestamptz, p_rate_key text, p_period integer)
RETURNS TABLE (token_id bigint, grants text, hits integer, seconds_left double precision)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH found AS (
        SELECT t.id, t.user_id FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id
        WHERE t.digest = p_digest AND t.revoked_at IS NULL AND t.expires_at > p_now
            AND u.is_active AND t.purchaser_id IS NOT DISTINCT FROM u.purchaser_id
    ), counted AS (
        SELECT h.hits, h.seconds_left FROM found, fms_rate_hit(p_rate_key || found.id::text, p_period) h
        WHERE p_period IS NOT NULL
    )
    SELECT found.id::bigint, fms_user_grants(found.user_id), counted.hits, counted.seconds_left
    FROM found LEFT JOIN counted ON true;
END
$$;
"""

# fms_token_lookup of migration 0008, returning the user's grants digest too.
TOKEN_LOOKUP = """
CREATE FUNCTION fms_token_lookup(
    p_digest text, p_now timestamptz, p_stale timestamptz, p_client_roles text[], p_rate_key text, p_period integer
) RETURNS TABLE (
    token accounts_apitoken, token_user accounts_user, own_permissions text[], group_permissions text[],
    client_role boolean, grants text, hits integer, seconds_left double precision
)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
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
                    WHERE ug.user_id = u.id AND g.name = ANY(p_client_roles)) AS client_role,
            fms_user_grants(u.id) AS grants
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
           found.grants, counted.hits, counted.seconds_left
    FROM found LEFT JOIN counted ON true;
END
$$;
"""

LOOKUP_ARGS = "text, timestamptz, timestamptz, text[], text, integer"


def lookup_of_0008():
    from importlib import import_module

    return import_module("fms.accounts.migrations.0008_token_lookup_function").TOKEN_LOOKUP


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_token_lookup_function")]

    operations = [
        migrations.RunSQL(USER_GRANTS, reverse_sql="DROP FUNCTION fms_user_grants(bigint)"),
        migrations.RunSQL(TOKEN_CHECK, reverse_sql="DROP FUNCTION fms_token_check(text, timestamptz, text, integer)"),
        migrations.RunSQL(
            f"DROP FUNCTION fms_token_lookup({LOOKUP_ARGS});" + TOKEN_LOOKUP,
            reverse_sql=f"DROP FUNCTION fms_token_lookup({LOOKUP_ARGS});" + lookup_of_0008(),
        ),
    ]

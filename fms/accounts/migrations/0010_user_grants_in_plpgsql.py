# fms_user_grants, which every API request's token check calls, in PL/pgSQL. As a LANGUAGE sql
# function with subqueries it cannot be inlined, and before PostgreSQL 18 such a function is planned
# on every call: 0.16 ms a call against 0.06 ms in PL/pgSQL, which keeps its plans for the connection
# (2,000 calls, prepared, PostgreSQL 15, the demo). Same arguments, same digest.
from importlib import import_module

from django.db import migrations

USER_GRANTS = """
CREATE OR REPLACE FUNCTION fms_user_grants(p_user_id bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN md5(concat_ws('|',
        (SELECT is_superuser::text || is_staff::text FROM accounts_user WHERE id = p_user_id),
        array_to_string(ARRAY(SELECT group_id FROM accounts_user_groups WHERE user_id = p_user_id
                              ORDER BY group_id), ','),
        array_to_string(ARRAY(SELECT permission_id FROM accounts_user_user_permissions WHERE user_id = p_user_id
                              ORDER BY permission_id), ',')));
END
$$;
"""


def grants_of_0009() -> str:
    return import_module("fms.accounts.migrations.0009_token_check_function").USER_GRANTS.replace(
        "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_token_check_function")]

    operations = [migrations.RunSQL(USER_GRANTS, reverse_sql=grants_of_0009())]

"""One way into the ledger: the SECURITY DEFINER function ledger_append, owned by the role fms_ledger.

The application's role gets EXECUTE on the function and no INSERT, UPDATE, DELETE or TRUNCATE
on the event table (`manage.py grant_app_role`). The function computes the position, the
previous hash and the hash itself, and refuses a line decision by someone who added or changed
the line's content since its last decision, reading the ledger's own events. Its checks are in
the function, not in triggers, so no session setting (pgtrigger.ignore, ...) switches them off.

Events written by the function use hash format 2: format 1's payload plus `via` and
`hash_version` (fms/ledger/chain.py). Rows written before keep format 1 and verify as before.
"""

import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

LEDGER_ROLE = "fms_ledger"
# The maker–checker trigger this migration replaces (its checks read columns the app can rewrite).
OLD_CHECKS_FUNCTION = "pgtrigger_approvalevent_checks_insert_7a87a"

# Created when missing, tolerating a concurrent creator (roles are cluster-wide). Where the migrating
# role may not create roles, the role must exist already (docker/initdb creates it).
CREATE_ROLE = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{LEDGER_ROLE}') THEN
        BEGIN
            CREATE ROLE {LEDGER_ROLE} NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
END
$$;
"""

# Canonical JSON of a flat object, byte for byte what fms.ledger.canonical.canonical_json gives
# for the same values: keys sorted, no whitespace, strings escaped as JSON requires and nothing
# else (non-ASCII stays UTF-8). Values must already be plain (text, integers, null).
CANONICAL_JSON = """
CREATE FUNCTION ledger_canonical_json(payload jsonb) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog
AS $$
    SELECT '{' || coalesce(string_agg(to_json(key)::text || ':' || value::text, ',' ORDER BY key COLLATE "C"), '')
        || '}'
    FROM jsonb_each(payload)
$$;
"""

APPEND = """
CREATE FUNCTION ledger_append(
    p_case_id bigint,
    p_line_item_id bigint,
    p_action text,
    p_from_status text,
    p_to_status text,
    p_actor_id bigint,
    p_comment text,
    p_content_digest text,
    p_via text
) RETURNS public.cases_approvalevent
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    genesis CONSTANT text := repeat('0', 64);
    case_label text;
    line_number text;
    actor_name text;
    last_seq integer;
    prev_hash text;
    last_decision integer;
    recorded_content text;
    at timestamptz;
    payload jsonb;
    written public.cases_approvalevent;
BEGIN
    SELECT c.case_id INTO case_label FROM public.cases_case c WHERE c.id = p_case_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'ledger: there is no case %', p_case_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF p_line_item_id IS NOT NULL THEN
        SELECT li.line_number INTO line_number FROM public.cases_lineitem li
        WHERE li.id = p_line_item_id AND li.case_id = p_case_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'ledger: line item % does not belong to case %', p_line_item_id, case_label
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    END IF;
    SELECT u.username INTO actor_name FROM public.accounts_user u WHERE u.id = p_actor_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'ledger: there is no user %', p_actor_id USING ERRCODE = 'foreign_key_violation';
    END IF;

    -- One writer per chain at a time, whatever the caller locked (the two-key advisory lock space
    -- does not overlap the one-key space the services use for case ids).
    PERFORM pg_advisory_xact_lock(1818584423, p_case_id::integer);
    SELECT e.seq, e.hash INTO last_seq, prev_hash FROM public.cases_approvalevent e
    WHERE e.case_id = p_case_id ORDER BY e.seq DESC LIMIT 1;

    IF p_line_item_id IS NOT NULL AND p_action IN ('approve', 'reject', 'return') THEN
        SELECT max(e.seq) INTO last_decision FROM public.cases_approvalevent e
        WHERE e.line_item_id = p_line_item_id AND e.action IN ('approve', 'reject', 'return');
        IF EXISTS (
            SELECT 1 FROM public.cases_approvalevent e
            WHERE e.line_item_id = p_line_item_id AND e.action IN ('add', 'edit')
              AND e.seq > coalesce(last_decision, 0) AND e.actor_id = p_actor_id
        ) THEN
            RAISE EXCEPTION 'separation of duties: % added or changed % line % since its last decision and cannot % it',
                actor_name, case_label, line_number, p_action
                USING ERRCODE = 'check_violation', CONSTRAINT = 'approvalevent_separation_of_duties';
        END IF;
        SELECT e.content_digest INTO recorded_content FROM public.cases_approvalevent e
        WHERE e.line_item_id = p_line_item_id AND e.action IN ('add', 'edit') ORDER BY e.seq DESC LIMIT 1;
        IF recorded_content IS DISTINCT FROM p_content_digest THEN
            RAISE EXCEPTION 'ledger: % line % is not the content its last add or edit recorded', case_label, line_number
                USING ERRCODE = 'check_violation', CONSTRAINT = 'approvalevent_decides_recorded_content';
        END IF;
    END IF;

    at := date_trunc('microseconds', clock_timestamp());
    prev_hash := coalesce(prev_hash, genesis);
    payload := jsonb_build_object(
        'action', p_action,
        'actor_id', p_actor_id,
        'actor_name', actor_name,
        'case_id', case_label,
        'comment', p_comment,
        'content_digest', p_content_digest,
        'from_status', p_from_status,
        'hash_version', 2,
        'line_number', line_number,
        'occurred_at', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'prev_hash', prev_hash,
        'seq', coalesce(last_seq, 0) + 1,
        'to_status', p_to_status,
        'via', p_via
    );
    INSERT INTO public.cases_approvalevent (
        case_id, line_item_id, seq, action, from_status, to_status, actor_id, actor_name, comment,
        occurred_at, content_digest, prev_hash, hash, txid, via, hash_version
    ) VALUES (
        p_case_id, p_line_item_id, coalesce(last_seq, 0) + 1, p_action, p_from_status, p_to_status, p_actor_id,
        actor_name, p_comment, at, p_content_digest, prev_hash,
        encode(sha256(convert_to(prev_hash || public.ledger_canonical_json(payload), 'UTF8')), 'hex'),
        pg_current_xact_id()::text::bigint, p_via, 2
    ) RETURNING * INTO written;
    RETURN written;
END
$$;
"""

SIGNATURE = "ledger_append(bigint, bigint, text, text, text, bigint, text, text, text)"

# The function's owner may read what it checks and append; nothing else. CREATE on the schema is
# needed only while the ownership changes hands.
OWNERSHIP = f"""
GRANT CREATE ON SCHEMA public TO {LEDGER_ROLE};
ALTER FUNCTION {SIGNATURE} OWNER TO {LEDGER_ROLE};
REVOKE CREATE ON SCHEMA public FROM {LEDGER_ROLE};
REVOKE ALL ON FUNCTION {SIGNATURE} FROM PUBLIC;
GRANT SELECT, INSERT ON cases_approvalevent TO {LEDGER_ROLE};
GRANT USAGE ON SEQUENCE cases_approvalevent_id_seq TO {LEDGER_ROLE};
GRANT SELECT (id, case_id) ON cases_case TO {LEDGER_ROLE};
GRANT SELECT (id, case_id, line_number) ON cases_lineitem TO {LEDGER_ROLE};
GRANT SELECT (id, username) ON accounts_user TO {LEDGER_ROLE};
"""

DROP = f"""
DROP FUNCTION IF EXISTS {SIGNATURE};
DROP FUNCTION IF EXISTS ledger_canonical_json(jsonb);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_approvalevent_moves_to_ledger"),
        ("accounts", "0003_apitoken"),
        ("ledger", "0002_transparency_log"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="approvalevent",
            name="approvalevent_checks_insert",
        ),
        migrations.AddField(
            model_name="approvalevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(db_default=1, help_text="Which payload the hash covers (chain.py)."),
        ),
        migrations.AddField(
            model_name="approvalevent",
            name="via",
            field=models.CharField(
                blank=True,
                db_default="",
                help_text="How the actor signed in: session, session+mfa, token:<prefix> or command; empty: not kept yet.",
                max_length=40,
            ),
        ),
        migrations.AddConstraint(
            model_name="approvalevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("hash_version__in", (1, 2))), name="approvalevent_hash_version_known"
            ),
        ),
        migrations.RunSQL(f"DROP FUNCTION IF EXISTS {OLD_CHECKS_FUNCTION}();", reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(CREATE_ROLE, reverse_sql=migrations.RunSQL.noop),  # roles are shared: never dropped
        migrations.RunSQL(CANONICAL_JSON + APPEND + OWNERSHIP, reverse_sql=DROP),
    ]

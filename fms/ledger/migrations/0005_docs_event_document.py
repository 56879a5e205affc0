"""Ledger hash format 3: an event of an LOA document step carries the document's label in its own
hashed field, `document` (null for every other event), instead of as a prefix of its comment.

ledger_append gets a tenth parameter, p_document (DEFAULT NULL, so a caller of the nine-parameter
form still reaches it), writes `document` and hashes format 3: format 2's payload plus `document`
with `hash_version` 3 (fms/ledger/chain.py). Events written before keep their format (1 or 2) and
verify as before; a check keeps `document` empty on them. The function is replaced, not altered
(its parameters change), so the roles that could execute the old one are granted the new one.
"""

from django.conf import settings
from django.db import migrations, models

LEDGER_ROLE = "fms_ledger"
OLD_SIGNATURE = "ledger_append(bigint, bigint, text, text, text, bigint, text, text, text)"
SIGNATURE = "ledger_append(bigint, bigint, text, text, text, bigint, text, text, text, text)"

# Who may execute the old function (besides its owner), kept across the DROP. (Constants only in this SQL.)
KEEP_GRANTEES = f"""
CREATE TEMPORARY TABLE ledger_append_grantees ON COMMIT DROP AS
    SELECT DISTINCT pg_get_userbyid(a.grantee) AS grantee
    FROM pg_proc p, aclexplode(p.proacl) a
    WHERE p.oid = '{OLD_SIGNATURE}'::regprocedure
      AND a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner AND a.grantee <> 0;
DROP FUNCTION {OLD_SIGNATURE};
"""  # noqa: S608

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
    p_via text,
    p_document text DEFAULT NULL
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
        'document', p_document,
        'hash_version', 3,
        'line_number', line_number,
        'occurred_at', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'prev_hash', prev_hash,
        'seq', coalesce(last_seq, 0) + 1,
        'to_status', p_to_status,
        'via', p_via
    );
    INSERT INTO public.cases_approvalevent (
        case_id, line_item_id, seq, action, from_status, to_status, actor_id, actor_name, comment,
        occurred_at, content_digest, prev_hash, hash, txid, via, hash_version, document
    ) VALUES (
        p_case_id, p_line_item_id, coalesce(last_seq, 0) + 1, p_action, p_from_status, p_to_status, p_actor_id,
        actor_name, p_comment, at, p_content_digest, prev_hash,
        encode(sha256(convert_to(prev_hash || public.ledger_canonical_json(payload), 'UTF8')), 'hex'),
        pg_current_xact_id()::text::bigint, p_via, 3, p_document
    ) RETURNING * INTO written;
    RETURN written;
END
$$;
"""

OWNERSHIP = f"""
GRANT CREATE ON SCHEMA public TO {LEDGER_ROLE};
ALTER FUNCTION {SIGNATURE} OWNER TO {LEDGER_ROLE};
REVOKE CREATE ON SCHEMA public FROM {LEDGER_ROLE};
REVOKE ALL ON FUNCTION {SIGNATURE} FROM PUBLIC;
DO $$
DECLARE
    role_name text;
BEGIN
    FOR role_name IN SELECT grantee FROM ledger_append_grantees LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION {SIGNATURE} TO %I', role_name);
    END LOOP;
END
$$;
"""  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_notif_notification_moves_to_notifications"),
        ("ledger", "0004_mfa_via_known"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="approvalevent",
            name="approvalevent_hash_version_known",
        ),
        migrations.AddField(
            model_name="approvalevent",
            name="document",
            field=models.CharField(
                blank=True,
                help_text="The LOA document of a document step (hashed from format 3).",
                max_length=5,
                null=True,
            ),
        ),
        migrations.AddConstraint(
            model_name="approvalevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("hash_version__in", (1, 2, 3))), name="approvalevent_hash_version_known"
            ),
        ),
        migrations.AddConstraint(
            model_name="approvalevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("document__isnull", True),
                    models.Q(("document__regex", "^(BASIC|[AM][0-9]{2})$"), ("hash_version", 3)),
                    _connector="OR",
                ),
                name="approvalevent_document_is_hashed_label",
            ),
        ),
        # Irreversible: the old function and format cannot come back without losing the hashed `document`.
        migrations.RunSQL(KEEP_GRANTEES + APPEND + OWNERSHIP),
    ]

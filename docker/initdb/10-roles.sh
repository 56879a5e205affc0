#!/bin/sh
# First start of the database container: the owner role (migrations), the application role and the
# ledger role. The application role gets its privileges from `manage.py grant_app_role` after each
# migration; it never owns the tables, so it can neither drop the append-only triggers nor write the
# ledger except through the ledger function. fms_ledger owns that function (migration ledger.0002):
# it cannot log in; fms_owner is a member only so that the migration can hand the function over.
# fms_replicator: the streaming replica's login (the `scale` profile), replication only.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE fms_owner LOGIN PASSWORD '${FMS_OWNER_PASSWORD}';
CREATE ROLE fms_app LOGIN PASSWORD '${FMS_APP_PASSWORD}';
CREATE ROLE fms_ledger NOLOGIN;
GRANT fms_ledger TO fms_owner;
ALTER DATABASE "$POSTGRES_DB" OWNER TO fms_owner;
ALTER SCHEMA public OWNER TO fms_owner;
CREATE ROLE fms_replicator REPLICATION LOGIN PASSWORD '${FMS_REPLICATOR_PASSWORD:-replicator-local-only}';
SQL
# The image's pg_hba lets every role into every database, not into replication: the replica's role is.
echo "host replication fms_replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"

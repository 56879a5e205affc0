#!/bin/sh
# Runs the given command; with MIGRATE_DATABASE_URL set (the table owner's credentials), first
# migrates and grants the application role (APP_DB_ROLE) what it needs: history append-only, the
# ledger only through its function (docs/operations.md, "Database roles").
set -eu
if [ -n "${MIGRATE_DATABASE_URL:-}" ]; then
  DATABASE_URL="$MIGRATE_DATABASE_URL" python manage.py migrate --no-input
  DATABASE_URL="$MIGRATE_DATABASE_URL" python manage.py grant_app_role "${APP_DB_ROLE:-fms_app}"
fi
exec "$@"

#!/bin/sh
# The application role's password, from the environment, into PgBouncer's auth file (outside the
# image): PgBouncer checks the clients' SCRAM with it and logs in to PostgreSQL with it.
set -eu
umask 077
printf '"fms_app" "%s"\n' "$FMS_APP_PASSWORD" > /tmp/userlist.txt
exec "$@"

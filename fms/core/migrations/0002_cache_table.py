"""The table of Django's database cache (settings.CACHES when REDIS_URL is unset): it holds the
rate-limit counters that every gunicorn worker shares. Created here, not by `createcachetable`,
so that `migrate` alone prepares a database (the same DDL that command would run)."""

from django.db import migrations

CREATE = """
CREATE TABLE IF NOT EXISTS "fms_cache" (
    "cache_key" varchar(255) NOT NULL PRIMARY KEY,
    "value" text NOT NULL,
    "expires" timestamp with time zone NOT NULL
);
CREATE INDEX IF NOT EXISTS "fms_cache_expires" ON "fms_cache" ("expires");
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, reverse_sql='DROP TABLE IF EXISTS "fms_cache";')]

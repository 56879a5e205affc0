"""WSGI entry point (gunicorn fms.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fms.settings")

application = get_wsgi_application()

# The ledger's signing key: created under var/ in development, required in production (refuse to serve).
from fms.ledger.signing import check_at_start  # noqa: E402 - needs the settings configured above

check_at_start()

# The read audit's spool: ship what stopped or killed workers left, and keep shipping.
from fms.accounts import audit_spool  # noqa: E402

audit_spool.start()

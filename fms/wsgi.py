"""WSGI entry point (gunicorn fms.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fms.settings")

application = get_wsgi_application()

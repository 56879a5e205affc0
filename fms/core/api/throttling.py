"""Request rate limits per API token and per signed-in user, with DRF's throttles.

The counters live in Django's default cache (Redis, or the database cache table), which every
gunicorn worker shares, so a limit holds for the whole server, not per process. The rates are read
from `settings.API_RATE_LIMITS` on each request (DRF would freeze them at import), so tests and
operators can change them. An exceeded limit raises Throttled: 429 problem+json with Retry-After.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self):
        return settings.API_RATE_LIMITS.get(self.scope)

    def allow_request(self, request, view):
        # DRF parses the rate in __init__; parse it again so a changed setting applies at once.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class TokenRateThrottle(_SettingsRateThrottle):
    """Requests made with one bearer token (each token has its own budget)."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = request.auth
        if token is None or not hasattr(token, "pk"):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class SessionUserRateThrottle(_SettingsRateThrottle):
    """Requests made in a browser session, per signed-in user."""

    scope = "session"

    def get_cache_key(self, request, view):
        if request.auth is not None or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}

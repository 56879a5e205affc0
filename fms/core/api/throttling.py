"""Request rate limits per API token and per signed-in user.

A limit such as `600/min` allows that many requests in a window that opens with the first request
and lasts the period. The counter is shared by every gunicorn worker and counted atomically: in
Redis when REDIS_URL is set (INCR), otherwise in PostgreSQL by the function fms_rate_hit (accounts
migration 0008): one UPSERT per request on a table of counters, unlogged (losing them in a crash only
resets the windows). The rates are read from `settings.API_RATE_LIMITS` on each request, so tests and
operators can change them. An exceeded limit raises Throttled: 429 problem+json with Retry-After.
"""

import math
from functools import cache

from django.conf import settings
from django.db import connection
from rest_framework.throttling import BaseThrottle

PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "600/min" -> (600 requests, 60 seconds)."""
    count, period = rate.split("/")
    return int(count), PERIODS[period]


@cache
def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def hit(key: str, period: int) -> tuple[int, float]:
    """Count one request against `key`; return (requests in the current window, seconds it has left)."""
    if settings.REDIS_URL:
        pipe = _redis().pipeline()
        pipe.set(key, 0, ex=period, nx=True).incr(key).ttl(key)
        _, hits, ttl = pipe.execute()
        return hits, max(ttl, 0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT hits, seconds_left FROM fms_rate_hit(%s, %s)", [key, period])
        return cursor.fetchone()


def rate_key(scope: str, ident: str) -> str:
    return f"{settings.CACHE_KEY_PREFIX}:rate:{scope}:{ident}"


def token_rate_period() -> int | None:
    """The token limit's period when PostgreSQL counts it (the token lookup then counts in its own statement)."""
    rate = settings.API_RATE_LIMITS.get(TokenRateThrottle.scope)
    if rate is None or settings.REDIS_URL:
        return None
    return parse_rate(rate)[1]


class _RateThrottle(BaseThrottle):
    scope = ""

    def ident(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        rate = settings.API_RATE_LIMITS.get(self.scope)
        ident = self.ident(request)
        if rate is None or ident is None:
            return True
        limit, period = parse_rate(rate)
        key = rate_key(self.scope, ident)
        counted = getattr(request.auth, "counted_hit", None)
        if counted is not None and counted[0] == key:  # counted in the statement that found the token
            hits, self.left = counted[1:]
        else:
            hits, self.left = hit(key, period)
        return hits <= limit

    def wait(self) -> float:
        return math.ceil(self.left)


class TokenRateThrottle(_RateThrottle):
    """Requests made with one bearer token (each token has its own budget).

    In PostgreSQL the request is counted by the token lookup's own statement (accounts.services),
    which hands the count over as `token.counted_hit`: one round trip for both.
    """

    scope = "token"

    def ident(self, request):
        token = request.auth
        return str(token.pk) if token is not None and hasattr(token, "pk") else None


class SessionUserRateThrottle(_RateThrottle):
    """Requests made in a browser session, per signed-in user."""

    scope = "session"

    def ident(self, request):
        if request.auth is not None or not request.user.is_authenticated:
            return None
        return str(request.user.pk)

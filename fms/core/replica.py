"""Reads from a streaming replica (DATABASE_REPLICA_URL), with read-your-writes.

A request reads from the replica only once a view says so (`read_from_replica`: the API's scoped
views do for a purchaser's GET, after authentication and throttling ran on the primary) and only
when its user wrote nothing in the last READ_YOUR_WRITES_SECONDS: a successful write marks the
writer in the cache for that long, so a purchaser who just accepted a document sees it at once
(the replica may be behind). Writes, staff reads and everything outside such a view use the primary.
What a user may see is still decided by the selectors; this module only picks the server.
"""

import contextvars
import functools

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string

PRIMARY = "default"
REPLICA = "replica"
# Never read from the replica: the rate counters are an unlogged table (absent on a standby) and
# the cache is written as often as read.
PRIMARY_ONLY_APPS = frozenset({"core", "django_cache"})
SAFE_METHODS = frozenset({"GET", "HEAD"})

_reading_from_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("reading_from_replica", default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def _wrote_key(user_pk) -> str:
    return f"wrote:{user_pk}"


@functools.cache
def _marked():
    """Whose writes are remembered: those who may read from the replica (a setting names them, as
    core imports no app above it)."""
    return import_string(settings.READ_YOUR_WRITES_FOR)


def read_from_replica(request) -> bool:
    """Send the rest of this request's reads to the replica, unless its user has just written.
    Returns whether it does."""
    if not configured() or request.method not in SAFE_METHODS:
        return False
    if cache.get(_wrote_key(request.user.pk)) is not None:
        return False
    _reading_from_replica.set(True)
    return True


def on_replica() -> bool:
    return _reading_from_replica.get()


class ReadYourWritesMiddleware:
    """Ends a request's replica reads with it, and marks a user whose write succeeded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reading_from_replica.set(False)
        try:
            response = self.get_response(request)
        finally:
            _reading_from_replica.reset(token)
        user = getattr(request, "user", None)
        if (
            configured()
            and request.method not in SAFE_METHODS
            and response.status_code < 400
            and user is not None
            and _marked()(user)
        ):
            cache.set(_wrote_key(user.pk), 1, settings.READ_YOUR_WRITES_SECONDS)
        return response


class ReplicaRouter:
    """Django's database router: the replica for reads of a request sent there, else the primary."""

    def db_for_read(self, model, **hints):
        if _reading_from_replica.get() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two servers

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY  # a standby replays the primary's migrations

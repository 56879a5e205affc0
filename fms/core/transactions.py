"""A write and the read of its answer in one transaction.

An API write answers with the record as it now is, read after the write. Read after the commit, a
database lost between the two would answer 503 for a write that was made: a client retrying it then
meets its own write (a 409, or a second line). Read inside the write's transaction, a 503 means
nothing was written. The services' own transactions become part of the request's (no savepoint: an
error in either rolls both back, and the write costs the statements it did before).
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

_answering = ContextVar("answering_in_the_write_transaction", default=False)


@contextmanager
def write_and_answer() -> Iterator[None]:
    """Around a view's service call and the read of its response."""
    with transaction.atomic():
        token = _answering.set(True)
        try:
            yield
        finally:
            _answering.reset(token)


def service_transaction() -> transaction.Atomic:
    """A service's transaction: its own, or inside write_and_answer the request's."""
    return transaction.atomic(savepoint=not _answering.get())


def in_service_transaction[**P, R](service: Callable[P, R]) -> Callable[P, R]:
    """A service whose whole body is its transaction: service_transaction() around each call.

    Not @transaction.atomic: that builds its one Atomic when the module is imported, with the
    savepoint fixed then; whether a call joins the request's transaction is known only when it runs.
    """

    @functools.wraps(service)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        with service_transaction():
            return service(*args, **kwargs)

    return call

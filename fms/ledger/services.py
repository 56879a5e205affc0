"""The only way the application writes the ledger: through the database function ledger_append.

The application's database role has no INSERT on the event table; the function (owned by the
ledger role, see migrations/0003) computes the position, previous hash and hash, and refuses a
line decision by someone who added or changed the line since its last decision.
"""

from collections.abc import Sequence

from django.db import IntegrityError

from fms.core.errors import NotAllowed
from fms.ledger.models import ApprovalEvent


class LedgerRefused(NotAllowed):
    """The ledger itself refused the event (its maker–checker or content check)."""

    type = "separation-of-duties"
    title = "Separation of duties"


_APPEND = "SELECT * FROM ledger_append(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
# A change the caller makes together with the event: (SQL of an UPDATE, its parameters).
Along = tuple[str, list | tuple]


def event_append(
    *,
    case_pk: int,
    line_item_pk: int | None,
    action: str,
    from_status: str,
    to_status: str,
    actor_pk: int,
    comment: str,
    content_digest: str,
    via: str,
    document: str | None = None,
    along: Sequence[Along] = (),
) -> ApprovalEvent:
    """Append one event to its case's chain; one statement. Runs inside the caller's transaction.

    `document`: the label of the LOA document a document step is about (hashed with the event).
    `along`: updates of the caller's own rows (the decided line, the case's version) sent in the same
    statement as data-modifying WITH clauses, so a decision costs one round trip for its writes. The
    function reads only what they do not change (the case's and line's labels, the actor, the chain),
    and a refusal fails the whole statement: nothing is written.
    """
    params = [case_pk, line_item_pk, action, from_status, to_status, actor_pk, comment, content_digest, via, document]
    sql = _APPEND
    if along:
        sql = "WITH " + ", ".join(f"along_{n} AS ({update})" for n, (update, _) in enumerate(along)) + " " + _APPEND
        params = [*(param for _, update_params in along for param in update_params), *params]
    try:
        (event,) = ApprovalEvent.objects.raw(sql, params)
    except IntegrityError as refused:
        if getattr(refused.__cause__, "diag", None) and refused.__cause__.diag.constraint_name in REFUSALS:
            raise LedgerRefused(refused.__cause__.diag.message_primary) from refused
        raise
    return event


# The function's own refusals (constraint names it raises with), as opposed to real integrity errors.
REFUSALS = frozenset({"approvalevent_separation_of_duties", "approvalevent_decides_recorded_content"})

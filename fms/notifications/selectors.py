"""Reads of the room a notification leaves, in SQL so that lists stay one query (DESIGN §4.4, §7).

Each case linked to a notification counts once, at its latest offered, accepted or issued document
(an amendment replaces what it amends): that document's estimated total and the sum of its MDE lines.
The documents app sits above this one (DESIGN §6): its tables are reached through the reverse
relations' metadata, never by importing it.
"""

from decimal import Decimal

from django.db import connection
from django.db.models import DecimalField
from django.db.models.expressions import RawSQL

from fms.notifications.models import CongressionalNotification

COMMITTING_DOCUMENT_STATUSES = ("offered", "accepted", "issued")
ZERO = Decimal("0.00")


def _tables() -> dict[str, str]:
    case = CongressionalNotification._meta.get_field("cases").related_model
    document = case._meta.get_field("documents").related_model
    line = document._meta.get_field("lines").related_model
    return {"case": case._meta.db_table, "document": document._meta.db_table, "line": line._meta.db_table}


def _counted_documents_sql(notification_column: str) -> str:
    """Rows (case_id, total, mde): each case of the notification at its latest committing document."""
    t = _tables()
    statuses = ", ".join(f"'{status}'" for status in COMMITTING_DOCUMENT_STATUSES)
    # Only table names from the models' metadata and constant statuses are formatted in.
    return f"""
        SELECT c.id AS case_id, COALESCE(d.total_estimated_cost, 0) AS total,
            (SELECT COALESCE(SUM(l.total_cost), 0) FROM {t["line"]} l
             WHERE l.document_id = d.id AND l.is_mde AND l.change <> 'removed') AS mde
        FROM {t["case"]} c
        CROSS JOIN LATERAL (
            SELECT x.id, x.total_estimated_cost FROM {t["document"]} x
            WHERE x.case_id = c.id AND x.status IN ({statuses})
            ORDER BY x.created_at DESC, x.id DESC LIMIT 1
        ) d
        WHERE c.notification_id = {notification_column}
    """  # noqa: S608


def _money(sql: str) -> RawSQL:
    return RawSQL(sql, [], output_field=DecimalField(max_digits=15, decimal_places=2))  # noqa: S611 - built above


def room_annotations() -> dict[str, RawSQL]:
    """committed_value and committed_mde_value for a notification queryset (one query for the page)."""
    counted = _counted_documents_sql(f"{CongressionalNotification._meta.db_table}.id")
    return {
        "committed_value": _money(f"(SELECT COALESCE(SUM(k.total), 0)::numeric(15, 2) FROM ({counted}) k)"),  # noqa: S608
        "committed_mde_value": _money(f"(SELECT COALESCE(SUM(k.mde), 0)::numeric(15, 2) FROM ({counted}) k)"),  # noqa: S608
    }


def committed_by_case(notification: CongressionalNotification) -> dict[int, tuple[Decimal, Decimal]]:
    """{case pk: (estimated total, MDE value)} of the cases counted against the notification."""
    with connection.cursor() as cursor:
        cursor.execute(_counted_documents_sql("%s") + " ORDER BY c.id", [notification.pk])
        return {case: (Decimal(total), Decimal(mde)) for case, total, mde in cursor.fetchall()}

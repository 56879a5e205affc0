"""The working copy's total estimated cost as one SQL expression (DESIGN §3 `estimated_total`).

Before any document of a case is frozen, the case's `estimated_total` is its working lines priced
as if offered today: what fms.documents.pricing.cost_summary gives for them, with the amounts
entered on the open draft. The case list builds its JSON in PostgreSQL (fms.cases.api.documents),
so the same pricing is written here in SQL, inside the case's own statement (no query per case):
the rates and codes come from pricing's tables, each component is rounded half-up to the cent once
(PostgreSQL's round(numeric) rounds half away from zero, the same for amounts that are never
negative), and tests/documents/test_estimate.py holds it equal to cost_summary. It is NULL when
pricing would refuse: lines the United States transports and no transportation entered.

Hooked into the case API by settings.CASE_WORKING_COPY_TOTAL: the cases app does not import documents.
"""

from django.db.models import DecimalField, F, Func

from fms.cases.models import LineItem
from fms.documents import pricing
from fms.documents.choices import DocumentStatus
from fms.documents.models import LoaDocument

TODAY_IN_WASHINGTON = "(now() AT TIME ZONE 'America/New_York')::date"


def _rate_sql(rates: tuple[pricing.DatedRate, ...]) -> str:
    """The dated rate in force today; NULL before the table starts (pricing refuses such a date)."""
    newest_first = sorted(rates, key=lambda rate: rate.valid_from, reverse=True)
    whens = " ".join(
        f"WHEN {TODAY_IN_WASHINGTON} >= DATE '{r.valid_from.isoformat()}' THEN {r.rate}" for r in newest_first
    )
    return f"(CASE {whens} END)"


def _codes(codes) -> str:
    return ", ".join(f"'{code}'" for code in sorted(codes))


def _sql() -> str:
    # Every value written into this SQL is a code constant (pricing's tables, table names), never input.
    return f"""(
    SELECT w.net + COALESCE(d.packing_crating_handling, 0)
           + CASE WHEN w.carried AND d.transportation IS NULL THEN NULL ELSE COALESCE(d.transportation, 0) END
           + ROUND(w.net * {_rate_sql(pricing.ADMINISTRATIVE_SURCHARGE_RATES)}, 2)
           + ROUND(w.cas_base * {_rate_sql(pricing.CAS_RATES)}, 2)
           + COALESCE(d.other, 0)
    FROM (
        SELECT COALESCE(SUM(l.total_cost), 0) AS net,
               COALESCE(SUM(CASE l.source_code WHEN '{pricing.PROCUREMENT}' THEN l.total_cost
                    WHEN '{pricing.MIXED}' THEN l.total_cost * {pricing.DEFAULT_MIXED_PROCUREMENT_SHARE}
                    ELSE 0 END), 0) AS cas_base,
               COALESCE(BOOL_OR(l.delivery_term_code NOT IN ({_codes(pricing.NO_US_TRANSPORTATION_DTCS)})), FALSE)
                   AS carried
        FROM {LineItem._meta.db_table} l
        WHERE l.case_id = %(expressions)s AND l.removed_at IS NULL
    ) w
    LEFT JOIN {LoaDocument._meta.db_table} d ON d.case_id = %(expressions)s AND d.status = '{DocumentStatus.DRAFT}'
)"""  # noqa: S608


def working_copy_total() -> Func:
    """The outer case's working lines priced today (money), or NULL when they cannot be priced yet."""
    return Func(F("pk"), template=_sql(), output_field=DecimalField(max_digits=15, decimal_places=2))

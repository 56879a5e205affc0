"""Inbox sections from this app (DESIGN §4.5): open SDRs for case officers, cases ready for closure.

`cases` owns the inbox; this app adds its sections from ready().
"""

import datetime as dt

from fms.accounts.models import User
from fms.accounts.roles import holds_role_permission
from fms.cases import selectors as case_selectors
from fms.cases.choices import CaseStatus
from fms.cases.inbox import INBOX_LIMIT, Section
from fms.execution import gates, rules
from fms.execution.choices import OPEN_SDR_STATUSES
from fms.execution.models import SupplyDiscrepancyReport


def open_sdrs(user: User, today: dt.date) -> Section | None:
    """For those who resolve SDRs: every SDR submitted or under review, oldest first."""
    if not holds_role_permission(user, "execution.resolve_sdr"):
        return None
    sdrs = (
        SupplyDiscrepancyReport.objects.filter(
            case__in=case_selectors.case_queryset_for(user), status__in=OPEN_SDR_STATUSES
        )
        .select_related("case", "delivery")
        .order_by("filed_at", "id")[:INBOX_LIMIT]
    )
    return Section(
        "open_sdrs",
        "Supply discrepancy reports to review and resolve",
        "No SDR is open.",
        list(sdrs),
        template="execution/_inbox_open_sdrs.html",
    )


def ready_for_closure(user: User, today: dt.date) -> Section | None:
    """For case officers: supply-complete cases whose closure checklist is met."""
    if not holds_role_permission(user, "cases.transition_case"):
        return None
    candidates = case_selectors.case_queryset_for(user).filter(status=CaseStatus.SUPPLY_COMPLETE)
    ready = [
        case
        for case in candidates.select_related("purchaser").order_by("case_id")[:INBOX_LIMIT]
        if not rules.unmet_items(gates.closure_checklist(case))
    ]
    return Section(
        "ready_for_closure",
        "Cases ready for closure",
        "No supply-complete case has its closure checklist met.",
        ready,
        template="execution/_inbox_ready_for_closure.html",
    )

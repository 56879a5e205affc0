"""The execution panel of the case page: money, deliveries, SDRs and closure, as the reader may see them."""

from django import template

from fms.accounts.roles import holds_role_permission
from fms.cases.choices import CaseStatus
from fms.execution import facts, forms, present, selectors
from fms.execution.models import Delivery, SupplyDiscrepancyReport

register = template.Library()
AFTER_ACCEPTANCE = (CaseStatus.ACCEPTED, CaseStatus.IMPLEMENTED, CaseStatus.SUPPLY_COMPLETE, CaseStatus.CLOSED)


@register.inclusion_tag("execution/_panel.html", takes_context=True)
def execution_panel(context, case):
    user = context["request"].user
    if case.status not in AFTER_ACCEPTANCE and not case.deliveries.exists():
        return {"shown": False}
    deliveries = list(selectors.visible_to(user, Delivery.objects.filter(case=case)).order_by("number"))
    sdrs = list(
        selectors.visible_to(user, SupplyDiscrepancyReport.objects.filter(case=case))
        .select_related("delivery")
        .order_by("number")
    )
    lines = facts.line_progress(case)
    implemented = case.status == CaseStatus.IMPLEMENTED
    may = {
        "deliver": implemented and holds_role_permission(user, "execution.add_delivery"),
        "resolve": holds_role_permission(user, "execution.resolve_sdr"),
        "file": user.purchaser_id == case.purchaser_id and holds_role_permission(user, "execution.file_sdr"),
        "money": holds_role_permission(user, "execution.add_financialtransaction"),
        "emergency": case.status == CaseStatus.ACCEPTED
        and holds_role_permission(user, "execution.add_emergencyimplementation"),
        "terminate": case.status in (CaseStatus.IMPLEMENTED, CaseStatus.SUPPLY_COMPLETE)
        and holds_role_permission(user, "cases.transition_case"),
    }
    goods = [line.line_number for line in lines if not line.is_services and not line.complete]
    services_lines = [line.line_number for line in lines if line.is_services and not line.complete]
    return {
        "shown": True,
        "case": case,
        "lines": lines,
        "deliveries": deliveries,
        "sdrs": sdrs,
        "money": present.financials(case, []),
        "closure": present.closure(case)
        if case.status in (CaseStatus.IMPLEMENTED, CaseStatus.SUPPLY_COMPLETE)
        else None,
        "may": may,
        "delivery_form": forms.DeliveryForm(lines=goods) if may["deliver"] and goods else None,
        "performance_form": forms.PerformanceForm(lines=services_lines) if may["deliver"] and services_lines else None,
        "sdr_form": forms.SdrForm(deliveries=deliveries) if may["file"] and deliveries else None,
        "money_form": forms.MoneyForm() if may["money"] else None,
        "emergency_form": forms.ReasonForm()
        if may["emergency"] and not hasattr(case, "emergency_implementation")
        else None,
        "cancel_form": forms.CancellationForm() if may["terminate"] else None,
    }

"""The case steps after acceptance, guarded by execution data (DESIGN §4.1), for settings.CASE_STEP_GUARD.

fms.cases calls `case_step_guard` before implement, complete_supply, close and a cancellation
from implemented on, so these guards hold whichever page, API route or service takes the step.
"""

from fms.cases.choices import CaseAction
from fms.cases.models import Case
from fms.cases.workflow import CANCELLABLE_WITH_TERMINATION, StepBlock, StepNote
from fms.execution import facts, rules


def _implement(case: Case) -> StepBlock | None:
    reason = rules.implementation_unmet(
        basic_accepted=facts.basic_accepted(case),
        first_row=facts.first_payment_row(case),
        deposited=facts.deposited(case),
        emergency=hasattr(case, "emergency_implementation"),
    )
    if reason is None:
        return None
    return StepBlock(
        reason,
        "deposit",
        "a finance officer records the initial deposit, or a reviewer approves an emergency implementation",
    )


def _complete_supply(case: Case) -> StepBlock | None:
    reason = rules.lines_not_complete(facts.line_progress(case))
    if reason is None:
        return None
    return StepBlock(reason, "lines", "a case officer records the remaining deliveries or months of service")


def closure_checklist(case: Case) -> list[rules.ChecklistItem]:
    return rules.closure_checklist(
        lines=facts.line_progress(case),
        money=facts.money(case),
        accelerated=case.purchaser.accelerated_closure,
        open_sdrs=facts.open_sdr_count(case),
    )


def _close(case: Case) -> StepBlock | StepNote | None:
    unmet = rules.unmet_items(closure_checklist(case))
    if not unmet:
        ulo = facts.money(case).ulo
        if ulo:  # met only because the purchaser takes part in ACCP: the closure event says so
            return StepNote(f"closed under accelerated case closure (ACCP) with ${ulo:,.2f} unliquidated obligations")
        return None
    reason = "; ".join(f"{item.label.lower()} ({item.detail})" for item in unmet)
    return StepBlock(reason, unmet[0].key, "every item of the closure checklist is met first")


def _cancel(case: Case) -> StepBlock | None:
    if case.status not in CANCELLABLE_WITH_TERMINATION or facts.termination_recorded(case):
        return None
    return StepBlock(
        "an implemented case is cancelled with its termination costs (SAMM C6.8), recorded as a final billing",
        "termination_costs",
        "a case officer cancels it with the reason and the termination costs (Cancel with termination costs)",
    )


_GUARDS = {
    CaseAction.IMPLEMENT: _implement,
    CaseAction.COMPLETE_SUPPLY: _complete_supply,
    CaseAction.CLOSE: _close,
    CaseAction.CANCEL: _cancel,
}


def case_step_guard(*, case: Case, action: str) -> StepBlock | StepNote | None:
    guard = _GUARDS.get(action)
    return guard(case) if guard is not None else None

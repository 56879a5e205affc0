"""What the API and the pages show of execution records: one shape each, shared by both."""

from fms.cases.models import Case
from fms.documents.services import effective_document
from fms.execution import facts, gates, rules
from fms.execution.models import Delivery, FinancialTransaction, SupplyDiscrepancyReport


def delivery(row: Delivery) -> dict:
    return {
        "number": row.number,
        "line_number": row.line_number,
        "quantity": row.quantity,
        "shipped_on": row.shipped_on,
        "transportation_control_number": row.transportation_control_number,
        "document_number": row.document_number,
        "note": row.note,
    }


def sdr(row: SupplyDiscrepancyReport) -> dict:
    """An SDR as its purchaser and staff see it (no user names: DESIGN §8); needs row.delivery loaded."""
    return {
        "number": row.number,
        "delivery": row.delivery.number,
        "line_number": row.delivery.line_number,
        "kind": row.kind,
        "quantity": row.quantity,
        "value": row.value,
        "description": row.description,
        "status": row.status,
        "resolution": row.resolution or None,
        "resolution_note": row.resolution_note,
        "filed_at": row.filed_at,
        "resolved_at": row.resolved_at,
        "version": row.version,
    }


def figures(money: rules.Money) -> dict:
    return {
        "obligations": money.obligations,
        "expenditures": money.expenditures,
        "billed": money.billed,
        "collected": money.collected,
        "unliquidated_obligations": money.ulo,
        "balance_due": money.balance_due,
    }


def transaction(row: FinancialTransaction) -> dict:
    return {
        "line_number": row.line_number or None,
        "kind": row.kind,
        "amount": row.amount,
        "posted_on": row.posted_on,
        "source_ref": row.source_ref,
        "description": row.description,
    }


def financials(case: Case, transactions) -> dict:
    """Per case and per line: obligations, expenditures, billed, collected, ULO, against the effective total."""
    document = effective_document(case)
    by_line = facts.money_by_line(case)
    return {
        "case": case.case_id,
        "document": document.label if document else None,
        "total_estimated_cost": document.total_estimated_cost if document else None,
        "summary": figures(facts.money(case)),
        "lines": [{"line_number": number or None, **figures(money)} for number, money in sorted(by_line.items())],
        "transactions": [transaction(row) for row in transactions],
    }


def closure(case: Case) -> dict:
    checklist = gates.closure_checklist(case)
    return {
        "case": case.case_id,
        "status": case.status,
        "accelerated_closure": case.purchaser.accelerated_closure,
        "ready": not rules.unmet_items(checklist),
        "checklist": [
            {"key": item.key, "label": item.label, "met": item.met, "detail": item.detail} for item in checklist
        ],
    }

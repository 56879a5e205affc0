"""Every status, action and category as TextChoices; stored values equal their API values."""

from django.db import models


class CaseStatus(models.TextChoices):
    DEVELOPMENT = "development", "Development"
    WRITE = "write", "Write"
    REVIEW = "review", "Review"
    PROPOSED = "proposed", "Proposed"
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    IMPLEMENTED = "implemented", "Implemented"
    SUPPLY_COMPLETE = "supply_complete", "Supply complete"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class CaseAction(models.TextChoices):
    CREATE = "create", "Create"
    START_WRITE = "start_write", "Start writing"
    SUBMIT_REVIEW = "submit_review", "Submit for review"
    PROPOSE = "propose", "Propose"
    OFFER = "offer", "Offer to the purchaser"
    ACCEPT = "accept", "Record acceptance"
    IMPLEMENT = "implement", "Implement"
    COMPLETE_SUPPLY = "complete_supply", "Mark supply complete"
    CLOSE = "close", "Close the case"
    CANCEL = "cancel", "Cancel the case"
    RETURN = "return", "Send back a step"


class LineStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    RETURNED = "returned", "Returned"


class LineAction(models.TextChoices):
    ADD = "add", "Add"
    EDIT = "edit", "Edit"
    REMOVE = "remove", "Remove"
    SUBMIT = "submit", "Submit"
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"
    RETURN = "return", "Return"


class LineCategory(models.TextChoices):
    MISSILE = "missile", "Missile"
    LAUNCHER_CANISTER = "launcher_canister", "Launcher / canister"
    CONTRACTOR_SUPPORT = "contractor_support", "Contractor support"
    GOVERNMENT_SUPPORT = "government_support", "U.S. Government support"
    TRAINING = "training", "Training"
    TRANSPORTATION = "transportation", "Transportation"
    SPARE_PARTS = "spare_parts", "Spare parts"
    DESIGN_CONSTRUCTION = "design_construction", "Design & construction"
    OTHER = "other", "Other"


class DocumentStep(models.TextChoices):
    """Steps of LOA documents that the case's ledger records besides offer and accept (fms.documents)."""

    OPEN = "open", "Open an amendment or modification"
    ISSUE = "issue", "Issue a modification"
    WITHDRAW = "withdraw", "Withdraw a document"
    EXPIRE = "expire", "Offer expired"
    REINSTATE = "reinstate", "Offer reinstated with a new expiration date"


class ExecutionStep(models.TextChoices):
    """Steps after acceptance that the case's ledger records besides the case steps (fms.execution)."""

    RECORD_DEPOSIT = "record_deposit", "Deposit recorded"
    RECORD_COLLECTION = "record_collect", "Collection recorded"
    EMERGENCY = "emergency_impl", "Emergency implementation approved"
    DELIVER = "deliver", "Delivery recorded"
    PERFORM = "perform", "Services performed"
    COMPLETE_LINE = "complete_line", "Line supply/services complete"
    FILE_SDR = "file_sdr", "SDR filed"
    REVIEW_SDR = "review_sdr", "SDR under review"
    RESOLVE_SDR = "resolve_sdr", "SDR resolved"
    POST_FINANCIALS = "post_financials", "Financial transactions imported"


def event_actions() -> list[tuple[str, str]]:
    """Actions an ApprovalEvent can record: case, line, document and execution steps, each value once."""
    merged: dict[str, str] = {}
    for choices in (LineAction, CaseAction, DocumentStep, ExecutionStep):
        for value, label in choices.choices:
            merged.setdefault(value, label)
    return list(merged.items())

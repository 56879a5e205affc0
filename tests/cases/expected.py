"""The workflow as it should be, written down by hand (DESIGN §4): never derived from fms.cases.workflow.

Tests compare the tables in fms/cases/workflow.py against these literals, and the factories take who
acts from here, so a change to a table under test shows up as a failing test instead of being
copied into the expectation. Change these only when the design changes.
"""

# Who holds the permission of a step: case officers run the case; reviewers decide lines and take
# cases out of review (maker–checker at case level).
OFFICER, REVIEWER = "officer", "reviewer"
ROLE_OF_PERMISSION = {
    "cases.transition_case": OFFICER,
    "cases.review_case": REVIEWER,
    "cases.add_lineitem": OFFICER,
    "cases.change_lineitem": OFFICER,
    "cases.delete_lineitem": OFFICER,
    "cases.approve_lineitem": REVIEWER,
}

# (case status, action) -> (status after the step, role that takes it). Every other pair is refused.
CASE_STEPS = {
    ("development", "start_write"): ("write", OFFICER),
    ("write", "return"): ("development", OFFICER),
    ("write", "submit_review"): ("review", OFFICER),
    ("review", "return"): ("write", REVIEWER),
    ("review", "propose"): ("proposed", REVIEWER),
    ("proposed", "offer"): ("offered", OFFICER),
    ("offered", "accept"): ("accepted", OFFICER),
    ("accepted", "implement"): ("implemented", OFFICER),
    ("implemented", "complete_supply"): ("supply_complete", OFFICER),
    ("supply_complete", "close"): ("closed", OFFICER),
    ("development", "cancel"): ("cancelled", OFFICER),
    ("write", "cancel"): ("cancelled", OFFICER),
    ("review", "cancel"): ("cancelled", OFFICER),
    ("proposed", "cancel"): ("cancelled", OFFICER),
    ("offered", "cancel"): ("cancelled", OFFICER),
    ("accepted", "cancel"): ("cancelled", OFFICER),
    # From implementation on, cancelling also bills the termination costs (fms.execution).
    ("implemented", "cancel"): ("cancelled", OFFICER),
    ("supply_complete", "cancel"): ("cancelled", OFFICER),
}
# Cancelling from these states also bills the termination costs (SAMM C6.8, fms.execution).
CANCELLED_WITH_TERMINATION_COSTS_FROM = ("implemented", "supply_complete")
CASE_STATUSES = (
    "development",
    "write",
    "review",
    "proposed",
    "offered",
    "accepted",
    "implemented",
    "supply_complete",
    "closed",
    "cancelled",
)
CASE_ACTIONS = (
    "start_write",
    "return",
    "submit_review",
    "propose",
    "offer",
    "accept",
    "implement",
    "complete_supply",
    "close",
    "cancel",
)

# (line status, action) -> status after the step (None: the line leaves the case). Every other
# pair is refused. `add` starts from no line at all.
LINE_STEPS = {
    ("draft", "edit"): "draft",
    ("submitted", "edit"): "draft",
    ("approved", "edit"): "draft",
    ("returned", "edit"): "draft",
    ("draft", "remove"): None,
    ("submitted", "remove"): None,
    ("approved", "remove"): None,
    ("rejected", "remove"): None,
    ("returned", "remove"): None,
    ("draft", "submit"): "submitted",
    ("submitted", "approve"): "approved",
    ("submitted", "reject"): "rejected",
    ("submitted", "return"): "returned",
}
LINE_STATUSES = ("draft", "submitted", "approved", "rejected", "returned")
LINE_ACTION_ROLE = {
    "add": OFFICER,
    "edit": OFFICER,
    "remove": OFFICER,
    "submit": OFFICER,
    "approve": REVIEWER,
    "reject": REVIEWER,
    "return": REVIEWER,
}
LINE_ACTION_PERMISSION = {
    "add": "cases.add_lineitem",
    "edit": "cases.change_lineitem",
    "remove": "cases.delete_lineitem",
    "submit": "cases.change_lineitem",
    "approve": "cases.approve_lineitem",
    "reject": "cases.approve_lineitem",
    "return": "cases.approve_lineitem",
}
# Line content changes only while the case is being written; decisions also while it is in review.
LINE_CONTENT_ACTIONS = ("add", "edit", "remove", "submit")
LINE_DECISIONS = ("approve", "reject", "return")
LINES_EDITABLE_IN = ("development", "write")
LINES_DECIDABLE_IN = ("development", "write", "review")
# DESIGN §4.3: while an amendment or modification of the case is open, its lines are edited and
# decided again, but only in these case states.
LINES_CHANGEABLE_BY_AN_OPEN_DOCUMENT_IN = ("accepted", "implemented")

# DESIGN §4.1: a line decision that also moves its case, in the same transaction, as a case event:
# (case status, line action) -> (case action recorded, case status after). Every other pair moves no case.
CASE_MOVED_BY_LINE_DECISION = {
    ("review", "return"): ("return", "write"),
    ("review", "reject"): ("return", "write"),
}

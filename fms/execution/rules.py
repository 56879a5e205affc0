"""Pure rules of execution and closure (DESIGN §4.1, §4.5): no ORM, the services hand in the facts."""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from fms.execution.choices import SDR_MINIMUM_VALUE_EXEMPT, SdrKind

SDR_MINIMUM = Decimal("200.00")  # DSCA policy memo 04-47
ZERO = Decimal("0.00")
QUARTER_PATTERN = re.compile(r"^(\d{4})Q([1-4])$")


@dataclass(frozen=True)
class LineProgress:
    """One line of the effective document and what has been delivered or performed of it."""

    line_number: str
    quantity: int
    months_of_service: int | None
    delivered: int = 0
    performed_through: int = 0

    @property
    def is_services(self) -> bool:
        # A services line is measured in months performed, not in units shipped (DESIGN §4.5).
        return self.months_of_service is not None

    @property
    def complete(self) -> bool:
        if self.is_services:
            return self.performed_through >= self.months_of_service
        return self.delivered >= self.quantity


def lines_not_complete(lines: list[LineProgress]) -> str | None:
    """Why supply is not complete (every line must be), or None."""
    if not lines:
        return "the case has no effective document with lines"
    open_lines = [line.line_number for line in lines if not line.complete]
    if open_lines:
        return f"line{'s' if len(open_lines) > 1 else ''} {', '.join(open_lines)} not supply/services complete yet"
    return None


def delivery_problem(line: LineProgress, quantity: int) -> str | None:
    if line.is_services:
        return f"line {line.line_number} is a services line: record the months performed, not deliveries"
    left = line.quantity - line.delivered
    if quantity > left:
        return (
            f"line {line.line_number} has {line.quantity} in the effective document and {line.delivered} delivered: "
            f"at most {left} more can be delivered, not {quantity}"
        )
    return None


def performance_problem(line: LineProgress, through_month: int) -> str | None:
    if not line.is_services:
        return f"line {line.line_number} is not a services line: record deliveries of its units"
    if through_month > line.months_of_service:
        return f"line {line.line_number} has {line.months_of_service} months of service, not {through_month}"
    if through_month <= line.performed_through:
        return f"line {line.line_number} is already performed through month {line.performed_through}"
    return None


def implementation_unmet(
    *, basic_accepted: bool, first_row: Decimal | None, deposited: Decimal, emergency: bool
) -> str | None:
    """SAMM C6.1.1: the accepted BASIC and the initial deposit; C6.1.2: or an approved emergency implementation."""
    if not basic_accepted:
        return "the BASIC document is not accepted"
    if emergency:
        return None
    required = first_row if first_row is not None else ZERO
    if deposited < required:
        return (
            f"the initial deposit of ${required:,.2f} (the payment schedule's first row) is not received: "
            f"${deposited:,.2f} recorded, ${required - deposited:,.2f} short"
        )
    return None


def sdr_value_problem(kind: str, value: Decimal) -> str | None:
    if kind not in SDR_MINIMUM_VALUE_EXEMPT and value < SDR_MINIMUM:
        return (
            f"an SDR for {SdrKind(kind).label.lower()} must be worth at least ${SDR_MINIMUM:,.2f} "
            "(DSCA policy memo 04-47; only wrong item and quality reports have no minimum)"
        )
    return None


@dataclass(frozen=True)
class Money:
    """A case's (or a line's) money position from its transactions."""

    obligations: Decimal = ZERO
    expenditures: Decimal = ZERO
    billed: Decimal = ZERO
    collected: Decimal = ZERO

    @property
    def ulo(self) -> Decimal:
        """Unliquidated obligations: obligated and not yet spent."""
        return self.obligations - self.expenditures

    @property
    def balance_due(self) -> Decimal:
        return self.billed - self.collected


@dataclass(frozen=True)
class ChecklistItem:
    key: str  # the field API clients see it under
    label: str
    met: bool
    detail: str


def closure_checklist(
    *, lines: list[LineProgress], money: Money, accelerated: bool, open_sdrs: int
) -> list[ChecklistItem]:
    """DESIGN §4.1 supply_complete → closed, item by item (Reconciliation and Closure Guide ch. 3, SAMM C16)."""
    not_complete = lines_not_complete(lines)
    ulo_ok = money.ulo == ZERO or accelerated
    if money.ulo == ZERO:
        ulo_detail = "no unliquidated obligations"
    elif accelerated:
        ulo_detail = f"${money.ulo:,.2f} unliquidated: allowed under accelerated case closure (ACCP)"
    else:
        ulo_detail = f"${money.ulo:,.2f} unliquidated obligations remain"
    return [
        ChecklistItem(
            "lines", "Every line supply/services complete", not_complete is None, not_complete or "all lines"
        ),
        ChecklistItem(
            "billed",
            "Billed equals collected",
            money.billed == money.collected,
            f"billed ${money.billed:,.2f}, collected ${money.collected:,.2f}",
        ),
        ChecklistItem("ulo", "No unliquidated obligations (or ACCP)", ulo_ok, ulo_detail),
        ChecklistItem(
            "sdrs", "No open SDR", open_sdrs == 0, "none open" if open_sdrs == 0 else f"{open_sdrs} SDR(s) still open"
        ),
    ]


def unmet_items(checklist: list[ChecklistItem]) -> list[ChecklistItem]:
    return [item for item in checklist if not item.met]


def parse_quarter(text: str) -> tuple[dt.date, dt.date]:
    """'2026Q3' -> (1 July 2026, 30 September 2026); ValueError with the expected form otherwise."""
    match = QUARTER_PATTERN.match(text or "")
    if not match:
        raise ValueError("Use the form YYYYQn, e.g. 2026Q3.")
    year, quarter = int(match.group(1)), int(match.group(2))
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1)


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"

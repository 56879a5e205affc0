"""The LOA's estimated cost summary and payment schedule (DESIGN §4.3): pure, exact to the cent.

No ORM here. Rates are dated data: the rate in force on the document's offer date applies.
Every computed amount is rounded half-up to the cent once, per component, and the total is the
exact sum of the components; payment rows are cut from the total so that they add up to it.

Sources:
- Administrative surcharge: 3.5% for LOAs offered before 1 June 2018, 3.2% from then
  (DSCA Policy Memo 18-27). The table starts at 1 August 2012, when 3.5% replaced 3.8% (our
  reading of DSCA's rate history; no memo text for it was found): an earlier offer date is
  refused rather than priced at a rate we cannot cite.
- Contract administration services (CAS): applied to the base price of lines with source of
  supply P, and to the procurement portion of X lines (a 50/50 split when no better estimate is
  known); never to S (DSCA Policy Memo 09-06). Rates: 1.5% from 1 October 2002 (DSCA 02-14:
  0.65% contract management + 0.65% quality assurance + 0.20% audit), 1.2% from DSCA 14-27
  (dated 6 November 2014), 1.0% from 1 February 2020 (DSCA 19-43).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class PricingError(ValueError):
    """The input cannot be priced; the message says why, in words a user understands, and `field` where."""

    def __init__(self, message: str, *, field: str = "lines") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class DatedRate:
    valid_from: dt.date
    rate: Decimal
    source: str


ADMINISTRATIVE_SURCHARGE_RATES: tuple[DatedRate, ...] = (
    DatedRate(dt.date(2012, 8, 1), Decimal("0.035"), "3.5% (in force until 31 May 2018)"),
    DatedRate(dt.date(2018, 6, 1), Decimal("0.032"), "DSCA 18-27: 3.2% from 1 June 2018"),
)
CAS_RATES: tuple[DatedRate, ...] = (
    DatedRate(dt.date(2002, 10, 1), Decimal("0.015"), "DSCA 02-14: 1.5% for LOAs from 1 October 2002"),
    DatedRate(dt.date(2014, 11, 6), Decimal("0.012"), "DSCA 14-27: 1.2%"),
    DatedRate(dt.date(2020, 2, 1), Decimal("0.010"), "DSCA 19-43: 1.0% from 1 February 2020"),
)

# Source of supply codes whose base price carries CAS, and the share of it that does (DSCA 09-06).
PROCUREMENT = "P"
MIXED = "X"
DEFAULT_MIXED_PROCUREMENT_SHARE = Decimal("0.5")

# Delivery term codes under which the purchaser moves the materiel from its U.S. point of origin,
# so the LOA carries no U.S. transportation charge (DLM 4000.25-1 AP2.5: DTC 4 "delivery at the
# origin ... the customer is responsible for all transportation"). For every other DTC the
# transportation estimate is entered by the case writer: this table holds no guessed percentages.
NO_US_TRANSPORTATION_DTCS = frozenset({"4"})


def rate_on(rates: Sequence[DatedRate], on: dt.date, *, name: str) -> Decimal:
    """The rate in force on `on`: the last entry whose valid_from is on or before it."""
    in_force = [r for r in rates if r.valid_from <= on]
    if not in_force:
        raise PricingError(
            f"No {name} rate is recorded for {on.isoformat()} (the table starts {rates[0].valid_from}).",
            field="offered_on",
        )
    return max(in_force, key=lambda r: r.valid_from).rate


def round_cents(amount: Decimal | Fraction) -> Decimal:
    """Half-up to the cent (amounts here are never negative)."""
    if isinstance(amount, Fraction):
        cents = (amount * 100 + Fraction(1, 2)).__floor__()
        return (Decimal(cents) / 100).quantize(CENT)
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PricedLine:
    """What pricing needs to know of one line."""

    line_number: str
    value: Decimal  # quantity × unit cost, exact
    source_code: str = ""
    delivery_term_code: str = ""
    # Months after acceptance in which delivery (or performance) is estimated, inclusive.
    delivery_from_months: int | None = None
    delivery_to_months: int | None = None
    procurement_share: Decimal | None = None  # X lines only; None: DSCA 09-06's 50/50

    def cas_base(self) -> Fraction:
        if self.source_code == PROCUREMENT:
            return Fraction(self.value)
        if self.source_code == MIXED:
            share = DEFAULT_MIXED_PROCUREMENT_SHARE if self.procurement_share is None else self.procurement_share
            if not Decimal(0) <= share <= Decimal(1):
                raise PricingError(f"Line {self.line_number}: the procurement share must be between 0 and 1.")
            return Fraction(self.value) * Fraction(share)
        return Fraction(0)


@dataclass(frozen=True)
class CostSummary:
    """The LOA's estimated cost summary (DD 1513 block): every figure to the cent."""

    net_estimated_cost: Decimal
    packing_crating_handling: Decimal
    transportation: Decimal
    administrative_surcharge: Decimal
    contract_administration: Decimal
    other: Decimal
    total_estimated_cost: Decimal

    COMPONENTS = (
        "net_estimated_cost",
        "packing_crating_handling",
        "transportation",
        "administrative_surcharge",
        "contract_administration",
        "other",
    )

    def as_dict(self) -> dict[str, Decimal]:
        return {name: getattr(self, name) for name in (*self.COMPONENTS, "total_estimated_cost")}


def _money(value: Decimal | None, name: str, field: str) -> Decimal:
    value = ZERO if value is None else value
    if value < 0 or value != value.quantize(CENT):
        raise PricingError(f"{name} must be a non-negative amount in whole cents.", field=field)
    return value.quantize(CENT)


def cost_summary(
    lines: Iterable[PricedLine],
    *,
    priced_on: dt.date,
    packing_crating_handling: Decimal | None = None,
    transportation: Decimal | None = None,
    other: Decimal | None = None,
) -> CostSummary:
    """Price a document's lines as offered on `priced_on`.

    Transportation: zero when every line's DTC leaves it to the purchaser; otherwise the entered
    amount, which is then required (a missing estimate is refused, naming the lines).
    """
    lines = list(lines)
    net = sum((line.value for line in lines), ZERO)
    net = _money(net, "The net estimated cost", "lines")
    pch = _money(packing_crating_handling, "Packing, crating and handling", "packing_crating_handling")
    carried = [line.line_number for line in lines if line.delivery_term_code not in NO_US_TRANSPORTATION_DTCS]
    if transportation is None:
        if carried:
            raise PricingError(
                "Enter the transportation estimate: lines " + ", ".join(carried) + " have a delivery term code "
                "under which the United States transports the materiel.",
                field="transportation",
            )
        # `None` would be equivalent: _money reads a missing amount as zero.
        transportation = ZERO  # pragma: no mutate
    transportation = _money(transportation, "Transportation", "transportation")
    surcharge = round_cents(net * rate_on(ADMINISTRATIVE_SURCHARGE_RATES, priced_on, name="administrative surcharge"))
    cas_rate = Fraction(rate_on(CAS_RATES, priced_on, name="CAS"))
    cas = round_cents(sum((line.cas_base() for line in lines), Fraction(0)) * cas_rate)
    other = _money(other, "Other", "other")
    total = net + pch + transportation + surcharge + cas + other
    return CostSummary(
        net_estimated_cost=net,
        packing_crating_handling=pch,
        transportation=transportation,
        administrative_surcharge=surcharge,
        contract_administration=cas,
        other=other,
        total_estimated_cost=total,
    )


# ---- Payment schedule --------------------------------------------------------------------------

# FMS payments fall due quarterly, on the 15th of the last month of each calendar quarter.
QUARTERLY_DUE_MONTHS = (3, 6, 9, 12)
DUE_DAY = 15


@dataclass(frozen=True)
class PaymentRow:
    due_on: dt.date
    amount: Decimal
    cumulative: Decimal


def quarterly_due_dates(after: dt.date, count: int) -> list[dt.date]:
    """The next `count` quarterly due dates strictly after `after`."""
    dates: list[dt.date] = []
    year = after.year
    while len(dates) < count:
        for month in QUARTERLY_DUE_MONTHS:
            due = dt.date(year, month, DUE_DAY)
            if due > after and len(dates) < count:
                dates.append(due)
        year += 1
    return dates


def _monthly_weights(lines: Sequence[PricedLine]) -> dict[int, Fraction]:
    """Each line's value spread evenly over its delivery months; no estimate: month 0."""
    weights: dict[int, Fraction] = {}
    for line in lines:
        start, end = line.delivery_from_months, line.delivery_to_months
        if start is None or end is None:
            # Month 0; months 1 and 2 would give the same schedule (all in the deposit row).
            start = end = 0  # pragma: no mutate
        if start < 0 or end < start:
            raise PricingError(f"Line {line.line_number}: the delivery period must run forward from month 0.")
        per_month = Fraction(line.value) / (end - start + 1)
        for month in range(start, end + 1):
            weights[month] = weights.get(month, Fraction(0)) + per_month
    return weights


def payment_schedule(lines: Sequence[PricedLine], *, total: Decimal, starts_on: dt.date) -> list[PaymentRow]:
    """A quarterly schedule for `total`, following the lines' delivery estimates.

    Row 0 is the initial deposit, due with acceptance (`starts_on`): what the first three months
    need. Row k covers months 3k to 3k+2 and falls due on the k-th quarterly date. Rows are cut
    from cumulative amounts rounded half-up, so each is exact to the cent and they sum to `total`.
    Quarters with nothing due are left out (the initial deposit row always stays).
    """
    total = _money(total, "The total", "total_estimated_cost")
    weights = _monthly_weights(lines)
    # sum's own start, 0, is equivalent: it equals Fraction(0), and adding Fractions to it gives a Fraction.
    all_weight = sum(weights.values(), Fraction(0))  # pragma: no mutate
    if all_weight == 0:
        return [PaymentRow(starts_on, total, total)]
    by_row: dict[int, Fraction] = {}
    for month, weight in weights.items():
        by_row[month // 3] = by_row.get(month // 3, Fraction(0)) + weight
    last_row = max(by_row)
    due_dates = [starts_on, *quarterly_due_dates(starts_on, last_row)]
    rows: list[PaymentRow] = []
    running_weight = Fraction(0)
    previous = ZERO
    for index in range(last_row + 1):
        running_weight += by_row.get(index, Fraction(0))
        cumulative = total if index == last_row else round_cents(Fraction(total) * running_weight / all_weight)
        amount = cumulative - previous
        if index == 0 or amount:
            rows.append(PaymentRow(due_dates[index], amount, cumulative))
        previous = cumulative
    return rows


def schedule_difference(amounts: Iterable[Decimal], total: Decimal) -> Decimal:
    """Total minus the sum of the rows: zero for a schedule that may be offered."""
    return total - sum(amounts, ZERO)  # pragma: no mutate (sum's own start, 0, gives the same Decimal)


def check_schedule(rows: Sequence[PaymentRow], total: Decimal) -> None:
    """Refuse an entered schedule that does not add up, is out of order or has a negative row."""
    if not rows:
        raise PricingError("A payment schedule needs at least its initial deposit row.", field="payment_schedule")
    difference = schedule_difference((row.amount for row in rows), total)
    if difference:
        raise PricingError(
            f"The payment schedule sums to {total - difference:.2f}, not the total estimated cost {total:.2f} "
            f"(difference {difference:.2f}).",
            field="payment_schedule",
        )
    running = ZERO
    for position, row in enumerate(rows, start=1):
        if row.amount < 0:
            raise PricingError(f"Payment row {position} is negative.", field="payment_schedule")
        running += row.amount
        if row.cumulative != running:
            raise PricingError(
                f"Payment row {position}: cumulative {row.cumulative:.2f} should be {running:.2f}.",
                field="payment_schedule",
            )
        if position > 1 and row.due_on <= rows[position - 2].due_on:
            raise PricingError(f"Payment row {position} is not due after the row before it.", field="payment_schedule")

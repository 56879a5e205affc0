"""The library of standard LOA notes, and which of them a document carries.

The wording is ours, written for this system after SAMM C5.4 (LOA notes) and the policy memos
cited in pricing.py; it is not DSAMS's note text. Notes whose facts depend on the document (rates,
lines, dates) are filled in when the document is frozen, so the text the purchaser accepts is the
text whose hash it accepted.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from fms.documents import pricing


@dataclass(frozen=True)
class NoteFacts:
    """What the notes look at: the frozen lines (as PricedLine plus category) and the dates."""

    lines: Sequence[pricing.PricedLine]
    categories: dict[str, str]  # line number -> category
    priced_on: dt.date
    offer_expires_on: dt.date | None


@dataclass(frozen=True)
class StandardNote:
    key: str
    title: str
    text: Callable[[NoteFacts], str]
    applies: Callable[[NoteFacts], bool] = lambda facts: True


def _percent(rate: Decimal) -> str:
    return f"{rate * 100:.1f}%"


def _numbers(facts: NoteFacts, keep: Callable[[pricing.PricedLine], bool]) -> list[str]:
    return [line.line_number for line in facts.lines if keep(line)]


def _procured(line: pricing.PricedLine) -> bool:
    return line.source_code in (pricing.PROCUREMENT, pricing.MIXED)


def _carried(line: pricing.PricedLine) -> bool:
    return line.delivery_term_code not in pricing.NO_US_TRANSPORTATION_DTCS


def _surcharge(facts: NoteFacts) -> str:
    rate = pricing.rate_on(pricing.ADMINISTRATIVE_SURCHARGE_RATES, facts.priced_on, name="administrative surcharge")
    return (
        f"An administrative surcharge of {_percent(rate)} of the net estimated cost of the lines is included in "
        "the total estimated cost (the rate in force on the offer date; DSCA Policy Memo 18-27)."
    )


def _cas(facts: NoteFacts) -> str:
    rate = pricing.rate_on(pricing.CAS_RATES, facts.priced_on, name="CAS")
    numbers = ", ".join(_numbers(facts, _procured))
    return (
        f"Contract administration services (CAS) at {_percent(rate)} apply to the base price of the lines sourced "
        f"from procurement ({numbers}); for a line of mixed source, to its procurement portion only "
        "(DSCA Policy Memo 09-06). Stock-sourced lines carry no CAS."
    )


def _transportation(facts: NoteFacts) -> str:
    carried = _numbers(facts, _carried)
    if not carried:
        return (
            "The purchaser takes delivery at the point of origin (delivery term code 4) and arranges and pays for "
            "transportation from there; no U.S. transportation charge is included."
        )
    return (
        f"The United States transports the materiel of lines {', '.join(carried)} as far as their delivery term "
        "codes state; the transportation figure of the cost summary is an estimate, billed at actual cost."
    )


def _contractor_support(facts: NoteFacts) -> str:
    numbers = ", ".join(n for n, category in sorted(facts.categories.items()) if category == "contractor_support")
    return (
        f"Lines {numbers} include contractor technical assistance and support. Contractor personnel work under "
        "U.S. Government contracts; their number, location and period of performance are estimates."
    )


def _expiry(facts: NoteFacts) -> str:
    if facts.offer_expires_on is None:
        return "This document takes effect when issued; it needs no acceptance by the purchaser."
    return (
        f"This offer expires on {facts.offer_expires_on:%d %B %Y} (Washington, D.C. time). It must be accepted, "
        "with the content hash printed on it, on or before that date; a later acceptance is refused."
    )


LIBRARY: tuple[StandardNote, ...] = (
    StandardNote(
        "estimated_prices",
        "Estimated prices",
        lambda facts: (
            "The prices in this document are estimates. The purchaser pays the actual cost to the United States "
            "Government, which may be higher or lower; significant changes will be notified."
        ),
    ),
    StandardNote("administrative_surcharge", "Administrative surcharge", _surcharge),
    StandardNote(
        "contract_administration",
        "Contract administration services",
        _cas,
        applies=lambda facts: bool(_numbers(facts, _procured)),
    ),
    StandardNote("transportation", "Transportation", _transportation),
    StandardNote(
        "contractor_support",
        "Contractor support",
        _contractor_support,
        applies=lambda facts: "contractor_support" in facts.categories.values(),
    ),
    StandardNote(
        "payment_schedule",
        "Payment schedule",
        lambda facts: (
            "The payment schedule estimates when funds are needed. The first row is the initial deposit, due with "
            "acceptance; later rows fall due quarterly. The rows add up exactly to the total estimated cost."
        ),
    ),
    StandardNote("offer_expiration", "Offer expiration", _expiry),
)


def notes_for(facts: NoteFacts) -> list[tuple[str, str, str]]:
    """(key, title, text) of every library note this document carries, in library order."""
    return [(note.key, note.title, note.text(facts)) for note in LIBRARY if note.applies(facts)]

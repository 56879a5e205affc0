"""Pure 36(b) rules: transmittal numbers per kind, thresholds and review days per review group,
Washington dates, and the room a notification leaves (DESIGN §4.4). No ORM here.

Sources: AECA section 36(b) (22 U.S.C. 2776(b)(1) for the thresholds and review periods, (b)(5)(A)
and (b)(5)(C) for enhancement reports and new certifications); SAMM C5.5.3 and Table C5.T13 for
the 20-day informal ("advance") review before the 30-day formal period for purchasers outside
NATO, its members, Australia, Israel, Japan, the Republic of Korea and New Zealand; DSCA Policy
08-40 (SAMM E-Change 123) for Korea's move to that group by section 3 of P.L. 110-429.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from fms.notifications.choices import NotificationKind

# Congress counts calendar days where it sits: "today", review ends and OEDs are Washington dates.
WASHINGTON = ZoneInfo("America/New_York")

# 36(b)(1): year and serial (18-40). 5(A) reports: a digit, a letter, the year (0P-22, 0G-23).
# 5(C) new certifications: the year, a digit and a letter (22-0B).
TRANSMITTAL_PATTERNS: dict[str, str] = {
    NotificationKind.CERTIFICATION: r"^[0-9]{2}-[0-9]{1,3}$",
    NotificationKind.ENHANCEMENT_REPORT: r"^[0-9][A-Z]-[0-9]{2}$",
    NotificationKind.ENHANCEMENT_CERTIFICATION: r"^[0-9]{2}-[0-9][A-Z]$",
}
TRANSMITTAL_EXAMPLES = {
    NotificationKind.CERTIFICATION: "YY-N to YY-NNN, e.g. 18-40",
    NotificationKind.ENHANCEMENT_REPORT: "digit, letter, year, e.g. 0P-22",
    NotificationKind.ENHANCEMENT_CERTIFICATION: "year, digit, letter, e.g. 22-0B",
}
# A 5(A) report or 5(C) certification refers to the 36(b)(1) certification it enhances.
KINDS_WITH_ORIGINAL = (NotificationKind.ENHANCEMENT_REPORT, NotificationKind.ENHANCEMENT_CERTIFICATION)
# SAMM C5.5.3: the advance notification's informal review before the formal period (group `other`).
INFORMAL_REVIEW_DAYS = 20

NATO_PLUS_5 = "nato_plus_5"
OTHER = "other"
NATO_ORG = "nato_org"


@dataclass(frozen=True)
class Thresholds:
    """36(b) thresholds for one review group: meeting or exceeding any one requires notification."""

    mde: Decimal
    total: Decimal
    design_construction: Decimal
    formal_review_days: int


# 22 U.S.C. 2776(b)(1): $14M MDE / $50M / $200M design and construction, 30 days; for NATO, its
# members, Japan, Australia, Korea, Israel and New Zealand $25M / $100M / $300M and 15 days —
# except NATO itself, which keeps the lower figures with the 15 days.
NOTIFICATION_THRESHOLDS: dict[str, Thresholds] = {
    NATO_PLUS_5: Thresholds(Decimal("25000000.00"), Decimal("100000000.00"), Decimal("300000000.00"), 15),
    OTHER: Thresholds(Decimal("14000000.00"), Decimal("50000000.00"), Decimal("200000000.00"), 30),
    NATO_ORG: Thresholds(Decimal("14000000.00"), Decimal("50000000.00"), Decimal("200000000.00"), 15),
}


def washington_today(now: dt.datetime) -> dt.date:
    """The calendar date in Washington at this instant."""
    return now.astimezone(WASHINGTON).date()


def transmittal_problem(kind: str, number: str | None) -> str | None:
    """Why this transmittal number does not fit its kind, or None (an unknown number is allowed)."""
    if not number:
        return None
    if kind not in TRANSMITTAL_PATTERNS:
        return f"Unknown kind {kind!r}."
    if re.fullmatch(TRANSMITTAL_PATTERNS[kind], number):
        return None
    return f"A {kind} transmittal number is {TRANSMITTAL_EXAMPLES[kind]}; {number!r} is not."


def values_problems(mde: Decimal | None, non_mde: Decimal | None, total: Decimal) -> dict[str, list[str]]:
    """{field: [message]} when the values do not add up: MDE + non-MDE = total when both are known."""
    if mde is not None and mde > total:
        return {"mde_value": [f"The MDE value {mde} exceeds the total value {total}."]}
    if mde is not None and non_mde is not None and mde + non_mde != total:
        return {"total_value": [f"MDE {mde} + non-MDE {non_mde} = {mde + non_mde}, not the total {total}."]}
    if mde is None and non_mde is not None:
        return {"mde_value": ["Give the MDE value with the non-MDE value (or neither)."]}
    return {}


def notification_required(
    *, thresholds: Thresholds, mde_value: Decimal, total_value: Decimal, design_construction_value: Decimal
) -> bool:
    """True when a sale meets or exceeds any of these thresholds."""
    return (
        mde_value >= thresholds.mde
        or total_value >= thresholds.total
        or design_construction_value >= thresholds.design_construction
    )


def review_ends_on(notified_on: dt.date, formal_review_days: int) -> dt.date:
    """The last calendar day of the formal review: the offer may be made the day after (in Washington)."""
    return notified_on + dt.timedelta(days=formal_review_days)


def informal_review_ends_on(started_on: dt.date) -> dt.date:
    return started_on + dt.timedelta(days=INFORMAL_REVIEW_DAYS)


def review_running(*, review_ends_on: dt.date, today: dt.date) -> bool:
    return today <= review_ends_on


@dataclass(frozen=True)
class Room:
    """What a notification covers and what the cases under it already use."""

    total_value: Decimal
    mde_value: Decimal | None  # None: not known, so MDE room is not checked
    committed_value: Decimal
    committed_mde_value: Decimal

    @property
    def remaining_value(self) -> Decimal:
        return self.total_value - self.committed_value

    @property
    def remaining_mde_value(self) -> Decimal | None:
        return None if self.mde_value is None else self.mde_value - self.committed_mde_value


def room_problems(room: Room, *, value: Decimal, mde_value: Decimal, replaces: tuple[Decimal, Decimal]) -> list[str]:
    """Why a document of `value` (MDE `mde_value`) does not fit, replacing what its case used so far
    (`replaces`: that case's committed total and MDE value); [] when it fits. Figures in dollars."""
    problems = []
    available = room.remaining_value + replaces[0]
    if value > available:
        problems.append(
            f"its estimated total ${value:,.2f} exceeds the ${available:,.2f} that remains of the notified "
            f"${room.total_value:,.2f} (${room.committed_value - replaces[0]:,.2f} used by other cases)"
        )
    if room.mde_value is not None:
        available_mde = room.mde_value - room.committed_mde_value + replaces[1]
        if mde_value > available_mde:
            problems.append(
                f"its MDE value ${mde_value:,.2f} exceeds the ${available_mde:,.2f} of MDE that remains of the "
                f"notified ${room.mde_value:,.2f}"
            )
    return problems

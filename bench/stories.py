"""Synthetic cases with their lines and ledger, as rows ready for COPY.

Each case gets a plausible history: created by an officer, lines added, submitted, decided on by
a reviewer (never the line's maker), then moved through the case steps up to its final status.
Every event is hashed with fms.cases.ledger exactly as the services do, so `verify_ledger` holds
on the result; versions, timestamps and digests follow the same rules as the services.
"""

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from fms.cases import ledger, rules

# Share of cases per purchaser (reference data codes); Japan is the client the benchmark reads as.
PURCHASER_WEIGHTS = {
    "JA": 14, "KS": 12, "AT": 10, "UK": 10, "SR": 10, "IS": 8, "GY": 7,
    "CN": 6, "EG": 5, "KU": 5, "QA": 5, "NZ": 4, "NS": 4,
}  # fmt: skip
REVIEW_GROUPS = {code: "nato_plus_5" for code in ("JA", "KS", "AT", "UK", "GY", "IS", "NZ", "CN")} | {
    "SR": "other", "EG": "other", "KU": "other", "QA": "other", "NS": "nato_org",
}  # fmt: skip
AGENCIES = ("B", "D", "P")
# Where cases stand: most are being written; ~10 events per case on average with 5 lines.
STATUS_WEIGHTS = {
    "development": 62, "write": 16, "review": 10, "proposed": 2, "offered": 3, "accepted": 2,
    "implemented": 2, "supply_complete": 1, "closed": 1, "cancelled": 1,
}  # fmt: skip
AFTER_REVIEW = ("propose", "offer", "accept", "implement", "complete_supply", "close")
STEP_TARGET = {
    "start_write": "write", "submit_review": "review", "propose": "proposed", "offer": "offered",
    "accept": "accepted", "implement": "implemented", "complete_supply": "supply_complete", "close": "closed",
    "cancel": "cancelled",
}  # fmt: skip

CATALOG = {
    "missile": (["Standard Missile-2 Block IIIC", "AIM-120D AMRAAM", "AIM-9X Block II", "Javelin missile",
                 "PATRIOT PAC-3 MSE interceptor", "Harpoon Block II"], "EA", (1, 40), (900_000, 4_500_000)),
    "launcher_canister": (["MK 29 missile canister", "Javelin command launch unit", "M903 launching station",
                           "LAU-128 rail launcher"], "EA", (1, 20), (150_000, 1_500_000)),
    "contractor_support": (["Contractor engineering and logistics support", "Field service representatives",
                            "Contractor repair and return"], "LOT", (1, 1), (250_000, 12_000_000)),
    "government_support": (["U.S. Government technical assistance", "Quality assurance teams",
                            "Program management"], "LOT", (1, 1), (100_000, 6_000_000)),
    "training": (["Operator training courses", "Maintenance training", "Aircrew training"], "MO", (1, 24),
                 (20_000, 400_000)),
    "transportation": (["Transportation", "Packing, crating and handling"], "LOT", (1, 1), (30_000, 2_000_000)),
    "spare_parts": (["Initial spare parts", "Repair parts", "Airframe spare parts", "Ground equipment spares"],
                    "EA", (1, 200), (200, 90_000)),
    "design_construction": (["Maintenance facility design and construction", "Munitions storage facility"],
                            "LOT", (1, 1), (1_000_000, 60_000_000)),
    "other": (["Publications and technical data", "Support equipment", "Test equipment"], "EA", (1, 30),
              (1_000, 250_000)),
}  # fmt: skip
CATEGORY_WEIGHTS = {
    "missile": 8, "launcher_canister": 6, "contractor_support": 14, "government_support": 12, "training": 12,
    "transportation": 12, "spare_parts": 22, "design_construction": 2, "other": 12,
}  # fmt: skip
SYSTEMS = ["F-16 Block 70", "AH-64E Apache", "PATRIOT", "SM-3 Block IIA", "MH-60R Seahawk", "HIMARS", "C-130J",
           "F-35A", "E-2D Hawkeye", "CH-47F Chinook", "NASAMS", "P-8A Poseidon", "Javelin", "MQ-9B", "M1A2 Abrams"]  # fmt: skip
KINDS = ["sustainment", "spare parts", "training", "munitions", "follow-on support", "upgrade", "acquisition"]
RETURN_REASONS = ["Quantity does not match the LOR.", "Unit cost needs the latest pricing.", "MASL is missing."]
DESIGNATOR_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@dataclass(frozen=True)
class Actors:
    """(id, username) of the demo-like users who act in the stories."""

    officers: tuple[tuple[int, str], ...]
    reviewers: tuple[tuple[int, str], ...]


@dataclass
class Story:
    """One case as rows: the case, its lines, its events, and its notification if it needs one."""

    case: tuple
    lines: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    notification: tuple | None = None


def designator(n: int) -> str:
    chars = DESIGNATOR_CHARS
    return chars[n // 1296 % 36] + chars[n // 36 % 36] + chars[n % 36]


@dataclass
class Ids:
    """The next primary key of each table, and the next designator of each purchaser-agency pair."""

    case: int = 1
    line: int = 1
    event: int = 1
    notification: int = 1
    designators: dict[tuple[str, str], int] = field(default_factory=dict)
    transmittals: dict[int, int] = field(default_factory=dict)


class StoryTeller:
    """Generates stories in creation order, deterministically from a seed."""

    def __init__(self, *, seed: int, actors: Actors, ids: Ids, start: dt.datetime, end: dt.datetime, txid: int):
        self.rng = random.Random(seed)
        self.actors, self.ids, self.start, self.end, self.txid = actors, ids, start, end, txid

    def stories(self, count: int, *, purchaser: str | None = None, status: str | None = None) -> Iterator[Story]:
        """`count` cases created evenly between start and end (each history lasts up to ~6 months)."""
        span = (self.end - dt.timedelta(days=200) - self.start) / max(count, 1)
        purchasers, p_weights = list(PURCHASER_WEIGHTS), list(PURCHASER_WEIGHTS.values())
        statuses, s_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
        for n in range(count):
            code = purchaser or self.rng.choices(purchasers, p_weights)[0]
            final = status or self.rng.choices(statuses, s_weights)[0]
            yield self.story(code, final, self.start + span * n)

    # ---- one case ---------------------------------------------------------------------------

    def story(self, purchaser: str, final: str, created: dt.datetime) -> Story:
        rng, ids = self.rng, self.ids
        agency = rng.choice(AGENCIES)
        number = ids.designators.get((purchaser, agency), 0)
        ids.designators[(purchaser, agency)] = number + 1
        case_id = f"{purchaser}-{agency}-{designator(number)}"
        case_pk = ids.case
        ids.case += 1
        officer = rng.choice(self.actors.officers)
        reviewer = rng.choice(self.actors.reviewers)
        lines = [self.line_content(n + 1) for n in range(rng.randint(1, 9))]
        totals = _totals(lines)
        required = rules.notification_required(review_group=REVIEW_GROUPS[purchaser], **totals)

        header = {
            "case_id": case_id,
            "purchaser_id": purchaser,
            "implementing_agency_id": agency,
            "title": f"{rng.choice(SYSTEMS)} {rng.choice(KINDS)}",
            "description": "Synthetic benchmark case.",
            "lor_date": None,
            "lor_received_on": None,
            "offer_expires_on": None,
            "notification_id": None,
        }
        if final != "development" or rng.random() < 0.5:
            header["lor_date"] = (created - dt.timedelta(days=rng.randint(20, 90))).date()
            header["lor_received_on"] = header["lor_date"] + dt.timedelta(days=rng.randint(3, 15))
        chain = Chain(self, case_pk, case_id, created)
        story = Story(case=())
        clock = Clock(rng, created)

        def case_step(action: str, actor, from_status: str, to_status: str, comment: str = "") -> None:
            at = clock.tick()
            if action == "offer":
                header["offer_expires_on"] = rules.offer_expiry(at.date())
            digest = ledger.case_digest(header, {line["line_number"]: line["digest"] for line in lines if line["pk"]})
            chain.append(None, action, from_status, to_status, actor, comment, at, digest)

        def line_step(line: dict, action: str, actor, to_status: str, comment: str = "") -> None:
            at = clock.tick()
            chain.append(line, action, line["status"], to_status, actor, comment, at, line["digest"])
            line["status"], line["updated_at"] = to_status, at
            line["version"] += 1

        case_step("create", officer, "", "development")
        for line in lines:
            line["pk"], ids.line = ids.line, ids.line + 1
            line["status"], line["version"] = "", 0
            line_step(line, "add", officer, "draft")
            line["created_at"] = line["updated_at"]

        status = "development"
        if final == "development":
            for line in lines:
                if rng.random() < 0.3:
                    line_step(line, "submit", officer, "submitted")
        elif final == "cancelled":
            case_step("cancel", officer, status, "cancelled", "Requirement withdrawn by the purchaser.")
            status = "cancelled"
        else:
            case_step("start_write", officer, status, "write")
            status = "write"
            for line in lines:
                line_step(line, "submit", officer, "submitted")
            if final == "write":
                for line in lines:
                    roll = rng.random()
                    if roll < 0.25:
                        line_step(line, "approve", reviewer, "approved")
                    elif roll < 0.35:
                        line_step(line, "return", reviewer, "returned", rng.choice(RETURN_REASONS))
                    elif roll < 0.40:
                        line_step(line, "reject", reviewer, "rejected", "Not releasable to this purchaser.")
            else:
                case_step("submit_review", officer, status, "review")
                status = "review"
                for line in lines:
                    if final != "review" or rng.random() < 0.5:
                        line_step(line, "approve", reviewer, "approved", rng.choice(("", "Checked against the LOR.")))
                if final != "review":
                    if required:
                        story.notification = self.notification(purchaser, totals, clock.now)
                        header["notification_id"] = story.notification[0]
                    for action in AFTER_REVIEW:
                        actor = reviewer if action == "propose" else officer
                        if action == "offer" and required:  # after the congressional review period
                            clock.wait_days(rules.formal_review_days(REVIEW_GROUPS[purchaser]) + 1)
                        case_step(action, actor, status, STEP_TARGET[action])
                        status = STEP_TARGET[action]
                        if status == final:
                            break

        story.case = (
            case_pk, case_id, purchaser, agency, header["title"], header["description"], "", status,
            header["lor_date"], header["lor_received_on"], header["offer_expires_on"], header["notification_id"],
            Decimal("0.00"), Decimal("0.00"), Decimal("0.00"),  # the totals are summed from the lines after loading
            officer[0], created, chain.events[-1][10], len(chain.events),
        )  # fmt: skip
        story.lines = [
            (
                line["pk"], case_pk, line["line_number"], line["category"], line["description"], line["masl"],
                line["quantity"], line["unit_of_issue"], line["unit_cost"], line["is_mde"], line["is_sme"],
                line["status"], officer[0], officer[0], line["created_at"], line["updated_at"], None, line["version"],
            )  # fmt: skip
            for line in lines
        ]
        story.events = chain.events
        return story

    def line_content(self, number: int) -> dict:
        rng = self.rng
        category = rng.choices(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()))[0]
        names, unit, (low_q, high_q), (low_c, high_c) = CATALOG[category]
        major = category in ("missile", "launcher_canister")
        masl = "".join(rng.choices(DESIGNATOR_CHARS, k=16)) if rng.random() < 0.4 else ""
        content = {
            "line_number": f"{number:03d}",
            "category": category,
            "description": rng.choice(names),
            "masl": masl,
            "quantity": rng.randint(low_q, high_q),
            "unit_of_issue": unit,
            "unit_cost": Decimal(rng.randint(low_c * 100, high_c * 100)) / 100,
            "is_mde": major and rng.random() < 0.6,
            "is_sme": major,
            "pk": None,
        }
        content["digest"] = ledger.line_digest(content)
        return content

    def notification(self, purchaser: str, totals: dict, at: dt.datetime) -> tuple:
        pk, self.ids.notification = self.ids.notification, self.ids.notification + 1
        year = at.year % 100
        serial = self.ids.transmittals.get(year, 0) + 1
        self.ids.transmittals[year] = serial
        number = f"{year:02d}-{serial}" if serial <= 999 else None
        notified_on = at.date()
        return (
            pk, number, purchaser, notified_on, totals["mde_value"], totals["total_value"],
            "Synthetic 36(b) notification.", False, at,
        )  # fmt: skip


def _totals(lines: list[dict]) -> dict:
    costs = [(line["quantity"] * line["unit_cost"], line) for line in lines]
    return {
        "total_value": sum((cost for cost, _ in costs), Decimal("0.00")),
        "mde_value": sum((cost for cost, line in costs if line["is_mde"]), Decimal("0.00")),
        "design_construction_value": sum(
            (cost for cost, line in costs if line["category"] == "design_construction"), Decimal("0.00")
        ),
    }


class Clock:
    """Event times of one case: strictly increasing, hours to days apart, in UTC with microseconds."""

    def __init__(self, rng: random.Random, start: dt.datetime):
        self.rng, self.now = rng, start

    def tick(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=self.rng.randint(600, 3 * 86400), microseconds=self.rng.randint(0, 999_999))
        return self.now

    def wait_days(self, days: int) -> None:
        self.now += dt.timedelta(days=days)


class Chain:
    """A case's ledger as event rows, hashed link by link like services._append_event."""

    def __init__(self, teller: StoryTeller, case_pk: int, case_id: str, created: dt.datetime):
        self.teller, self.case_pk, self.case_id = teller, case_pk, case_id
        self.prev = ledger.GENESIS
        self.events: list[tuple] = []
        self.first_at = created

    def append(self, line, action, from_status, to_status, actor, comment, at, content_digest) -> None:
        if not self.events:
            at = self.first_at  # the create event is the case's creation
        fields = {
            "seq": len(self.events) + 1,
            "action": action,
            "from_status": from_status,
            "to_status": to_status,
            "actor_id": actor[0],
            "actor_name": actor[1],
            "comment": comment,
            "occurred_at": at,
            "content_digest": content_digest,
            "prev_hash": self.prev,
        }
        digest = ledger.event_hash(case_id=self.case_id, line_number=line["line_number"] if line else None, **fields)
        ids = self.teller.ids
        self.events.append(
            (
                ids.event, self.case_pk, line["pk"] if line else None, fields["seq"], action, from_status, to_status,
                actor[0], actor[1], comment, at, content_digest, self.prev, digest, self.teller.txid,
            )  # fmt: skip
        )
        ids.event += 1
        self.prev = digest

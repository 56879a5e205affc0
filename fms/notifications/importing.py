"""Drafts from published texts (DESIGN §4.4): the parser's fields resolved to rows, then saved as
draft notifications by the services. What cannot be resolved is a warning in the preview and a
refusal naming the field when saving; nothing is guessed."""

from dataclasses import dataclass, field

from django.db import transaction

from fms.accounts.models import User
from fms.core.errors import ValidationFailed
from fms.notifications import parsing, services
from fms.notifications.errors import TransmittalAlreadyRecorded
from fms.notifications.models import CongressionalNotification
from fms.reference.models import ImplementingAgency, Purchaser

# The Military Department a text names → the implementing agency code (B Army, D Air Force, P Navy).
DEPARTMENT_AGENCY = {"Army": "B", "Air Force": "D", "Navy": "P"}
# How the published texts name purchasers when it is not the purchaser table's name.
PURCHASER_VARIANTS = {
    "korea": "Republic of Korea",
    "south korea": "Republic of Korea",
    "the republic of korea": "Republic of Korea",
    "great britain": "United Kingdom",
    "the united kingdom": "United Kingdom",
    "united kingdom of great britain and northern ireland": "United Kingdom",
    "kingdom of saudi arabia": "Saudi Arabia",
    "state of qatar": "Qatar",
    "state of kuwait": "Kuwait",
    "state of israel": "Israel",
    "arab republic of egypt": "Egypt",
    "federal republic of germany": "Germany",
    "commonwealth of australia": "Australia",
    "republic of finland": "Finland",
    "kingdom of sweden": "Sweden",
}


@dataclass
class Draft:
    """A parsed notification and the rows its names resolved to."""

    parsed: parsing.ParsedNotification
    purchaser: Purchaser | None = None
    agency: ImplementingAgency | None = None
    original: CongressionalNotification | None = None
    warnings: list[str] = field(default_factory=list)
    saved: CongressionalNotification | None = None


def purchaser_named(name: str | None) -> Purchaser | None:
    if not name:
        return None
    key = " ".join(name.lower().split())
    key = key.removeprefix("government of ").removeprefix("the ")
    wanted = PURCHASER_VARIANTS.get(key, key)
    return Purchaser.objects.filter(name__iexact=wanted).first()


def resolve(text: str) -> list[Draft]:
    """Parse and resolve; raises parsing.NothingRecognised when the text holds no notification."""
    drafts = []
    for parsed in parsing.parse(text):
        draft = Draft(parsed, warnings=list(parsed.warnings))
        draft.purchaser = purchaser_named(parsed.purchaser_name)
        if parsed.purchaser_name and draft.purchaser is None:
            draft.warnings.append(f"purchaser: {parsed.purchaser_name!r} is not in the purchaser table")
        if parsed.military_department:
            draft.agency = ImplementingAgency.objects.filter(code=DEPARTMENT_AGENCY[parsed.military_department]).first()
        if parsed.original:
            draft.original = CongressionalNotification.objects.filter(transmittal_number=parsed.original).first()
            if draft.original is None:
                draft.warnings.append(f"original: 36(b)(1) transmittal {parsed.original} is not recorded")
        number = parsed.transmittal_number
        if number and CongressionalNotification.objects.filter(transmittal_number=number).exists():
            draft.warnings.append(f"transmittal number: {number} is already recorded")
        drafts.append(draft)
    return drafts


@transaction.atomic
def import_notifications(*, actor: User, text: str) -> list[Draft]:
    """Save every notification of the text as a draft, or none: a transmittal number already recorded
    is a conflict (409); a name that did not resolve is a 400 naming the field."""
    drafts = resolve(text)
    for index, draft in enumerate(drafts, start=1):
        p = draft.parsed
        if (
            p.transmittal_number
            and CongressionalNotification.objects.filter(transmittal_number=p.transmittal_number).exists()
        ):
            raise TransmittalAlreadyRecorded(
                f"Transmittal {p.transmittal_number} is already recorded: nothing was imported.",
                errors={"transmittal_number": [f"{p.transmittal_number} is already recorded."]},
            )
        missing = {}
        if draft.purchaser is None:
            missing["purchaser"] = [f"Notification {index}: no purchaser found ({p.purchaser_name or 'not named'})."]
        if p.kind is None:
            missing["kind"] = [f"Notification {index}: the section (36(b)(1), (5)(A) or (5)(C)) was not found."]
        if p.original and draft.original is None:
            missing["original"] = [f"Notification {index}: the original {p.original} is not recorded."]
        if missing:
            raise ValidationFailed(missing)
        draft.saved = services.notification_create(
            actor=actor,
            purchaser=draft.purchaser,
            kind=p.kind,
            original=draft.original,
            transmittal_number=p.transmittal_number,
            implementing_agency=draft.agency,
            notified_on=p.notified_on,
            mde_value=p.mde_value,
            non_mde_value=p.non_mde_value,
            total_value=p.total_value,
            description=p.description,
            source_text=p.source_text,
        )
    return drafts


def draft_as_dict(draft: Draft) -> dict:
    p = draft.parsed

    def money(value):
        return None if value is None else str(value)

    return {
        "id": draft.saved.pk if draft.saved else None,
        "transmittal_number": p.transmittal_number,
        "kind": p.kind,
        "original": p.original,
        "purchaser": draft.purchaser.code if draft.purchaser else None,
        "implementing_agency": draft.agency.code if draft.agency else None,
        "notified_on": p.notified_on.isoformat() if p.notified_on else None,
        "mde_value": money(p.mde_value),
        "non_mde_value": money(p.non_mde_value),
        "total_value": money(p.total_value),
        "description": p.description,
        "warnings": draft.warnings,
    }

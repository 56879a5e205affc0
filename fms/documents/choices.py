"""Kinds, statuses and markers of LOA documents; stored values equal their API values."""

from django.db import models


class DocumentKind(models.TextChoices):
    BASIC = "basic", "Basic LOA"
    AMENDMENT = "amendment", "Amendment"
    MODIFICATION = "modification", "Modification"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"
    ISSUED = "issued", "Issued"


class LineChange(models.TextChoices):
    ADDED = "added", "Added"
    CHANGED = "changed", "Changed"
    REMOVED = "removed", "Removed"
    UNCHANGED = "unchanged", "Unchanged"


class AcceptanceMethod(models.TextChoices):
    ONLINE = "online", "Online, by a purchaser officer"
    COUNTERSIGNED_COPY = "countersigned_copy", "Countersigned copy entered by staff"


# A document whose content is frozen: its lines, notes, figures and hash never change again.
FROZEN_STATUSES = (DocumentStatus.OFFERED, DocumentStatus.ACCEPTED, DocumentStatus.EXPIRED, DocumentStatus.ISSUED)
# Statuses a document leaves no more.
FINAL_STATUSES = (DocumentStatus.ACCEPTED, DocumentStatus.EXPIRED, DocumentStatus.WITHDRAWN, DocumentStatus.ISSUED)
# The statuses in which a document is the one in force (or was, before a later one).
EFFECTIVE_STATUSES = (DocumentStatus.ACCEPTED, DocumentStatus.ISSUED)

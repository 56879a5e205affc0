"""Kinds, statuses and change states of 36(b) notifications; stored values equal their API values."""

from django.db import models


class NotificationKind(models.TextChoices):
    # AECA 36(b)(1) (22 U.S.C. 2776(b)(1)): the numbered certification of a proposed sale.
    CERTIFICATION = "36b1", "36(b)(1) certification"
    # 36(b)(5)(A): a report of an enhancement or upgrade of the technology or capability certified.
    ENHANCEMENT_REPORT = "36b5a", "36(b)(5)(A) enhancement or upgrade report"
    # 36(b)(5)(C): a new certification for an enhancement or upgrade that meets a threshold itself.
    ENHANCEMENT_CERTIFICATION = "36b5c", "36(b)(5)(C) new certification for an enhancement"


class NotificationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    NOTIFIED = "notified", "Notified"


class ChangeStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"

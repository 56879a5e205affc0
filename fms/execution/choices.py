"""Kinds and statuses of the execution records; stored values equal their API values."""

from django.db import models


class SdrKind(models.TextChoices):
    SHORTAGE = "shortage", "Shortage"
    OVERAGE = "overage", "Overage"
    DAMAGE = "damage", "Damage"
    WRONG_ITEM = "wrong_item", "Wrong item"
    QUALITY = "quality", "Quality deficiency"


class SdrStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    RESOLVED = "resolved", "Resolved"


class SdrResolution(models.TextChoices):
    CREDIT = "credit", "Credit"
    REPLACEMENT = "replacement", "Replacement"
    DENIED = "denied", "Denied"


class TransactionKind(models.TextChoices):
    OBLIGATION = "obligation", "Obligation"
    EXPENDITURE = "expenditure", "Expenditure"
    BILLING = "billing", "Billing"
    COLLECTION = "collection", "Collection"
    DEPOSIT = "deposit", "Deposit"


OPEN_SDR_STATUSES = (SdrStatus.SUBMITTED, SdrStatus.UNDER_REVIEW)
# DSCA policy memo 04-47: an SDR below $200 is not processed, except for a wrong item or a quality
# deficiency, which are reported whatever their value.
SDR_MINIMUM_VALUE_EXEMPT = (SdrKind.WRONG_ITEM, SdrKind.QUALITY)
# Money received from the purchaser: what "collected" sums on a statement (an initial deposit is cash
# received with acceptance, applied against later billings).
RECEIVED_KINDS = (TransactionKind.COLLECTION, TransactionKind.DEPOSIT)
# What finance records by hand (the rest comes from DFAS imports).
RECEIPT_KINDS = [(TransactionKind.DEPOSIT.value, "Deposit"), (TransactionKind.COLLECTION.value, "Collection")]

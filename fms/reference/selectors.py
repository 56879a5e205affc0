"""Reads of reference data that depend on a date."""

import datetime as dt

from django.db.models import Q

from fms.reference.models import Purchaser, PurchaserReviewGroup


def review_group_on(*, purchaser: Purchaser, on: dt.date) -> str:
    """The purchaser's 36(b) review group in force on a date: its dated row, or (for a purchaser
    without dated rows) its group today."""
    row = (
        PurchaserReviewGroup.objects.filter(purchaser=purchaser, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .values_list("review_group", flat=True)
        .first()
    )
    return row or purchaser.review_group

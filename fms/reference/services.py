"""Writes of reference data that keep history."""

import datetime as dt

from django.db import transaction

from fms.core.errors import ValidationFailed
from fms.reference.codes import ReviewGroup
from fms.reference.models import Purchaser, PurchaserReviewGroup


@transaction.atomic
def purchaser_review_group_change(
    *, purchaser: Purchaser, review_group: str, valid_from: dt.date, source: str = ""
) -> PurchaserReviewGroup:
    """Move a purchaser to another 36(b) group from a date: the open period ends there, a new one
    starts, and the purchaser's group today follows. Records made before keep the group they took."""
    if review_group not in ReviewGroup.values:
        raise ValidationFailed({"review_group": [f"One of {', '.join(ReviewGroup.values)}."]})
    purchaser = Purchaser.objects.select_for_update().get(pk=purchaser.pk)
    current = PurchaserReviewGroup.objects.filter(purchaser=purchaser, valid_to__isnull=True).first()
    if current is not None:
        if valid_from <= current.valid_from:
            raise ValidationFailed(
                {"valid_from": [f"The group in force began on {current.valid_from.isoformat()}; start after it."]}
            )
        current.valid_to = valid_from
        current.save(update_fields=["valid_to"])
    row = PurchaserReviewGroup.objects.create(
        purchaser=purchaser, review_group=review_group, valid_from=valid_from, source=source
    )
    purchaser.review_group = review_group
    purchaser.save(update_fields=["review_group"])
    return row

"""The AECA 36(b) rule: thresholds by review group, boundaries to the cent, review periods."""

import datetime as dt
from decimal import Decimal

import pytest

from fms.cases import rules
from fms.cases.choices import ReviewGroup

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

THRESHOLDS = [
    # group, which value, threshold
    (ReviewGroup.NATO_PLUS_5, "mde_value", Decimal("25000000.00")),
    (ReviewGroup.NATO_PLUS_5, "total_value", Decimal("100000000.00")),
    (ReviewGroup.NATO_PLUS_5, "design_construction_value", Decimal("300000000.00")),
    (ReviewGroup.OTHER, "mde_value", Decimal("14000000.00")),
    (ReviewGroup.OTHER, "total_value", Decimal("50000000.00")),
    (ReviewGroup.OTHER, "design_construction_value", Decimal("200000000.00")),
    (ReviewGroup.NATO_ORG, "mde_value", Decimal("14000000.00")),
    (ReviewGroup.NATO_ORG, "total_value", Decimal("50000000.00")),
    (ReviewGroup.NATO_ORG, "design_construction_value", Decimal("200000000.00")),
]


def required(group: str, which: str, amount: Decimal) -> bool:
    values = {"mde_value": ZERO, "total_value": ZERO, "design_construction_value": ZERO, which: amount}
    return rules.notification_required(review_group=group, **values)


@pytest.mark.parametrize(("group", "which", "threshold"), THRESHOLDS)
def test_notification_is_required_at_the_threshold_and_above_not_a_cent_below(group, which, threshold):
    assert required(group, which, threshold - CENT) is False
    assert required(group, which, threshold) is True
    assert required(group, which, threshold + CENT) is True


def test_nothing_below_every_threshold_requires_notification():
    assert not rules.notification_required(
        review_group=ReviewGroup.OTHER,
        mde_value=Decimal("13999999.99"),
        total_value=Decimal("49999999.99"),
        design_construction_value=Decimal("199999999.99"),
    )


def test_japan_demo_values_require_notification():
    assert rules.notification_required(
        review_group=ReviewGroup.NATO_PLUS_5,
        mde_value=Decimal("90000000.00"),
        total_value=Decimal("133300000.00"),
        design_construction_value=ZERO,
    )


@pytest.mark.parametrize(
    ("group", "days"), [(ReviewGroup.NATO_PLUS_5, 15), (ReviewGroup.NATO_ORG, 15), (ReviewGroup.OTHER, 30)]
)
def test_formal_review_period_by_group(group, days):
    assert rules.formal_review_days(group) == days
    assert rules.review_ends_on(notified_on=dt.date(2018, 1, 9), review_group=group) == dt.date(
        2018, 1, 9
    ) + dt.timedelta(days=days)


def test_offer_expires_85_days_after_the_offer():
    assert rules.offer_expiry(dt.date(2026, 1, 1)) == dt.date(2026, 3, 27)


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        (rules.CASE_ID_PATTERN, ["JA-P-SAA", "KS-D-QAB", "AT-B-001"], ["JA-P-SA", "JA-PP-SAA", "ja-p-saa"]),
        (rules.LINE_NUMBER_PATTERN, ["001", "010", "999"], ["000", "1", "1000"]),
        (rules.MASL_PATTERN, ["ABC1234567890123"], ["ABC123", "abc1234567890123"]),
        (rules.TRANSMITTAL_NUMBER_PATTERN, ["18-1", "18-12", "18-123"], ["18-1234", "2018-1", "18-"]),
    ],
)
def test_identifier_formats(pattern, good, bad):
    import re

    assert all(re.fullmatch(pattern, value) for value in good)
    assert not any(re.fullmatch(pattern, value) for value in bad)

"""The AECA 36(b) rule: thresholds by review group, boundaries to the cent, review periods."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from fms.cases import rules
from fms.reference import codes
from fms.reference.codes import ReviewGroup

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


def test_offer_expires_85_days_after_the_offer():
    assert rules.offer_expiry(dt.date(2026, 1, 1)) == dt.date(2026, 3, 27)


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        (
            rules.CASE_ID_PATTERN,
            ["JA-P-SAA", "KS-D-QAB", "AT-B-001", "N1-P-0Z9"],
            ["JA-P-SA", "JA-P-SAAA", "JA-PP-SAA", "ja-p-saa", "JA-1-SAA", "JA_P_SAA", "JAP-SAA", " JA-P-SAA"],
        ),
        (codes.PURCHASER_CODE_PATTERN, ["JA", "K5", "00"], ["J", "JAP", "ja", "J-"]),
        (codes.AGENCY_CODE_PATTERN, ["B", "D", "P"], ["", "BD", "b", "1"]),
        (rules.LINE_NUMBER_PATTERN, ["001", "009", "010", "099", "100", "999"], ["000", "1", "01", "1000", "00a"]),
        # MASL: 3-character generic code + 13-character number = 16 characters exactly.
        (
            rules.MASL_PATTERN,
            ["ABC1234567890123", "0000000000000000", "ZZZZZZZZZZZZZZZZ", "IOX1234567890123"],
            [
                "ABC123456789",
                "ABC123456789012",
                "ABC12345678901234",
                "abc1234567890123",
                "ABC-234567890123",
                "ABC12345678901O3",  # the 13-character number never holds O or I
                "ABCI234567890123",
            ],
        ),
        (rules.UNIT_OF_ISSUE_PATTERN, ["EA", "LO", "SE"], ["E", "LOT", "ea", "E1", "", "E "]),
    ],
)
def test_identifier_formats(pattern, good, bad):
    assert [value for value in good if not re.fullmatch(pattern, value)] == []
    assert [value for value in bad if re.fullmatch(pattern, value)] == []


@pytest.mark.parametrize(("length", "valid"), [(12, False), (15, False), (16, True), (17, False)])
def test_masl_is_sixteen_characters(length, valid):
    assert bool(re.fullmatch(rules.MASL_PATTERN, "M" * length)) is valid


def test_money_is_numeric_15_2():
    # NUMERIC(15,2) as written in DESIGN §3: the largest amount has 13 digits before the point.
    assert (rules.MONEY_MAX_DIGITS, rules.MONEY_DECIMAL_PLACES) == (15, 2)
    assert Decimal("9999999999999.99") == rules.MONEY_MAX


def test_offer_validity_is_85_days():
    assert rules.OFFER_VALIDITY_DAYS == 85


@pytest.mark.parametrize(
    ("typed", "stored", "problem"),
    [
        ("abc-123 4567 890123", "ABC1234567890123", None),
        ("", "", None),
        (
            "ABC12345678901O3",
            "ABC12345678901O3",
            "The 13-character MASL number never contains the letters O or I (write 0 and 1).",
        ),
        ("IOC1234567890123", "IOC1234567890123", None),
        # The number starts at the fourth character: an O there is the number's, not the code's.
        (
            "ABCO234567890123",
            "ABCO234567890123",
            "The 13-character MASL number never contains the letters O or I (write 0 and 1).",
        ),
        (
            "ABC123",
            "ABC123",
            "A MASL is a 3-character generic code and a 13-character number (spaces and dashes are ignored).",
        ),
        (
            "ABC1234567890I23X",
            "ABC1234567890I23X",
            "A MASL is a 3-character generic code and a 13-character number (spaces and dashes are ignored).",
        ),
    ],
)
def test_masl_as_typed_and_why_it_is_refused(typed, stored, problem):
    assert rules.normalise_masl(typed) == stored
    assert rules.masl_problem(stored) == problem


@pytest.mark.parametrize(
    ("values", "problems"),
    [
        ({"title": "T" * 200, "description": "D" * 10_000, "notes": "N" * 20_000, "comment": "C" * 10_000}, {}),
        ({"title": "T" * 201}, {"title": ["At most 200 characters (201 given)."]}),
        (
            {"description": "D" * 10_001, "notes": "N" * 20_001, "comment": "C" * 12_345},
            {
                "description": ["At most 10,000 characters (10,001 given)."],
                "notes": ["At most 20,000 characters (20,001 given)."],
                "comment": ["At most 10,000 characters (12,345 given)."],
            },
        ),
        # Fields without a limit, and values that are not text, are not this rule's business.
        ({"masl": "M" * 30_000, "title": None, "notes": 10**30}, {}),
    ],
)
def test_text_over_its_limit_is_named_with_the_limit_and_the_length(values, problems):
    assert rules.text_over_limit(values) == problems

"""The pure 36(b) rules: numbers per kind, values, Washington dates, room (DESIGN §4.4)."""

import datetime as dt
from decimal import Decimal

import pytest

from fms.notifications import rules
from fms.notifications.choices import NotificationKind as K

M = Decimal("1000000")


@pytest.mark.parametrize(
    ("kind", "number", "fits"),
    [
        (K.CERTIFICATION, "18-40", True),
        (K.CERTIFICATION, "19-5", True),
        (K.CERTIFICATION, "23-104", True),
        (K.CERTIFICATION, "23-1040", False),
        (K.CERTIFICATION, "0P-22", False),
        (K.CERTIFICATION, "22-0B", False),
        (K.CERTIFICATION, "2019-54", False),
        (K.ENHANCEMENT_REPORT, "0P-22", True),
        (K.ENHANCEMENT_REPORT, "0G-23", True),
        (K.ENHANCEMENT_REPORT, "18-40", False),
        (K.ENHANCEMENT_REPORT, "0p-22", False),
        (K.ENHANCEMENT_CERTIFICATION, "22-0B", True),
        (K.ENHANCEMENT_CERTIFICATION, "0P-22", False),
        (K.ENHANCEMENT_CERTIFICATION, "22-B0", False),
    ],
)
def test_each_kind_has_its_transmittal_pattern(kind, number, fits):
    assert (rules.transmittal_problem(kind, number) is None) is fits


def test_an_unknown_number_is_allowed_for_every_kind():
    assert all(rules.transmittal_problem(kind, None) is None for kind in K.values)


@pytest.mark.parametrize(
    ("mde", "non_mde", "total", "field"),
    [
        (Decimal("40.00"), Decimal("60.00"), Decimal("100.00"), None),
        (None, None, Decimal("100.00"), None),
        (Decimal("40.00"), None, Decimal("100.00"), None),
        (Decimal("40.00"), Decimal("60.01"), Decimal("100.00"), "total_value"),
        (Decimal("100.01"), None, Decimal("100.00"), "mde_value"),
        (None, Decimal("60.00"), Decimal("100.00"), "mde_value"),
    ],
)
def test_values_add_up(mde, non_mde, total, field):
    problems = rules.values_problems(mde, non_mde, total)
    assert list(problems) == ([field] if field else [])


def test_nato_plus_5_total_threshold_is_met_by_the_estimated_total_not_the_line_sum():
    lines = Decimal("97000000.00")
    surcharge = (lines * Decimal("0.032")).quantize(Decimal("0.01"))  # 3.2% from 1 June 2018
    limits = rules.NOTIFICATION_THRESHOLDS[rules.NATO_PLUS_5]
    zero = Decimal("0.00")

    assert not rules.notification_required(
        thresholds=limits, mde_value=zero, total_value=lines, design_construction_value=zero
    )
    assert rules.notification_required(
        thresholds=limits, mde_value=zero, total_value=lines + surcharge, design_construction_value=zero
    )


@pytest.mark.parametrize(("group", "days"), [(rules.NATO_PLUS_5, 15), (rules.OTHER, 30), (rules.NATO_ORG, 15)])
def test_formal_review_days_per_group(group, days):
    assert rules.NOTIFICATION_THRESHOLDS[group].formal_review_days == days


def test_review_ends_in_washington_not_utc():
    ends = rules.review_ends_on(dt.date(2018, 1, 9), 15)
    last_evening = dt.datetime(2018, 1, 24, 23, 30, tzinfo=rules.WASHINGTON)  # 04:30 UTC on the 25th
    midnight = dt.datetime(2018, 1, 25, 0, 0, tzinfo=rules.WASHINGTON)

    assert ends == dt.date(2018, 1, 24)
    assert last_evening.astimezone(dt.UTC).date() == dt.date(2018, 1, 25)
    assert rules.review_running(review_ends_on=ends, today=rules.washington_today(last_evening))
    assert not rules.review_running(review_ends_on=ends, today=rules.washington_today(midnight))


def test_informal_review_is_twenty_days():
    assert rules.informal_review_ends_on(dt.date(2024, 1, 1)) == dt.date(2024, 1, 21)


ROOM = rules.Room(
    total_value=Decimal("133300000.00"),
    mde_value=Decimal("50000000.00"),
    committed_value=Decimal("100000000.00"),
    committed_mde_value=Decimal("40000000.00"),
)
NOTHING = (Decimal("0.00"), Decimal("0.00"))


def test_room_is_what_the_notification_covers_less_what_cases_use():
    assert ROOM.remaining_value == Decimal("33300000.00")
    assert ROOM.remaining_mde_value == Decimal("10000000.00")


def test_a_document_filling_the_room_to_the_cent_fits_and_one_cent_more_does_not():
    exactly = Decimal("33300000.00")

    assert rules.room_problems(ROOM, value=exactly, mde_value=Decimal("0"), replaces=NOTHING) == []
    (problem,) = rules.room_problems(ROOM, value=exactly + Decimal("0.01"), mde_value=Decimal("0"), replaces=NOTHING)
    assert problem == (
        "its estimated total $33,300,000.01 exceeds the $33,300,000.00 that remains of the notified "
        "$133,300,000.00 ($100,000,000.00 used by other cases)"
    )


def test_an_amendment_replaces_what_its_case_used():
    replaces = (Decimal("100000000.00"), Decimal("40000000.00"))

    assert (
        rules.room_problems(ROOM, value=Decimal("133300000.00"), mde_value=Decimal("50000000.00"), replaces=replaces)
        == []
    )


def test_mde_room_is_checked_when_known_and_not_when_unknown():
    over_mde = {"value": Decimal("1.00"), "mde_value": Decimal("10000000.01"), "replaces": NOTHING}
    unknown = rules.Room(ROOM.total_value, None, ROOM.committed_value, ROOM.committed_mde_value)

    assert "MDE value $10,000,000.01" in rules.room_problems(ROOM, **over_mde)[0]
    assert rules.room_problems(unknown, **over_mde) == []
    assert unknown.remaining_mde_value is None

"""The import parser reads each fixture to exactly these fields (DESIGN §4.4): what a text does not
say stays empty and is listed as a warning."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from fms.notifications import parsing

FIXTURES = Path(__file__).parent / "fixtures"
FIELDS = (
    "transmittal_number",
    "kind",
    "original",
    "purchaser_name",
    "military_department",
    "mde_value",
    "non_mde_value",
    "total_value",
    "notified_on",
)

EXPECTED = {
    "cr_36b1_japan_19-54.txt": [
        (
            ("19-54", "36b1", None, "Government of Japan", "Navy", Decimal("0.00"), Decimal("140000000.00"),
             Decimal("140000000.00"), dt.date(2019, 10, 1)),
            [],
        ),
    ],
    "cr_two_notifications.txt": [
        (
            ("23-41", "36b1", None, "Government of Australia", "Army", Decimal("1200000000.00"),
             Decimal("350000000.00"), Decimal("1550000000.00"), dt.date(2023, 6, 12)),
            [],
        ),
        (
            ("23-7", "36b1", None, "Government of Kuwait", "Air Force", Decimal("62500000.00"),
             Decimal("70800000.00"), Decimal("133300000.00"), dt.date(2023, 6, 14)),
            [],
        ),
    ],
    "cr_36b5a_finland_0G-23.txt": [
        (
            ("0G-23", "36b5a", "20-76", "Government of Finland", "Navy", Decimal("9400000000.00"), None,
             Decimal("14700000000.00"), dt.date(2023, 5, 8)),
            ["values: as stated for the original certification (no increase reported)", "non-MDE value: not found"],
        ),
    ],
    "cr_36b5c_saudi_22-0B.txt": [
        (
            ("22-0B", "36b5c", "19-08", "Kingdom of Saudi Arabia", "Army", Decimal("2350000000.00"), None,
             Decimal("3050000000.00"), dt.date(2022, 2, 3)),
            ["non-MDE value: not found"],
        ),
    ],
    "dsca_press_japan_sm3_2018.txt": [
        (
            (None, "36b1", None, "Government of Japan", None, None, None, Decimal("133300000.00"),
             dt.date(2018, 1, 9)),
            ["MDE value: not found", "non-MDE value: not found", "transmittal number: not found",
             "military department: not found"],
        ),
    ],
    "dsca_press_qatar_24-17.txt": [
        (
            ("24-17", "36b1", None, "Government of Qatar", None, None, None, Decimal("1960000000.00"),
             dt.date(2024, 3, 21)),
            ["MDE value: not found", "non-MDE value: not found", "military department: not found"],
        ),
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_fixture_gives_exactly_its_fields(name):
    text = (FIXTURES / name).read_text()

    found = parsing.parse(text)

    assert [(tuple(getattr(p, f) for f in FIELDS), p.warnings) for p in found] == EXPECTED[name]
    assert all(p.description for p in found)


def test_two_notifications_in_one_text_keep_their_own_source_text():
    first, second = parsing.parse((FIXTURES / "cr_two_notifications.txt").read_text())

    assert "Transmittal No. 23-41" in first.source_text
    assert "23-7" not in first.source_text
    assert second.source_text.startswith("Dear Mr. Chairman")
    assert "Kuwait" in second.source_text
    assert first.description.startswith("Major Defense Equipment (MDE): Twenty-nine (29)")


@pytest.mark.parametrize(
    ("words", "unit", "dollars"),
    [
        ("140", "million", "140000000.00"),
        ("133.3", "million", "133300000.00"),
        ("1.55", "billion", "1550000000.00"),
        (".35", "billion", "350000000.00"),
        ("23.11", "Billion", "23110000000.00"),
        ("1,250,000", None, "1250000.00"),
    ],
)
def test_money_in_the_published_forms_is_exact(words, unit, dollars):
    assert parsing.money(words, unit) == Decimal(dollars)


def test_values_that_do_not_add_up_are_a_warning_not_a_correction():
    text = (
        (FIXTURES / "cr_36b1_japan_19-54.txt")
        .read_text()
        .replace("Other ........................................ $140", "Other $139")
    )

    (parsed,) = parsing.parse(text)

    assert parsed.non_mde_value == Decimal("139000000.00")
    assert parsed.total_value == Decimal("140000000.00")
    assert parsed.warnings == ["values: MDE 0.00 + other 139000000.00 is not the total 140000000.00"]


@pytest.mark.parametrize("text", ["", "   ", "Lorem ipsum dolor sit amet.", "The Senate met at 10 a.m. $5 million."])
def test_a_text_without_a_notification_says_what_was_looked_for(text):
    with pytest.raises(parsing.NothingRecognised) as refused:
        parsing.parse(text)

    assert refused.value.looked_for == parsing.LOOKED_FOR
    assert "Transmittal No." in str(refused.value)
    assert "Prospective Purchaser" in str(refused.value)

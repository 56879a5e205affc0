"""LOA pricing, word for word and to the cent: each refusal's exact message and field, and schedules and
summaries whose every figure is written here (computed by hand), so that a slip in fms/documents/pricing.py
that the generated properties of test_pricing.py would let through fails here."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from fms.documents import pricing
from fms.documents.pricing import DatedRate, PricedLine, PricingError

D = Decimal
ON = dt.date(2026, 11, 30)


def stock(value: str, number: str = "001", dtc: str = "4", **kwargs) -> PricedLine:
    return PricedLine(number, D(value), source_code="S", delivery_term_code=dtc, **kwargs)


def refusal(call, *args, **kwargs) -> tuple[str, str]:
    with pytest.raises(PricingError) as refused:
        call(*args, **kwargs)
    return str(refused.value), refused.value.field


# ---- Entered and computed amounts: whole non-negative cents, named with their field --------------


@pytest.mark.parametrize(
    ("lines", "entered", "message", "field"),
    [
        ([stock("10.005")], {}, "The net estimated cost must be a non-negative amount in whole cents.", "lines"),
        (
            [stock("10.00")],
            {"packing_crating_handling": D("-0.01")},
            "Packing, crating and handling must be a non-negative amount in whole cents.",
            "packing_crating_handling",
        ),
        (
            [stock("10.00")],
            {"transportation": D("1.001")},
            "Transportation must be a non-negative amount in whole cents.",
            "transportation",
        ),
        ([stock("10.00")], {"other": D("-5.00")}, "Other must be a non-negative amount in whole cents.", "other"),
    ],
)
def test_a_summary_refuses_an_amount_that_is_not_whole_cents_naming_it(lines, entered, message, field):
    assert refusal(pricing.cost_summary, lines, priced_on=ON, **entered) == (message, field)


def test_a_schedule_refuses_a_total_that_is_not_whole_cents_naming_it():
    assert refusal(pricing.payment_schedule, [stock("10.00")], total=D("10.001"), starts_on=ON) == (
        "The total must be a non-negative amount in whole cents.",
        "total_estimated_cost",
    )


def test_a_missing_transportation_estimate_names_every_line_the_united_states_carries():
    lines = [stock("1.00", "001", dtc="8"), stock("1.00", "002", dtc="4"), stock("1.00", "003", dtc="5")]
    assert refusal(pricing.cost_summary, lines, priced_on=ON) == (
        "Enter the transportation estimate: lines 001, 003 have a delivery term code under which the United States "
        "transports the materiel.",
        "transportation",
    )


# ---- Dated rates ------------------------------------------------------------------------------------


def test_a_date_before_the_surcharge_table_is_refused_naming_the_offer_date():
    assert refusal(pricing.cost_summary, [stock("1.00")], priced_on=dt.date(2012, 7, 31)) == (
        "No administrative surcharge rate is recorded for 2012-07-31 (the table starts 2012-08-01).",
        "offered_on",
    )


def test_a_date_before_the_cas_table_is_refused_naming_cas(monkeypatch):
    # The surcharge table starts later than the CAS table; with an earlier surcharge rate (3.8%, before
    # August 2012) a date before 1 October 2002 reaches the CAS table's own refusal.
    earlier = (DatedRate(dt.date(2000, 1, 1), D("0.038"), "3.8%"), *pricing.ADMINISTRATIVE_SURCHARGE_RATES)
    monkeypatch.setattr(pricing, "ADMINISTRATIVE_SURCHARGE_RATES", earlier)
    assert refusal(pricing.cost_summary, [stock("1.00")], priced_on=dt.date(2002, 9, 30)) == (
        "No CAS rate is recorded for 2002-09-30 (the table starts 2002-10-01).",
        "offered_on",
    )


@pytest.mark.parametrize(
    ("on", "rate"),
    [(dt.date(2014, 11, 5), "0.015"), (dt.date(2014, 11, 6), "0.012"), (dt.date(2020, 2, 1), "0.010")],
)
def test_the_cas_rate_in_force_is_the_last_one_started(on, rate):
    assert pricing.rate_on(pricing.CAS_RATES, on, name="CAS") == D(rate)


# ---- Rounding: half-up to the cent, for exact fractions too ---------------------------------------


@pytest.mark.parametrize(
    ("amount", "cents"),
    [
        (Fraction(1, 200), "0.01"),  # half a cent: up
        (Fraction(11, 2000), "0.01"),  # 0.0055
        (Fraction(1, 300), "0.00"),  # a third of a cent: down
        (Fraction(499, 100000), "0.00"),  # 0.00499
        (Fraction(123456789, 1000), "123456.79"),  # 123456.789
        (D("2.345"), "2.35"),
        (D("2.344"), "2.34"),
    ],
)
def test_round_cents_is_half_up(amount, cents):
    assert pricing.round_cents(amount) == D(cents)


# ---- Summaries and schedules computed by hand ------------------------------------------------------


def test_a_document_without_lines_costs_nothing_but_what_is_entered():
    summary = pricing.cost_summary([], priced_on=ON, packing_crating_handling=D("12.50"), other=D("0.50"))
    assert summary.as_dict() == {
        "net_estimated_cost": D("0.00"),
        "packing_crating_handling": D("12.50"),
        "transportation": D("0.00"),
        "administrative_surcharge": D("0.00"),
        "contract_administration": D("0.00"),
        "other": D("0.50"),
        "total_estimated_cost": D("13.00"),
    }


def test_a_summary_as_the_loa_shows_it():
    lines = [
        PricedLine("001", D("1000.00"), source_code="P", delivery_term_code="8"),
        PricedLine("002", D("2000.00"), source_code="X", delivery_term_code="4", procurement_share=D("0.25")),
    ]
    summary = pricing.cost_summary(
        lines, priced_on=ON, packing_crating_handling=D("10.00"), transportation=D("20.00"), other=D("1.00")
    )
    # Surcharge 3.2% of 3000.00 = 96.00; CAS 1.0% of (1000.00 + 25% of 2000.00) = 15.00.
    assert list(summary.as_dict().items()) == [
        ("net_estimated_cost", D("3000.00")),
        ("packing_crating_handling", D("10.00")),
        ("transportation", D("20.00")),
        ("administrative_surcharge", D("96.00")),
        ("contract_administration", D("15.00")),
        ("other", D("1.00")),
        ("total_estimated_cost", D("3142.00")),
    ]


def test_lines_delivered_in_the_same_months_add_up_in_those_months():
    # 1000.00 over months 0–1 (500.00 a month) and 90.00 over months 1–3 (30.00 a month): months 0–2
    # carry 1060.00 of the 1090.00, month 3 the rest. A total of 1200.00 is cut in that proportion:
    # 1200 × 1060 / 1090 = 1166.972… -> 1166.97 with the deposit, 33.03 on the first quarterly date.
    lines = [
        stock("1000.00", "001", delivery_from_months=0, delivery_to_months=1),
        stock("90.00", "002", delivery_from_months=1, delivery_to_months=3),
    ]
    rows = pricing.payment_schedule(lines, total=D("1200.00"), starts_on=dt.date(2019, 1, 10))
    assert [(r.due_on, r.amount, r.cumulative) for r in rows] == [
        (dt.date(2019, 1, 10), D("1166.97"), D("1166.97")),
        (dt.date(2019, 3, 15), D("33.03"), D("1200.00")),
    ]


# ---- An entered schedule: every refusal word for word, with its field ------------------------------


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [
                pricing.PaymentRow(ON, D("1.00"), D("1.00")),
                pricing.PaymentRow(dt.date(2027, 3, 15), D("0.99"), D("1.99")),
            ],
            "The payment schedule sums to 1.99, not the total estimated cost 2.00 (difference 0.01).",
        ),
        (
            [
                pricing.PaymentRow(ON, D("1.00"), D("1.00")),
                pricing.PaymentRow(dt.date(2027, 3, 15), D("1.00"), D("1.50")),
            ],
            "Payment row 2: cumulative 1.50 should be 2.00.",
        ),
    ],
)
def test_an_entered_schedule_that_does_not_add_up_is_refused_naming_the_schedule(rows, message):
    assert refusal(pricing.check_schedule, rows, D("2.00")) == (message, "payment_schedule")


@pytest.mark.parametrize(
    "lines",
    [[], [stock("0.00", delivery_from_months=3, delivery_to_months=9)]],
    ids=["no-lines", "lines-worth-nothing"],
)
def test_with_nothing_to_spread_the_whole_total_is_the_deposit(lines):
    assert pricing.payment_schedule(lines, total=D("12.00"), starts_on=ON) == [
        pricing.PaymentRow(ON, D("12.00"), D("12.00"))
    ]


def test_an_entered_schedule_may_hold_rows_of_nothing_and_of_less_than_a_dollar():
    rows = [
        pricing.PaymentRow(ON, D("0.00"), D("0.00")),
        pricing.PaymentRow(dt.date(2027, 3, 15), D("0.50"), D("0.50")),
        pricing.PaymentRow(dt.date(2027, 6, 15), D("1.50"), D("2.00")),
    ]
    assert pricing.check_schedule(rows, D("2.00")) is None


@pytest.mark.parametrize(("share", "cas"), [("0", "0.00"), ("1", "10.00")])
def test_a_procurement_share_of_exactly_0_or_1_is_accepted(share, cas):
    line = PricedLine("001", D("1000.00"), source_code="X", delivery_term_code="4", procurement_share=D(share))
    assert pricing.cost_summary([line], priced_on=ON).contract_administration == D(cas)

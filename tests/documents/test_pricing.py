"""The LOA cost summary and payment schedule: dated rates to the cent, CAS by source, exact sums."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fms.documents import pricing
from fms.documents.pricing import PricedLine, PricingError

D = Decimal
BEFORE_SWITCH = dt.date(2018, 5, 31)
SWITCH = dt.date(2018, 6, 1)


def stock(value: str, number: str = "001", **kwargs) -> PricedLine:
    return PricedLine(number, D(value), source_code="S", delivery_term_code="4", **kwargs)


def summary(lines, on, **entered):
    return pricing.cost_summary(lines, priced_on=on, **entered)


# ---- Administrative surcharge (DSCA 18-27) -------------------------------------------------------


@pytest.mark.parametrize(
    ("priced_on", "net", "expected"),
    [
        (BEFORE_SWITCH, "1000000.00", "35000.00"),  # 3.5% on the last day
        (SWITCH, "1000000.00", "32000.00"),  # 3.2% from 1 June 2018
        (BEFORE_SWITCH, "100.15", "3.51"),  # 3.50525
        (SWITCH, "100.15", "3.20"),  # 3.2048
        (BEFORE_SWITCH, "3.00", "0.11"),  # 0.105: half-up, not half-even (0.10)
        (SWITCH, "0.25", "0.01"),  # 0.008
        (dt.date(2012, 8, 1), "200.00", "7.00"),  # the table's first day
        (dt.date(2026, 11, 30), "133300000.00", "4265600.00"),
    ],
)
def test_the_surcharge_switches_from_3_5_to_3_2_percent_on_1_june_2018(priced_on, net, expected):
    assert summary([stock(net)], priced_on).administrative_surcharge == D(expected)


def test_an_offer_date_before_the_rate_table_is_refused_not_priced_at_a_guess():
    with pytest.raises(PricingError, match="No administrative surcharge rate is recorded for 2012-07-31"):
        summary([stock("100.00")], dt.date(2012, 7, 31))


# ---- CAS (DSCA 09-06) ------------------------------------------------------------------------------


def three_sources(**x_kwargs):
    return [
        PricedLine("001", D("1000.00"), source_code="S", delivery_term_code="4"),
        PricedLine("002", D("1000.00"), source_code="P", delivery_term_code="4"),
        PricedLine("003", D("1000.00"), source_code="X", delivery_term_code="4", **x_kwargs),
    ]


@pytest.mark.parametrize(
    ("priced_on", "expected"),
    [
        (dt.date(2014, 11, 5), "22.50"),  # 1.5% of P 1000 + half of X 1000
        (dt.date(2014, 11, 6), "18.00"),  # 1.2%
        (dt.date(2020, 1, 31), "18.00"),
        (dt.date(2020, 2, 1), "15.00"),  # 1.0%
    ],
)
def test_cas_applies_to_p_lines_and_half_of_x_lines_at_the_dated_rate(priced_on, expected):
    assert summary(three_sources(), priced_on).contract_administration == D(expected)


def test_cas_uses_the_known_procurement_share_of_an_x_line():
    result = summary(three_sources(procurement_share=D("0.1")), SWITCH)
    assert result.contract_administration == D("13.20")  # 1.2% × (1000 + 100)


@pytest.mark.parametrize("code", ["S", "R", "E", "F", ""])
def test_no_cas_on_lines_not_sourced_from_procurement(code):
    line = PricedLine("001", D("5000000.00"), source_code=code, delivery_term_code="4")
    assert summary([line], SWITCH).contract_administration == D("0.00")


def test_a_procurement_share_outside_0_to_1_is_refused():
    with pytest.raises(PricingError, match="Line 003: the procurement share must be between 0 and 1"):
        summary(three_sources(procurement_share=D("1.5")), SWITCH)


# ---- Accessorials --------------------------------------------------------------------------------


def test_transportation_must_be_entered_when_the_united_states_transports():
    carried = PricedLine("002", D("10.00"), source_code="S", delivery_term_code="8")
    with pytest.raises(PricingError, match="Enter the transportation estimate: lines 002 have"):
        summary([stock("10.00"), carried], SWITCH)
    result = summary([stock("10.00"), carried], SWITCH, transportation=D("5.00"))
    assert result.transportation == D("5.00")


def test_dtc_4_alone_means_no_us_transportation_charge():
    assert summary([stock("10.00")], SWITCH).transportation == D("0.00")


@pytest.mark.parametrize("amount", [D("-0.01"), D("1.001")])
def test_entered_amounts_must_be_whole_non_negative_cents(amount):
    with pytest.raises(PricingError, match="Packing, crating and handling must be a non-negative amount"):
        summary([stock("10.00")], SWITCH, packing_crating_handling=amount)


def test_the_total_is_the_sum_of_every_component():
    lines = [stock("1000.00"), PricedLine("002", D("2000.00"), source_code="P", delivery_term_code="4")]
    result = summary(lines, SWITCH, packing_crating_handling=D("10.00"), transportation=D("20.00"), other=D("0.07"))
    # 3000 + 10 + 20 + 96.00 surcharge + 24.00 CAS + 0.07
    assert result.total_estimated_cost == D("3150.07")


# ---- Payment schedule ----------------------------------------------------------------------------


def test_the_first_row_is_the_initial_deposit_due_with_acceptance():
    lines = [
        stock("300.00", "001", delivery_from_months=0, delivery_to_months=2),
        stock("600.00", "002", delivery_from_months=3, delivery_to_months=8),
    ]
    rows = pricing.payment_schedule(lines, total=D("900.00"), starts_on=dt.date(2018, 2, 1))
    assert [(r.due_on, r.amount, r.cumulative) for r in rows] == [
        (dt.date(2018, 2, 1), D("300.00"), D("300.00")),
        (dt.date(2018, 3, 15), D("300.00"), D("600.00")),
        (dt.date(2018, 6, 15), D("300.00"), D("900.00")),
    ]


def test_rows_are_cut_from_rounded_cumulatives_so_they_sum_exactly():
    # Three equal months of 1/3 each: 33.33, 33.34, 33.33 would not be half-up cumulatives.
    lines = [stock("1.00", delivery_from_months=0, delivery_to_months=8)]
    rows = pricing.payment_schedule(lines, total=D("100.00"), starts_on=dt.date(2020, 12, 15))
    assert [(r.due_on, r.amount) for r in rows] == [
        (dt.date(2020, 12, 15), D("33.33")),
        (dt.date(2021, 3, 15), D("33.34")),  # cumulative 66.67 (66.666… rounds up)
        (dt.date(2021, 6, 15), D("33.33")),
    ]


def test_quarters_with_nothing_due_are_left_out_but_the_deposit_row_stays():
    lines = [stock("10.00", delivery_from_months=9, delivery_to_months=9)]
    rows = pricing.payment_schedule(lines, total=D("10.00"), starts_on=dt.date(2019, 1, 10))
    assert [(r.due_on, r.amount) for r in rows] == [
        (dt.date(2019, 1, 10), D("0.00")),
        (dt.date(2019, 9, 15), D("10.00")),
    ]


def test_a_backward_delivery_period_is_refused():
    with pytest.raises(PricingError, match="Line 001: the delivery period must run forward"):
        pricing.payment_schedule(
            [stock("1.00", delivery_from_months=5, delivery_to_months=4)], total=D("1.00"), starts_on=SWITCH
        )


def test_an_entered_schedule_that_does_not_sum_to_the_total_is_refused_with_the_difference():
    rows = [
        pricing.PaymentRow(SWITCH, D("60.00"), D("60.00")),
        pricing.PaymentRow(dt.date(2018, 6, 15), D("39.99"), D("99.99")),
    ]
    with pytest.raises(
        PricingError, match=r"sums to 99\.99, not the total estimated cost 100\.00 \(difference 0\.01\)"
    ):
        pricing.check_schedule(rows, D("100.00"))
    pricing.check_schedule(rows, D("99.99"))


def test_an_entered_schedule_with_a_wrong_cumulative_or_order_is_refused():
    wrong_cumulative = [
        pricing.PaymentRow(SWITCH, D("1.00"), D("1.00")),
        pricing.PaymentRow(dt.date(2019, 1, 1), D("1.00"), D("1.50")),
    ]
    with pytest.raises(PricingError, match=r"Payment row 2: cumulative 1\.50 should be 2\.00"):
        pricing.check_schedule(wrong_cumulative, D("2.00"))
    out_of_order = [pricing.PaymentRow(SWITCH, D("1.00"), D("1.00")), pricing.PaymentRow(SWITCH, D("1.00"), D("2.00"))]
    with pytest.raises(PricingError, match="Payment row 2 is not due after the row before it"):
        pricing.check_schedule(out_of_order, D("2.00"))


# ---- Properties, for generated documents ---------------------------------------------------------

cents = st.integers(min_value=0, max_value=10**12).map(lambda c: D(c) / 100)
codes = st.sampled_from(["S", "P", "X", "R", "E", "F"])


@st.composite
def documents(draw):
    count = draw(st.integers(min_value=1, max_value=8))
    lines = []
    for index in range(count):
        start = draw(st.integers(min_value=0, max_value=40))
        end = draw(st.integers(min_value=start, max_value=60))
        lines.append(
            PricedLine(
                f"{index + 1:03d}",
                draw(cents),
                source_code=draw(codes),
                delivery_term_code=draw(st.sampled_from(["4", "8"])),
                delivery_from_months=start,
                delivery_to_months=end,
                procurement_share=draw(st.none() | st.decimals(min_value=0, max_value=1, places=2)),
            )
        )
    priced_on = draw(st.dates(min_value=dt.date(2012, 8, 1), max_value=dt.date(2030, 12, 31)))
    entered = {name: draw(cents) for name in ("packing_crating_handling", "transportation", "other")}
    return lines, priced_on, entered


@settings(max_examples=300, deadline=None)
@given(documents())
def test_components_are_whole_cents_and_sum_exactly_to_the_total(document):
    lines, priced_on, entered = document
    result = summary(lines, priced_on, **entered)
    for name in pricing.CostSummary.COMPONENTS:
        value = getattr(result, name)
        assert value >= 0
        assert value == value.quantize(D("0.01"))
    assert result.total_estimated_cost == sum((getattr(result, n) for n in pricing.CostSummary.COMPONENTS), D(0))
    assert result.net_estimated_cost == sum((line.value for line in lines), D(0))


@settings(max_examples=300, deadline=None)
@given(documents())
def test_the_schedule_sums_to_the_total_with_non_negative_rows_in_date_order(document):
    lines, priced_on, entered = document
    total = summary(lines, priced_on, **entered).total_estimated_cost
    rows = pricing.payment_schedule(lines, total=total, starts_on=priced_on)
    assert rows[0].due_on == priced_on
    assert sum((row.amount for row in rows), D(0)) == total
    assert rows[-1].cumulative == total
    pricing.check_schedule(rows, total)  # the generator's own output passes the entered-schedule check


# ---- Refusals name their field; edges of the schedule ----------------------------------------------


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "A payment schedule needs at least its initial deposit row."),
        (
            [
                pricing.PaymentRow(SWITCH, D("-1.00"), D("-1.00")),
                pricing.PaymentRow(dt.date(2019, 1, 1), D("3.00"), D("2.00")),
            ],
            "Payment row 1 is negative.",
        ),
        (
            [pricing.PaymentRow(SWITCH, D("1.00"), D("1.00")), pricing.PaymentRow(SWITCH, D("1.00"), D("2.00"))],
            "Payment row 2 is not due after the row before it.",
        ),
    ],
)
def test_a_refused_schedule_says_why_and_names_the_schedule(rows, message):
    with pytest.raises(PricingError) as refused:
        pricing.check_schedule(rows, D("2.00"))
    assert (str(refused.value), refused.value.field) == (message, "payment_schedule")


def test_a_line_refusal_names_the_lines():
    with pytest.raises(PricingError) as refused:
        pricing.payment_schedule([stock("1.00", delivery_from_months=2, delivery_to_months=1)], total=D("1.00"),
                                 starts_on=SWITCH)  # fmt: skip
    assert refused.value.field == "lines"


@pytest.mark.parametrize(("start", "end"), [(None, None), (7, None), (None, 7)])
def test_a_line_without_a_whole_delivery_estimate_is_due_with_the_deposit(start, end):
    lines = [stock("10.00", delivery_from_months=start, delivery_to_months=end)]
    rows = pricing.payment_schedule(lines, total=D("10.00"), starts_on=dt.date(2019, 1, 10))
    assert [(r.due_on, r.amount) for r in rows] == [(dt.date(2019, 1, 10), D("10.00"))]


@pytest.mark.parametrize("count", [1, 2, 5])
def test_quarterly_due_dates_gives_exactly_as_many_as_asked(count):
    dates = pricing.quarterly_due_dates(dt.date(2019, 1, 10), count)
    expected = [dt.date(2019, 3, 15), dt.date(2019, 6, 15), dt.date(2019, 9, 15), dt.date(2019, 12, 15),
                dt.date(2020, 3, 15)]  # fmt: skip
    assert dates == expected[:count]

"""Contribution figures from docs/domain.md priced by the seeded tables."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.enrollment.tariffs import (
    DiscountProgramme,
    TariffMissing,
    TariffVersion,
    compute_contribution,
    load_tables,
    monthly_contribution,
    period_breakdown,
    period_cost,
)

pytestmark = pytest.mark.django_db

JT = 1_000_000


def test_minimum_package_is_16800():
    c = monthly_contribution(JT, dt.date(2025, 6, 10))
    assert (c.jkk, c.jkm, c.jht, c.discount, c.total) == (10_000, 6_800, 0, 0, 16_800)
    assert c.tariff_code == "pp44-2015"
    assert "PP 44/2015" in c.tariff_regulation
    assert not c.estimated


def test_minimum_with_jht_is_36800():
    c = monthly_contribution(JT, dt.date(2025, 6, 10), with_jht=True)
    assert (c.jht, c.total) == (20_000, 36_800)


def test_income_below_the_lowest_level_pays_the_floor():
    c = monthly_contribution(400_000, dt.date(2025, 1, 1))
    assert (c.nominal_income, c.jkk, c.total) == (JT, 10_000, 16_800)


def test_income_above_known_brackets_is_an_estimate_at_one_percent():
    c = monthly_contribution(2_500_000, dt.date(2025, 1, 1), with_jht=True)
    assert (c.jkk, c.jht, c.total) == (25_000, 50_000, 81_800)
    assert c.estimated and c.notes


@pytest.mark.parametrize(
    "month", [dt.date(2026, 4, 1), dt.date(2026, 7, 31), dt.date(2026, 12, 15)]
)
def test_pp50_2025_halves_mandiri_from_april_to_december_2026(month):
    c = monthly_contribution(JT, month, funding_type="MANDIRI")
    assert (c.discount, c.total) == (8_400, 8_400)
    assert c.discount_code == "pp50-2025-umum"
    assert "PP 50/2025" in c.discount_regulation


@pytest.mark.parametrize("month", [dt.date(2026, 3, 31), dt.date(2027, 1, 1)])
def test_pp50_2025_not_outside_the_non_transport_window(month):
    assert monthly_contribution(JT, month).total == 16_800


@pytest.mark.parametrize("funding", ["APBD", "APBD_PROVINSI", "DBHCHT"])
def test_pp50_2025_excludes_apbd_paid(funding):
    c = monthly_contribution(JT, dt.date(2026, 6, 1), funding_type=funding)
    assert (c.discount, c.total, c.discount_code) == (0, 16_800, "")


def test_dana_desa_default_is_excluded_and_configurable():
    assert monthly_contribution(JT, dt.date(2026, 6, 1), funding_type="DANA_DESA").total == 16_800
    programme = DiscountProgramme.objects.get(code="pp50-2025-umum")
    assert "Dana Desa" in programme.open_question
    programme.excluded_funding_types = ["APBD", "APBD_PROVINSI", "DBHCHT"]
    programme.save()
    assert monthly_contribution(JT, dt.date(2026, 6, 1), funding_type="DANA_DESA").total == 8_400


def test_pp50_2025_transport_window_jan_2026_to_mar_2027():
    for month, total in [
        (dt.date(2025, 12, 1), 16_800),
        (dt.date(2026, 1, 1), 8_400),
        (dt.date(2027, 3, 1), 8_400),
        (dt.date(2027, 4, 1), 16_800),
    ]:
        assert monthly_contribution(JT, month, transport=True).total == total, month
    # Non-transport BPU get nothing in January 2026.
    assert monthly_contribution(JT, dt.date(2026, 1, 1)).total == 16_800


def test_jht_is_never_discounted():
    c = monthly_contribution(JT, dt.date(2026, 5, 1), with_jht=True)
    assert (c.jht, c.discount, c.total) == (20_000, 8_400, 28_400)


def test_pp49_2020_cuts_99_percent():
    c = monthly_contribution(JT, dt.date(2020, 9, 1))
    assert (c.discount, c.total) == (16_632, 168)  # JKK 10.000 -> 100, JKM 6.800 -> 68
    assert c.discount_code == "pp49-2020"
    for month in (dt.date(2020, 7, 1), dt.date(2021, 2, 1)):
        assert monthly_contribution(JT, month).total == 16_800


def test_pp49_2020_pasal_13_requires_paid_up_arrears():
    c = monthly_contribution(JT, dt.date(2020, 9, 1), paid_up_before=False)
    assert c.total == 16_800


@pytest.mark.parametrize(
    "start,months,expected",
    [
        # Feb, Mar full; Apr discounted.
        (dt.date(2026, 2, 1), 3, 2 * 16_800 + 8_400),
        # Oct..Mar: Oct, Nov, Dec discounted; Jan..Mar 2027 full.
        (dt.date(2026, 10, 1), 6, 3 * 8_400 + 3 * 16_800),
        # Jan..Dec 2026: 3 full + 9 discounted.
        (dt.date(2026, 1, 1), 12, 3 * 16_800 + 9 * 8_400),
        # PP 49/2020 window closes inside the period: Nov, Dec, Jan at Rp168; Feb..Apr full.
        (dt.date(2020, 11, 1), 6, 3 * 168 + 3 * 16_800),
        (dt.date(2026, 4, 15), 1, 8_400),
    ],
)
def test_period_cost_month_by_month(start, months, expected):
    assert period_cost(JT, start, months) == expected


def test_period_cost_for_apbd_ignores_the_window():
    assert period_cost(JT, dt.date(2026, 1, 1), 12, funding_type="APBD") == 12 * 16_800


def test_period_cost_transport_crossing_the_end():
    # Jan..Jun 2027 transport: Jan..Mar discounted, Apr..Jun full.
    assert period_cost(JT, dt.date(2027, 1, 1), 6, transport=True) == 3 * 8_400 + 3 * 16_800


def test_breakdown_lists_each_month():
    rows = period_breakdown(JT, dt.date(2026, 11, 20), 3)
    assert [r.month for r in rows] == [
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 1),
    ]
    assert [r.total for r in rows] == [8_400, 8_400, 16_800]


def test_no_tariff_before_the_first_version():
    with pytest.raises(TariffMissing):
        monthly_contribution(JT, dt.date(2015, 1, 1))


def test_newer_version_takes_over_from_its_date():
    old = TariffVersion.objects.get(code="pp44-2015")
    old.effective_to = dt.date(2027, 12, 31)
    old.save()
    new = TariffVersion.objects.create(
        code="uji-2028",
        name="Uji",
        effective_from=dt.date(2028, 1, 1),
        regulation="Uji",
        jkk_percent="1.50",
        jkm_flat=7_000,
        jht_percent="2.00",
    )
    new.brackets.create(lower=0, upper=1_000_000, nominal_income=1_000_000)
    assert monthly_contribution(JT, dt.date(2027, 12, 1)).total == 16_800
    c = monthly_contribution(JT, dt.date(2028, 1, 1))
    assert (c.jkk, c.jkm, c.total, c.tariff_code) == (15_000, 7_000, 22_000, "uji-2028")


def test_negative_income_rejected():
    with pytest.raises(Exception, match="negatif"):
        monthly_contribution(-1, dt.date(2025, 1, 1))


@pytest.fixture
def tables(db):
    return load_tables()


months = st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2035, 12, 31))
incomes = st.integers(min_value=0, max_value=50_000_000)
fundings = st.sampled_from(["MANDIRI", "APBD", "DANA_DESA", "DBHCHT", "CSR", "APBD_PROVINSI"])


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(income=incomes, on=months, jht=st.booleans(), funding=fundings, transport=st.booleans())
def test_total_is_sum_of_parts_and_discount_bounded(tables, income, on, jht, funding, transport):
    c = compute_contribution(
        tables, income, on, with_jht=jht, funding_type=funding, transport=transport
    )
    assert c.total == c.jkk + c.jkm + c.jht - c.discount
    assert 0 <= c.discount <= c.jkk + c.jkm
    assert c.total >= c.jht >= 0
    assert c.jkk >= 10_000 and c.jkm == 6_800


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(a=incomes, b=incomes, on=months, jht=st.booleans(), funding=fundings)
def test_monotone_in_income(tables, a, b, on, jht, funding):
    low, high = sorted((a, b))
    c_low = compute_contribution(tables, low, on, with_jht=jht, funding_type=funding)
    c_high = compute_contribution(tables, high, on, with_jht=jht, funding_type=funding)
    assert c_low.total <= c_high.total

"""Month arithmetic: both behaviours checked against a day-by-day walk of the calendar."""

import calendar
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from lindung.core.months import (
    add_months_clamped,
    add_months_to_first,
    month_end,
    month_range,
    month_start,
    months_apart,
    shift_month,
)

days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))
shifts = st.integers(min_value=-600, max_value=600)


def test_clamped_keeps_day_or_lands_on_months_end():
    assert add_months_clamped(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months_clamped(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months_clamped(dt.date(2026, 3, 15), -3) == dt.date(2025, 12, 15)


def test_to_first_lands_on_first_day():
    assert add_months_to_first(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 1)
    assert add_months_to_first(dt.date(2026, 1, 5), -1) == dt.date(2025, 12, 1)
    assert shift_month(2026, 1, -1) == (2025, 12)


@given(days, shifts)
def test_clamped_moves_whole_months(day, n):
    moved = add_months_clamped(day, n)
    assert months_apart(day, moved) == n
    last = calendar.monthrange(moved.year, moved.month)[1]
    assert moved.day == min(day.day, last)


@given(days, shifts)
def test_to_first_is_start_of_clamped(day, n):
    assert add_months_to_first(day, n) == month_start(add_months_clamped(day, n))
    assert shift_month(day.year, day.month, n) == (
        add_months_to_first(day, n).year,
        add_months_to_first(day, n).month,
    )


@given(days, shifts, shifts)
def test_to_first_composes(day, a, b):
    assert add_months_to_first(add_months_to_first(day, a), b) == add_months_to_first(day, a + b)


@given(days)
def test_month_end_is_day_before_next_month(day):
    assert month_end(day) + dt.timedelta(days=1) == add_months_to_first(day, 1)
    assert month_start(day) <= day <= month_end(day)


@given(days, st.integers(min_value=0, max_value=40))
def test_month_range_lists_every_month(day, n):
    periods = month_range(day, add_months_clamped(day, n))
    assert len(periods) == n + 1
    assert periods[0] == month_start(day)
    assert all(p.day == 1 for p in periods)
    assert all(months_apart(a, b) == 1 for a, b in zip(periods, periods[1:], strict=False))

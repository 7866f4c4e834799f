"""Calendar-month arithmetic shared by every app.

Two behaviours, named apart because mixing them silently shifts dates:
- `add_months_clamped` keeps the day of the month, clamped to the target month's last day
  (due dates, ages, waiting periods: 31 Jan + 1 month = 28/29 Feb);
- `add_months_to_first` lands on the first day of the target month (periods: a month is
  counted by its first day).
"""

from __future__ import annotations

import calendar
import datetime as dt


def _index(day: dt.date, months: int) -> tuple[int, int]:
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return year, month0 + 1


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months_clamped(day: dt.date, months: int) -> dt.date:
    """Same day `months` later (or earlier), clamped to that month's last day."""
    year, month = _index(day, months)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_months_to_first(day: dt.date, months: int) -> dt.date:
    """First day of the month `months` after (or before) `day`'s month."""
    year, month = _index(day, months)
    return dt.date(year, month, 1)


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    """(year, month) moved by `delta` months."""
    return _index(dt.date(year, month, 1), delta)


def months_apart(first: dt.date, second: dt.date) -> int:
    """Whole calendar months from first's month to second's month (Jan -> Apr = 3)."""
    return (second.year - first.year) * 12 + second.month - first.month


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month (as its first day) from `first`'s month to `last`'s month inclusive."""
    return [add_months_to_first(first, n) for n in range(months_apart(first, last) + 1)]

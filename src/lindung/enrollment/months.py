"""Calendar-month arithmetic: contributions are owed per calendar month (iuran bulan ...)."""

from __future__ import annotations

import calendar
import datetime as dt


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def months_between(first: dt.date, second: dt.date) -> int:
    """Whole calendar months from first's month to second's month (Jan -> Apr = 3)."""
    return (second.year - first.year) * 12 + second.month - first.month

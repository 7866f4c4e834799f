"""Months as periods: a period is the first day of a month."""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(period: dt.date) -> dt.date:
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])


def add_months(period: dt.date, n: int) -> dt.date:
    index = period.year * 12 + period.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every period from `first` to `last` inclusive (both as month starts)."""
    out, cur = [], month_start(first)
    last = month_start(last)
    while cur <= last:
        out.append(cur)
        cur = add_months(cur, 1)
    return out


def ref_day(period: dt.date, on: dt.date | None = None) -> dt.date:
    """The day a month is counted on: its last day, or `on` (today) for the running month."""
    on = on or today()
    return min(month_end(period), on)


def parse_period(raw: str | None) -> dt.date | None:
    """'2026-01' or '2026-01-31' -> date(2026, 1, 1); anything else -> None."""
    if not raw:
        return None
    raw = raw.strip()
    try:
        if len(raw) == 7:
            return dt.datetime.strptime(raw, "%Y-%m").date()
        return month_start(dt.date.fromisoformat(raw))
    except ValueError:
        return None

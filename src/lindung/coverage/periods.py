"""Months as periods: a period is the first day of a month."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from lindung.core.months import month_end, month_start


def today() -> dt.date:
    return timezone.localdate()


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

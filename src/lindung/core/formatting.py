"""Indonesian number and date formats, shared by pages, exports and reports."""

import datetime as dt
import math
from decimal import Decimal

MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def format_rupiah(value) -> str:
    """1234567 -> 'Rp1.234.567'; None -> '-'."""
    if value is None or value == "":
        return "-"
    try:
        amount = int(round(float(value)))
    except (TypeError, ValueError, OverflowError):
        return "-"
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def format_number(value) -> str:
    """1234567 -> '1.234.567'; anything that is not a number -> '-' (never an error page)."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return "-"
    return f"{number:,}".replace(",", ".")


def format_date(value) -> str:
    """date(2026, 11, 24) -> '24 Nov 2026'."""
    if not value:
        return "-"
    if isinstance(value, dt.datetime):
        value = value.date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def format_percent(value, digits: int = 1) -> str:
    """12.345 -> '12,3%'; anything that is not a finite number -> '-'."""
    try:
        number = float(value)
        places = int(digits)
    except (TypeError, ValueError):
        return "-"
    if not math.isfinite(number):
        return "-"
    return f"{number:.{places}f}".replace(".", ",") + "%"


def format_value(value) -> str:
    """A table cell for people: counts grouped (20.001), fractions with a comma (12,35), text
    as is; used where one column mixes numbers and words (report summaries)."""
    if isinstance(value, bool) or value is None:
        return "-" if value is None else ("ya" if value else "tidak")
    if isinstance(value, int):
        return format_number(value)
    if isinstance(value, float | Decimal):
        if not math.isfinite(float(value)):
            return "-"
        sign = "-" if float(value) < 0 else ""
        whole, _, frac = f"{abs(float(value)):.2f}".partition(".")
        return f"{sign}{format_number(int(whole))}{',' + frac if frac.strip('0') else ''}"
    return str(value)


def format_month(value) -> str:
    """A month for people: «Des 2026»."""
    if value is None:
        return "-"
    return f"{MONTHS[value.month - 1]} {value.year}"

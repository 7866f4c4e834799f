"""Indonesian number and date formats, shared by pages, exports and reports."""

import datetime as dt

MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def format_rupiah(value) -> str:
    """1234567 -> 'Rp1.234.567'; None -> '-'."""
    if value is None or value == "":
        return "-"
    try:
        amount = int(round(float(value)))
    except (TypeError, ValueError):
        return "-"
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def format_number(value) -> str:
    if value is None:
        return "-"
    return f"{int(value):,}".replace(",", ".")


def format_date(value) -> str:
    """date(2026, 11, 24) -> '24 Nov 2026'."""
    if not value:
        return "-"
    if isinstance(value, dt.datetime):
        value = value.date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def format_percent(value, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{float(value):.{int(digits)}f}".replace(".", ",") + "%"

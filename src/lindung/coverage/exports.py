"""CSV and XLSX downloads that a spreadsheet cannot execute (formula / CSV injection).

A text cell that starts with = + - @ (or tab / carriage return, which some spreadsheet programs
strip before parsing) is prefixed with an apostrophe in CSV, as OWASP recommends. Numbers stay
numbers. XLSX is written with xlsxwriter's `strings_to_formulas` off and every text as a text
cell, which is never evaluated: there the text stays exactly as typed (a phone +62…, no
apostrophe that a person would see and retype).
Reusable by any app: `safe_cell`, `csv_response`, `xlsx_response`, `table_response`, and the
`*_bytes` functions behind them for files made in the background.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """Value ready for a CSV cell: numbers and dates unchanged, risky text neutralised."""
    value = cell_value(value)
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def cell_value(value):
    """Value for an XLSX cell: numbers and dates unchanged, text as it is (a text cell)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int | float | Decimal | dt.date):
        return value
    return str(value)


def _csv_value(value):
    value = safe_cell(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([_csv_value(h) for h in header])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    # BOM so Excel opens UTF-8 (names with diacritics) correctly.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """One or more sheets: (title, header, rows)."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True, "bg_color": "#EEF2F4"})
    date_fmt = book.add_format({"num_format": "dd mmm yyyy"})
    for title, header, rows in sheets:
        sheet = book.add_worksheet(_sheet_title(title))
        for col, name in enumerate(header):
            sheet.write_string(0, col, str(cell_value(name)), bold)
            sheet.set_column(col, col, max(10, min(40, len(str(name)) + 2)))
        for r, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                value = cell_value(value)
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, col, dt.datetime.combine(value, dt.time()), date_fmt)
                elif isinstance(value, int | float | Decimal):
                    sheet.write_number(r, col, float(value))
                else:
                    sheet.write_string(r, col, value)
        sheet.freeze_panes(1, 0)
    book.close()
    return buf.getvalue()


def _sheet_title(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return title[:31] or "Sheet1"


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    return _attachment(csv_bytes(header, rows), "text/csv; charset=utf-8", filename + ".csv")


def xlsx_response(filename: str, sheets) -> HttpResponse:
    return _attachment(xlsx_bytes(sheets), XLSX_TYPE, filename + ".xlsx")


def table_response(fmt: str, filename: str, title: str, header, rows) -> HttpResponse:
    rows = list(rows)
    if fmt == "xlsx":
        return xlsx_response(filename, [(title, header, rows)])
    return csv_response(filename, header, rows)


def pdf_bytes(html: str, base_url: str | None = None) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()


def pdf_response(html: str, filename: str, base_url: str | None = None) -> HttpResponse:
    return _attachment(pdf_bytes(html, base_url), "application/pdf", filename + ".pdf")

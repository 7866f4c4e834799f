"""CSV/XLSX downloads of funding tables, safe against spreadsheet formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """CSV: text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    value = cell_value(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def cell_value(value):
    """XLSX: text is written as a text cell (never a formula), so it stays as typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, int | float):
        return value
    return str(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]):
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"  # so Excel opens UTF-8 correctly
        yield writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            yield writer.writerow([safe_cell(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence], sheet: str):
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"constant_memory": True, "strings_to_formulas": False, "in_memory": True}
    )
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    for col, title in enumerate(header):
        ws.write_string(0, col, str(title), bold)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            value = cell_value(value)
            if isinstance(value, int | float):
                ws.write_number(r, col, value)
            else:
                ws.write_string(r, col, value)
    book.close()
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def respond(fmt: str, filename: str, header, rows, sheet: str = "Data"):
    if fmt == "xlsx":
        return xlsx_response(filename, header, rows, sheet)
    return csv_response(filename, header, rows)

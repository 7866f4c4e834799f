"""The one writer of user downloads: CSV and XLSX that a spreadsheet cannot execute.

Cells, the same in every download:
- text starting with = + - @ (or tab / carriage return, which some spreadsheets strip before
  parsing) gets a leading apostrophe in CSV, so it is never run as a formula (CSV injection);
- every text field in CSV is quoted, so a value with `,` or `;` stays one cell whichever
  separator the spreadsheet uses (Indonesian Excel opens CSV with `;`);
- booleans are «Ya»/«Tidak», dates YYYY-MM-DD, numbers plain (no thousands separator).
XLSX stores text as text cells with `strings_to_formulas` off: never evaluated, so the text stays
exactly as typed there (a phone +62…, no apostrophe a person would see and retype).

Exchange files read by other systems (OpenSID, BPJS) keep their own writers in
`lindung.exchange.files`: their layout is fixed by those systems.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal

from django.dispatch import Signal
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The `pemisah` query value of a download → CSV separator. `titikkoma` is «CSV untuk Excel».
SEPARATORS = {"koma": ",", "titikkoma": ";"}
BOM = "\ufeff"  # so Excel opens UTF-8 names (Baiq, Lalu, diacritics) correctly

# Sent once per list download (core.generic.export) with `user`, `what`, `area_code` and
# `record_count`. The audit app writes the access log from it (AuditConfig.ready), so core
# does not import audit. Sent with send(), not send_robust(): a download whose log could not
# be written fails rather than leaving unrecorded.
exported = Signal()


class QueryRows:
    """A download's rows built lazily from a queryset, with their column titles in `.header`
    (what `core.generic.ScopedExportView.rows` returns)."""

    def __init__(self, header: Sequence[str], qs, row: Callable[[object], list]):
        self.header = header
        self.qs = qs
        self.row = row

    def __iter__(self) -> Iterator[list]:
        for record in self.qs.iterator(chunk_size=2000):
            yield self.row(record)


def cell_value(value):
    """A value as stored in a cell: text, a number or a date; booleans as Ya/Tidak."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value
    return str(value)


def csv_cell(value):
    """A value ready for a CSV cell: dates as YYYY-MM-DD, risky text behind an apostrophe."""
    value = cell_value(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(
    header: Sequence | None, rows: Iterable[Sequence], delimiter: str = ",", *, bom: bool = True
) -> Iterator[str]:
    """CSV lines one by one (for a streaming response). Text is always quoted, numbers never."""
    # QUOTE_NONNUMERIC quotes every str (dates and booleans are text by then), not numbers.
    writer = csv.writer(_Echo(), delimiter=delimiter, quoting=csv.QUOTE_NONNUMERIC)
    if bom:
        yield BOM
    if header is not None:
        yield writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row])


def csv_bytes(header: Sequence | None, rows: Iterable[Sequence], delimiter: str = ",") -> bytes:
    return "".join(csv_stream(header, rows, delimiter)).encode("utf-8")


def separator(value: str | None) -> str:
    """The CSV separator for a `pemisah` value (already validated by a form); `,` by default."""
    return SEPARATORS.get(value or "", ",")


# XLSX ------------------------------------------------------------------------------------

_BAD_TITLE = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_title(title: str, used: set[str] | None = None) -> str:
    """A sheet name Excel accepts: 31 characters, none of []:*?/\\, unique within `used`."""
    title = (title or "").translate(_BAD_TITLE).strip("'")[:31] or "Data"
    if used is None:
        return title
    candidate, number = title, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = title[: 31 - len(suffix)] + suffix, number + 1
    used.add(candidate.lower())
    return candidate


def new_workbook(buffer: io.BytesIO, *, constant_memory: bool = False):
    """An xlsxwriter workbook that never turns text into a formula or a link."""
    import xlsxwriter

    options = {"strings_to_formulas": False, "strings_to_urls": False}
    options.update({"constant_memory": True} if constant_memory else {"in_memory": True})
    return xlsxwriter.Workbook(buffer, options)


class SheetWriter:
    """Writes rows of one sheet: text as text cells, numbers as numbers, dates as dates."""

    def __init__(self, book, title: str, header: Sequence, *, used: set[str] | None = None):
        self.sheet = book.add_worksheet(sheet_title(title, used))
        self.text = book.add_format({"num_format": "@"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        bold = book.add_format({"bold": True, "bg_color": "#EEF2F4"})
        for col, name in enumerate(header):
            self.sheet.write_string(0, col, str(cell_value(name)), bold)
            self.sheet.set_column(col, col, max(10, min(40, len(str(name)) + 2)))
        self.sheet.freeze_panes(1, 0)
        self.row = 0

    def write(self, row: Sequence) -> None:
        self.row += 1
        for col, value in enumerate(row):
            value = cell_value(value)
            if value == "":
                continue
            if isinstance(value, dt.date):
                self.sheet.write_datetime(
                    self.row, col, dt.datetime.combine(value, dt.time()), self.date
                )
            elif isinstance(value, int | float | Decimal):
                self.sheet.write_number(self.row, col, float(value))
            else:
                # A NIK must never become 5.20307E+15 nor a phone +62… a formula.
                self.sheet.write_string(self.row, col, value, self.text)


def xlsx_bytes(
    sheets: Iterable[tuple[str, Sequence, Iterable[Sequence]]], *, constant_memory: bool = False
) -> bytes:
    """One or more sheets, each (title, header, rows). `constant_memory` for long lists."""
    buffer = io.BytesIO()
    book = new_workbook(buffer, constant_memory=constant_memory)
    used: set[str] = set()
    for title, header, rows in sheets:
        writer = SheetWriter(book, title, header, used=used)
        for row in rows:
            writer.write(row)
    book.close()
    return buffer.getvalue()


# Responses -------------------------------------------------------------------------------

_UNSAFE_NAME = re.compile(r"[^0-9A-Za-z._-]+")


def safe_filename(name: str, default: str = "unduhan") -> str:
    """A file name that cannot break the header or climb directories: letters, digits, . _ -."""
    name = _UNSAFE_NAME.sub("-", str(name or "")).strip(".-")[:150]
    return name or default


def attachment(
    content: bytes | Iterable, content_type: str, filename: str, *, inline: bool = False
) -> HttpResponse | StreamingHttpResponse:
    """A download response; an iterator of chunks is streamed."""
    if isinstance(content, bytes | str):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        not inline, safe_filename(filename)
    )
    return response


def csv_response(
    filename: str, header: Sequence, rows: Iterable[Sequence], delimiter: str = ","
) -> StreamingHttpResponse:
    """A streamed CSV download; `filename` without extension."""
    return attachment(csv_stream(header, rows, delimiter), CSV_TYPE, filename + ".csv")


def xlsx_response(filename: str, sheets) -> HttpResponse:
    return attachment(xlsx_bytes(sheets), XLSX_TYPE, filename + ".xlsx")


def table_response(
    fmt: str, filename: str, title: str, header: Sequence, rows, delimiter: str = ","
) -> HttpResponse | StreamingHttpResponse:
    """One table as `fmt` ("xlsx" or CSV)."""
    if fmt == "xlsx":
        return xlsx_response(filename, [(title, header, rows)])
    return csv_response(filename, header, rows, delimiter)

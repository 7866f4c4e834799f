"""Read a small CSV/XLSX/XLS/ODS table into dicts keyed by header (for config-sized files).

Large worker lists go through lindung.imports, which streams; this is for
denominators, BPJS aggregate counts and similar tables of at most a few thousand rows.
"""

from __future__ import annotations

import csv
import io

from . import filesafety
from .filesafety import SpreadsheetError

__all__ = ["SpreadsheetError", "read_rows", "read_table"]

MAX_ROWS = 200_000


def read_rows(name: str, data: bytes) -> list[list[str]]:
    """All rows as lists of strings (header first): checked by the upload guard, then read in
    a memory-limited child process."""
    kind = filesafety.check_upload(name, data, max_rows=MAX_ROWS)
    return filesafety.read_guarded(_read_rows, kind, data)


def _read_rows(kind: str, data: bytes) -> list[list[str]]:
    if kind == "text":
        text, _encoding = filesafety.decode_text(data)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
            delimiter = dialect.delimiter
        except csv.Error:
            delimiter = ","
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several types for damaged files
        raise SpreadsheetError(filesafety.NOT_A_SHEET) from exc
    if len(rows) > MAX_ROWS + 100:
        raise SpreadsheetError(f"Berkas terlalu besar: lebih dari {MAX_ROWS} baris.")
    return [[_cell_text(v) for v in row] for row in rows]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(name: str, data: bytes) -> list[dict[str, str]]:
    rows = [r for r in read_rows(name, data) if any(str(c).strip() for c in r)]
    if not rows:
        raise SpreadsheetError("Berkas kosong: tidak ada baris data.")
    if len(rows) > MAX_ROWS:
        raise SpreadsheetError(f"Berkas terlalu besar: lebih dari {MAX_ROWS} baris.")
    header = [h.strip().lower() for h in rows[0]]
    return [dict(zip(header, (c.strip() for c in row), strict=False)) for row in rows[1:]]

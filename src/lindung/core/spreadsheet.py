"""Read a small CSV/XLSX/XLS/ODS table into dicts keyed by header (for config-sized files).

Large worker lists go through lindung.imports, which streams; this is for
denominators, BPJS aggregate counts and similar tables of at most a few thousand rows.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

MAX_ROWS = 200_000


class SpreadsheetError(ValueError):
    """A file that cannot be read as a table; the message is for the user."""


def decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(
        "Berkas CSV tidak dapat dibaca: gunakan encoding UTF-8 atau Windows-1252."
    )


def read_rows(name: str, data: bytes) -> list[list[str]]:
    """All rows as lists of strings (header first)."""
    suffix = Path(name).suffix.lower()
    if suffix in {".csv", ".txt"}:
        text = decode_text(data)
        if "\x00" in text:
            raise SpreadsheetError("Berkas ini bukan CSV yang valid (berisi data biner).")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
            delimiter = dialect.delimiter
        except csv.Error:
            delimiter = ","
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    if suffix in {".xlsx", ".xlsm", ".xls", ".ods"}:
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = book.get_sheet_by_index(0)
            rows = sheet.to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises several types for damaged files
            raise SpreadsheetError(
                "Berkas tidak dapat dibuka sebagai lembar kerja Excel/ODS. "
                "Pastikan berkas tidak rusak dan bukan berkas lain yang diganti namanya."
            ) from exc
        return [[_cell_text(v) for v in row] for row in rows]
    raise SpreadsheetError("Format berkas tidak didukung. Gunakan XLSX, XLS, ODS atau CSV.")


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

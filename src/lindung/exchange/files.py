"""Writing and reading exchange files.

Written cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) get an apostrophe
in front (CSV/formula injection); XLSX is written with formulas switched off as well. Phone
numbers («+62 812-...») are not formulas: they are left as they are, as text cells in XLSX.
In CSV, identifier columns (NIK, village code, phone, KPJ) are written as ="5203..." so that
Excel keeps them as text instead of turning 16 digits into 5.2E+15 or dropping a leading 0;
our own readers take the wrapper off again. Reading goes through core.spreadsheet
(CSV/XLSX/XLS/ODS) and returns rows with their sheet row numbers.

These writers stay apart from lindung.core.export on purpose: OpenSID and BPJS read these
files, so their bytes are fixed by those systems (no quoting of every text, phone numbers
without an apostrophe, ="..." identifiers), and the exchange tests pin them. They share only
the formula characters and the workbook options, which leave those bytes as they were.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re

from lindung.core.export import FORMULA_START as DANGEROUS
from lindung.core.export import new_workbook
from lindung.core.spreadsheet import SpreadsheetError, read_rows

from .htmltable import looks_like_html, read_html_rows

# Digits with the separators people type in phone numbers: cannot be a harmful formula.
NUMBER_LIKE = re.compile(r"\+?[0-9][0-9 ().-]*")
_EXCEL_TEXT = re.compile(r'="([^"]*)"')
_KEY = re.compile(r"[^0-9a-z]+")
MAX_BYTES = 20 * 1024 * 1024


def safe_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(DANGEROUS) and not NUMBER_LIKE.fullmatch(text):
        return "'" + text
    return text


def excel_text(value) -> str:
    """A number-like identifier as ="..." in CSV, so Excel keeps every digit and the +."""
    text = "" if value is None else str(value)
    if NUMBER_LIKE.fullmatch(text):
        return f'="{text}"'
    return safe_cell(text)


def unwrap(cell: str) -> str:
    found = _EXCEL_TEXT.fullmatch(cell.strip())
    return found.group(1) if found else cell


def to_csv(header: list[str], rows, text_columns: set[int] = frozenset()) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow(
            [excel_text(v) if c in text_columns else safe_cell(v) for c, v in enumerate(row)]
        )
    # BOM so that Excel opens UTF-8 names (Baiq, Lalu, ...) correctly.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(header: list[str], rows, sheet: str = "Data", text_columns: set[int] = frozenset()):
    buf = io.BytesIO()
    book = new_workbook(buf)
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    text = book.add_format({"num_format": "@"})
    for c, h in enumerate(header):
        ws.write_string(0, c, str(safe_cell(h)), bold)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            value = safe_cell(value)
            if isinstance(value, int | float) and c not in text_columns:
                ws.write_number(r, c, value)
            else:
                # NIK, KPJ and phone stay text: Excel would turn 16 digits into 5.2E+15.
                ws.write_string(r, c, str(value), text)
    book.close()
    return buf.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key(text: object) -> str:
    """'Tgl. Lahir' -> 'tgllahir', 'group_ab12/nik' -> 'nik' (KoboToolbox group prefixes)."""
    raw = str(text or "").strip().lower()
    if "/" in raw:
        raw = raw.rsplit("/", 1)[1]
    return _KEY.sub("", raw)


class Table:
    def __init__(self, headers: list[str], rows: list[tuple[int, dict[str, str]]]):
        self.headers = headers
        self.rows = rows  # (row number as the user sees it, {normalised header: text})

    def find(self, *names: str) -> str | None:
        """The first normalised header among `names` that the file has."""
        keys = {key(h) for h in self.headers}
        for name in names:
            if key(name) in keys:
                return key(name)
        return None


def read_grid(name: str, data: bytes) -> list[list[str]]:
    """Every row as text cells: spreadsheets, CSV, and HTML tables saved as .xls."""
    if len(data) > MAX_BYTES:
        raise SpreadsheetError("Berkas terlalu besar (lebih dari 20 MB).")
    # OpenSID's «Unduh» saves an HTML table as .xls; HTML under any other name is refused by
    # the upload guard like every disguised file.
    if name.lower().endswith(".xls") and looks_like_html(data):
        return read_html_rows(data)
    return read_rows(name, data)


def read_table(name: str, data: bytes, *, header_hint: tuple[str, ...] = ()) -> Table:
    """Rows keyed by normalised header. The header row is the first row (of the first 10)
    containing one of `header_hint`; rows before it (titles, logos) are skipped."""
    raw = read_grid(name, data)
    hints = {key(h) for h in header_hint}
    start = 0
    if hints:
        for i, row in enumerate(raw[:10]):
            if hints & {key(c) for c in row}:
                start = i
                break
        else:
            wanted = ", ".join(header_hint[:3])
            raise SpreadsheetError(
                f"Baris judul tidak ditemukan: berkas harus punya kolom {wanted}."
            )
    if not raw:
        raise SpreadsheetError("Berkas kosong: tidak ada baris data.")
    headers = [str(h).strip() for h in raw[start]]
    keys = [key(h) for h in headers]
    rows = []
    for i, row in enumerate(raw[start + 1 :], start=start + 2):
        if not any(str(c).strip() for c in row):
            continue
        values: dict[str, str] = {}
        for k, cell in zip(keys, row, strict=False):
            if k and k not in values:
                values[k] = unwrap(str(cell)).strip()
        rows.append((i, values))
    if not rows:
        raise SpreadsheetError("Berkas tidak berisi baris data di bawah baris judul.")
    return Table(headers, rows)

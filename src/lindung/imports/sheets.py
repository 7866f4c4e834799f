"""Workbooks with several sheets: one per dusun or village, or a compilation plus recap sheets.

Every sheet holding a worker list is imported; the others (notes, recap and pivot tables,
empty or hidden sheets) are left out and named, so the operator sees what was not read.
`read_table` (readers.py) first checks the file as a whole and picks the best sheet; this
module only adds the other sheets of the same workbook.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from .columns import guess_mapping, header_key
from .readers import HEADER_SCAN_ROWS, MAX_ROWS, FileProblem, Table, read_table, sheet_table

MAX_SHEETS = 300  # a regency compilation has one sheet per village (up to ~250)
# Why a sheet was left out, in the preview's words.
NOT_A_LIST = "tidak berisi daftar pekerja (tidak ada kolom NIK dan nama)"
EMPTY = "kosong"
HIDDEN = "lembar tersembunyi; tampilkan lembar ini di Excel bila isinya ingin diimpor"
TOO_MANY = "melebihi batas jumlah lembar yang dibaca"


@dataclass
class Workbook:
    tables: list[Table]  # the worker sheets, in workbook order (one Table for a CSV)
    primary: int = 0  # the sheet whose headers the mapping step shows
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (sheet name, why)

    @property
    def first(self) -> Table:
        return self.tables[self.primary]

    @property
    def several(self) -> bool:
        return len(self.tables) > 1


def _keys(headers: list[str]) -> list[str]:
    return [k for k in map(header_key, headers) if k]


def is_worker_sheet(table: Table, primary: Table) -> bool:
    """A sheet with NIK and name columns, or laid out like the main sheet."""
    if _keys(table.headers) and _keys(table.headers) == _keys(primary.headers):
        return True
    guess = guess_mapping(table.headers)
    found = set(guess.columns) | set(guess.unsure)
    return {"nik", "name"} <= found


def read_workbook(name: str, data: bytes) -> Workbook:
    """All the worker sheets of a file; raises FileProblem like `read_table`."""
    primary = read_table(name, data)
    if primary.kind != "sheet":
        return Workbook([primary])
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    tables: list[Table] = []
    skipped: list[tuple[str, str]] = []
    index = 0
    total_rows = primary.frame.height
    for number, meta in enumerate(book.sheets_metadata):
        if meta.name == primary.sheet_name:
            index = len(tables)
            tables.append(primary)
            continue
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue  # charts and macros hold no cells
        hidden = meta.visible != SheetVisibleEnum.Visible
        if number >= MAX_SHEETS:
            skipped.append((meta.name, TOO_MANY))
            continue
        try:
            sheet = book.get_sheet_by_name(meta.name)
            # Rows are counted before they become Python lists: the file's limit holds for
            # all its sheets together.
            total_rows += sheet.total_height
            if total_rows > MAX_ROWS + HEADER_SCAN_ROWS:
                raise FileProblem(
                    f"Berkas terlalu besar: lebih dari {MAX_ROWS:,} baris.".replace(",", ".")
                )
            rows = sheet.to_python(skip_empty_area=False)
        except FileProblem:
            raise
        except Exception as exc:  # calamine raises several error types for damaged sheets
            raise FileProblem(f"Lembar '{meta.name}' rusak dan tidak dapat dibaca.") from exc
        if not any(any(c not in (None, "") for c in r) for r in rows):
            if not hidden:
                skipped.append((meta.name, EMPTY))
            continue
        try:
            table = sheet_table(meta.name, rows)
        except FileProblem:
            if not hidden:
                skipped.append((meta.name, EMPTY))
            continue
        worker_sheet = is_worker_sheet(table, primary)
        if hidden:
            # Lists behind drop-downs (such as our template's) are hidden: only a hidden
            # worker list is worth telling about.
            if worker_sheet:
                skipped.append((meta.name, HIDDEN))
        elif worker_sheet:
            tables.append(table)
        else:
            skipped.append((meta.name, NOT_A_LIST))
    return Workbook(tables, index, skipped)


# Rows of several sheets are checked together under one key: sheet index x SHEET_STRIDE + the
# row in that sheet. With one sheet (or a CSV) the key is the row itself.
SHEET_STRIDE = 10_000_000


@dataclass(frozen=True)
class RowKeys:
    """Turns row keys back into (sheet, row) as the operator sees them."""

    sheets: tuple[str, ...] | None = None  # None for a CSV (no sheet names)

    @classmethod
    def of(cls, book: Workbook) -> RowKeys:
        if book.tables[0].kind != "sheet":
            return cls(None)
        return cls(tuple(t.sheet_name for t in book.tables))

    def row(self, key: int) -> int:
        return key % SHEET_STRIDE

    def sheet(self, key: int) -> str | None:
        return self.sheets[key // SHEET_STRIDE] if self.sheets else None

    def where(self, key: int) -> str:
        """'12', or "12 (lembar 'Dusun Lauq')" when the workbook has several worker sheets."""
        if self.sheets and len(self.sheets) > 1:
            return f"{self.row(key)} (lembar '{self.sheet(key)}')"
        return str(self.row(key))


NO_SHEETS = RowKeys()


def sheet_mapping(table: Table, first: Table, chosen: dict[str, int]) -> dict[str, int]:
    """The operator's mapping (made on the first sheet's headers) for another sheet: each field
    goes to the column with the same header there; to the same position when the headers
    match exactly."""
    if _keys(table.headers) == _keys(first.headers):
        return dict(chosen)
    position = {}
    for index, header in enumerate(table.headers):
        position.setdefault(header_key(header), index)
    out = {}
    for name, index in chosen.items():
        header = header_key(first.headers[index]) if index < len(first.headers) else ""
        if header and header in position:
            out[name] = position[header]
    return out

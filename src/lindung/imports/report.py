"""Downloads: the error report (the operator's own sheet plus a column of problems) and the
blank template with a text-formatted NIK column and drop-down lists."""

from __future__ import annotations

import io
from pathlib import Path

from lindung.areas.models import Area, AreaLevel
from lindung.core import export
from lindung.workers.models import Sector

from .readers import Table
from .sheets import Workbook

PROBLEM_HEADER = "Masalah impor"


def problem_text(problems: list[dict]) -> str:
    return "; ".join(
        f"[{p['code']}] {p['column'] + ': ' if p.get('column') else ''}{p['message']}"
        for p in problems
    )


def _rows_out(table: Table, by_row: dict[int, list[dict]]) -> list[tuple[list[str], str]]:
    """Every row of the sheet as read (title rows too) with its problems."""
    width = max(len(table.headers), table.frame.width - 1)
    data_columns = [c for c in table.frame.columns if c != "__row"]
    rows_out: list[tuple[list[str], str]] = []
    for index, head in enumerate(table.head_rows):
        extra = PROBLEM_HEADER if index == table.header_index else ""
        rows_out.append((list(head) + [""] * (width - len(head)), extra))
    for values in table.frame.select(["__row", *data_columns]).iter_rows():
        row, cells = values[0], [c or "" for c in values[1:]]
        rows_out.append((cells, problem_text(by_row.get(row, []))))
    return rows_out


def error_report(
    book: Workbook | Table, result: dict, original_name: str
) -> tuple[bytes, str, str]:
    """(content, filename, content type): every row of every worker sheet, problems in a new
    column; a workbook keeps its sheets."""
    tables = book.tables if isinstance(book, Workbook) else [book]
    by_row: dict[tuple[str | None, int], list[dict]] = {}
    for problem in (*result.get("errors", []), *result.get("warnings", [])):
        if problem.get("row") is not None:
            key = (problem.get("sheet"), problem["row"])
            by_row.setdefault(key, []).append(problem)
    stem = Path(original_name).stem
    if tables[0].kind == "csv":
        table = tables[0]
        rows = {row: found for (_sheet, row), found in by_row.items()}
        # The operator's own separator, so the sheet opens as they know it.
        lines = [[*cells, extra] for cells, extra in _rows_out(table, rows)]
        content = export.csv_bytes(None, lines, table.delimiter)
        return content, f"{stem}-laporan-masalah.csv", export.CSV_TYPE
    output = io.BytesIO()
    book_out = export.new_workbook(output)
    bad = book_out.add_format({"bg_color": "#fde2e1", "text_wrap": False})
    text = book_out.add_format({"num_format": "@"})
    used: set[str] = set()
    for table in tables:
        sheet = book_out.add_worksheet(export.sheet_title(table.sheet_name, used))
        rows = {row: found for (name, row), found in by_row.items() if name == table.sheet_name}
        width = max(len(table.headers), table.frame.width - 1)
        for r_index, (cells, extra) in enumerate(_rows_out(table, rows)):
            for c_index, cell in enumerate(cells):
                sheet.write_string(r_index, c_index, cell, text)
            if extra:
                fmt = bad if r_index > table.header_index else None
                sheet.write_string(r_index, len(cells), extra, fmt)
        sheet.set_column(width, width, 80)
    book_out.close()
    return output.getvalue(), f"{stem}-laporan-masalah.xlsx", export.XLSX_TYPE


TEMPLATE_HEADERS = [
    ("NIK", 20), ("Nama Lengkap", 28), ("Jenis Kelamin (L/P)", 10), ("Tanggal Lahir", 14),
    ("Desa/Kelurahan", 22), ("Kecamatan", 18), ("Pekerjaan", 24), ("Penghasilan", 14),
    ("No HP", 16), ("Alamat", 30),
]  # fmt: skip
TEMPLATE_ROWS = 5000


def template_workbook(scope_code: str, regency_code: str) -> bytes:
    """Blank worker list: NIK as text (Excel cannot eat digits), drop-downs from our data."""
    area_code = scope_code or regency_code
    villages = list(
        Area.objects.within(area_code)
        .filter(level=AreaLevel.DESA)
        .order_by("name")
        .values_list("name", "parent__name")
    )
    kecamatan = sorted({k for _v, k in villages if k})
    sectors = list(Sector.objects.filter(is_active=True).values_list("name", flat=True))
    output = io.BytesIO()
    book = export.new_workbook(output)
    sheet = book.add_worksheet("Data pekerja")
    lists = book.add_worksheet("Daftar")
    head = book.add_format({"bold": True, "bg_color": "#e6f2ef", "border": 1})
    text = book.add_format({"num_format": "@"})
    for col, (title, width) in enumerate(TEMPLATE_HEADERS):
        sheet.write_string(0, col, title, head)
        sheet.set_column(col, col, width, text if col in (0, 3, 8) else None)
    sheet.freeze_panes(1, 0)
    for col, values in enumerate((["L", "P"], [v for v, _k in villages], kecamatan, sectors)):
        for row, value in enumerate(values):
            lists.write_string(row, col, value)
    lists.hide()
    last = TEMPLATE_ROWS

    def validate(col: int, list_col: str, count: int, title: str) -> None:
        if count:
            sheet.data_validation(
                1, col, last, col,
                {
                    "validate": "list",
                    "source": f"=Daftar!${list_col}$1:${list_col}${count}",
                    "error_title": title,
                    "error_message": f"Pilih {title.lower()} dari daftar.",
                },
            )  # fmt: skip

    validate(2, "A", 2, "Jenis kelamin")
    validate(4, "B", len(villages), "Desa/kelurahan")
    validate(5, "C", len(kecamatan), "Kecamatan")
    validate(6, "D", len(sectors), "Pekerjaan")
    sheet.data_validation(
        1, 0, last, 0,
        {"validate": "length", "criteria": "==", "value": 16,
         "error_title": "NIK", "error_message": "NIK harus 16 digit."},
    )  # fmt: skip
    sheet.write_comment(0, 3, "Format hh-bb-tttt, misalnya 14-03-1985.")
    sheet.write_comment(0, 0, "Kolom NIK berformat Teks: ketik 16 digit NIK persis dari KTP/KK.")
    book.close()
    return output.getvalue()

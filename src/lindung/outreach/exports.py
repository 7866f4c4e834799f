"""CSV/XLSX export of the outreach report. Aggregates only: no personal data leaves here.

CSV cells starting with = + - @ (or a tab/CR) are prefixed with ' so spreadsheet programs never
evaluate a village or team name as a formula (CSV/formula injection). XLSX cells are written as
text cells with formulas off, so they keep their text exactly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.http import HttpResponse

COLUMNS = [
    ("code", "Kode wilayah"),
    ("name", "Nama"),
    ("kecamatan_name", "Kecamatan"),
    ("active_teams", "Tim aktif"),
    ("activities", "Kegiatan"),
    ("attendees", "Peserta"),
    ("registrations", "Pendaftaran hasil sosialisasi"),
    ("yield_per_activity", "Pendaftaran per kegiatan"),
    ("activities_target", "Target kegiatan"),
    ("activities_progress", "Capaian target kegiatan (%)"),
    ("registrations_target", "Target pendaftaran"),
    ("registrations_progress", "Capaian target pendaftaran (%)"),
    ("last_activity", "Kegiatan terakhir"),
]
KECAMATAN_COLUMNS = [c for c in COLUMNS if c[0] != "kecamatan_name"]
KECAMATAN_COLUMNS.insert(2, ("villages", "Jumlah desa"))
KECAMATAN_COLUMNS.insert(3, ("villages_active", "Desa dengan kegiatan"))

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise text that a spreadsheet would treat as a formula; keep numbers as numbers."""
    value = cell_value(value)
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def cell_value(value):
    """A cell as written to XLSX: text stays as typed (a text cell is never a formula)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int | float):
        return value
    return str(value)


def table(rows: list[dict], columns) -> list[list]:
    return [[label for _, label in columns]] + [
        [cell_value(row.get(key)) for key, _ in columns] for row in rows
    ]


def to_csv(sheets: list[tuple[str, list[list]]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for i, (_, data) in enumerate(sheets):
        if i:
            writer.writerow([])
        writer.writerows([[safe_cell(v) for v in row] for row in data])
    # BOM so that Excel opens the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(sheets: list[tuple[str, list[list]]]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    # strings_to_formulas off: a belt to the ' prefix braces; text is never a formula.
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    for title, data in sheets:
        sheet = book.add_worksheet(title[:31])
        for r, row in enumerate(data):
            for c, value in enumerate(row):
                if r == 0:
                    sheet.write_string(r, c, value, bold)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, value)
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, len(data[0]) - 1, 16)
    book.close()
    return buffer.getvalue()


def response(fmt: str, filename: str, village_rows, kecamatan_rows=None) -> HttpResponse:
    sheets = []
    if kecamatan_rows is not None:
        sheets.append(("Per kecamatan", table(kecamatan_rows, KECAMATAN_COLUMNS)))
    sheets.append(("Per desa", table(village_rows, COLUMNS)))
    if fmt == "csv":
        body, content_type = to_csv(sheets), "text/csv; charset=utf-8"
    else:
        body = to_xlsx(sheets)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    resp = HttpResponse(body, content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp

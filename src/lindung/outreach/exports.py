"""CSV/XLSX export of the outreach report. Aggregates only: no personal data leaves here.

Written by `lindung.core.export`, so a village or team name is never run as a formula.
"""

from __future__ import annotations

from django.http import HttpResponse

from lindung.core import export

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


def table(rows: list[dict], columns) -> tuple[list[str], list[list]]:
    return [label for _, label in columns], [[row.get(key) for key, _ in columns] for row in rows]


def to_csv(sheets: list[tuple[str, tuple[list, list]]], delimiter: str = ",") -> bytes:
    """The sheets one below the other, a blank line between; `delimiter` is `;` for the
    «CSV untuk Excel» download (Indonesian Excel splits on `;`)."""
    parts = []
    for i, (_, (header, rows)) in enumerate(sheets):
        parts.append(
            ("\r\n" if i else "") + "".join(export.csv_stream(header, rows, delimiter, bom=i == 0))
        )
    return "".join(parts).encode("utf-8")


def response(
    fmt: str, filename: str, village_rows, kecamatan_rows=None, delimiter: str = ","
) -> HttpResponse:
    sheets = []
    if kecamatan_rows is not None:
        sheets.append(("Per kecamatan", table(kecamatan_rows, KECAMATAN_COLUMNS)))
    sheets.append(("Per desa", table(village_rows, COLUMNS)))
    if fmt == "csv":
        return export.attachment(to_csv(sheets, delimiter), export.CSV_TYPE, filename)
    book = [(title, header, rows) for title, (header, rows) in sheets]
    return export.attachment(export.xlsx_bytes(book), export.XLSX_TYPE, filename)

"""CSV/XLSX export of the scoped worker list, safe to open in Excel."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from lindung.core.formatting import format_date

from .models import Worker
from .nik import mask_nik

HEADER = [
    "NIK",
    "Nama",
    "Jenis kelamin",
    "Tanggal lahir",
    "Kode desa",
    "Desa/kelurahan",
    "Kecamatan",
    "Alamat",
    "Nomor HP",
    "Sektor",
    "Penghasilan per bulan",
    "Desil DTSEN",
    "Kelompok prioritas",
    "Tanggal meninggal",
    "Catatan verifikasi",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> object:
    """Text that Excel would read as a formula gets a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def rows(qs: QuerySet[Worker], *, full: bool) -> Iterator[list]:
    """One list per worker; NIK and phone masked unless `full`."""
    for w in qs.iterator(chunk_size=2000):
        # Raw values: the CSV writer neutralises formulas, the XLSX writer stores text cells.
        yield [
            v
            for v in (
                w.nik if full else mask_nik(w.nik),
                w.name,
                w.get_sex_display(),
                w.birth_date.isoformat(),
                w.village_id,
                w.village.name,
                w.village.parent.name if w.village.parent_id else "",
                w.address,
                (w.phone if full else mask_nik(w.phone)) if w.phone else "",
                w.sector.name,
                w.monthly_income,
                w.poverty_desil,
                w.priority_group,
                format_date(w.deceased_date) if w.deceased_date else "",
                "; ".join(f["message"] for f in w.flag_details),
            )
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(data: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # BOM so that Excel opens UTF-8 names correctly
    yield writer.writerow(HEADER)
    for row in data:
        yield writer.writerow(["" if v is None else safe_cell(v) for v in row])


def xlsx_bytes(data: Iterable[list]) -> tuple[bytes, int]:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet("Pekerja")
    bold = book.add_format({"bold": True})
    text = book.add_format({"num_format": "@"})
    sheet.write_row(0, 0, HEADER, bold)
    sheet.set_column(0, 0, 20, text)
    sheet.set_column(1, 1, 28)
    count = 0
    for count, row in enumerate(data, start=1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, int):
                sheet.write_number(count, col, value)
            else:
                # Strings always as text cells (a NIK must never become 5.20307E+15; a phone
                # +62… stays as typed): no apostrophe, as strings_to_formulas is off.
                sheet.write_string(count, col, str(value), text if col == 0 else None)
    book.close()
    return buffer.getvalue(), count

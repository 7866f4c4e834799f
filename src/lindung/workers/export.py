"""CSV/XLSX export of the scoped worker list, safe to open in Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone

from lindung.accounts import masking
from lindung.core.formatting import format_date

from .models import Worker

BIRTH_HEADER = "Tanggal lahir"
AGE_HEADER = "Umur (tahun)"
HEADER = [
    "NIK",
    "Nama",
    "Jenis kelamin",
    BIRTH_HEADER,
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


class ExportRows:
    """The rows of an export with their header: roles that do not see personal data get the
    age instead of the birth date, and NIK and phone masked (lindung.accounts.masking)."""

    def __init__(self, qs: QuerySet[Worker], *, full: bool, today: dt.date | None = None):
        self.qs = qs
        self.full = full
        self.today = today or timezone.localdate()
        self.header = HEADER if full else [AGE_HEADER if h == BIRTH_HEADER else h for h in HEADER]

    def __iter__(self) -> Iterator[list]:
        full = self.full
        for w in self.qs.iterator(chunk_size=2000):
            # Raw values: the CSV writer neutralises formulas, the XLSX writer stores text cells.
            yield [
                w.nik if full else masking.mask_nik(w.nik),
                w.name,
                w.get_sex_display(),
                w.birth_date.isoformat() if full else masking.age_on(w.birth_date, self.today),
                w.village_id,
                w.village.name,
                w.village.parent.name if w.village.parent_id else "",
                w.address,
                w.phone if full else masking.mask_phone(w.phone),
                w.sector.name,
                w.monthly_income,
                w.poverty_desil,
                w.priority_group,
                format_date(w.deceased_date) if w.deceased_date else "",
                "; ".join(f["message"] for f in w.flag_details),
            ]


def rows(qs: QuerySet[Worker], *, full: bool) -> ExportRows:
    return ExportRows(qs, full=full)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(data: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # BOM so that Excel opens UTF-8 names correctly
    yield writer.writerow(getattr(data, "header", HEADER))
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
    sheet.write_row(0, 0, getattr(data, "header", HEADER), bold)
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

"""The rows of the worker list download; `lindung.core.export` writes them as CSV or XLSX."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone

from lindung.accounts import masking

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
            # Raw values (dates as dates): lindung.core.export makes each cell safe.
            yield [
                w.nik if full else masking.mask_nik(w.nik),
                w.name,
                w.get_sex_display(),
                w.birth_date if full else masking.age_on(w.birth_date, self.today),
                w.village_id,
                w.village.name,
                w.village.parent.name if w.village.parent_id else "",
                w.address,
                w.phone if full else masking.mask_phone(w.phone),
                w.sector.name,
                w.monthly_income,
                w.poverty_desil,
                w.priority_group,
                w.deceased_date,
                "; ".join(f["message"] for f in w.flag_details),
            ]


def rows(qs: QuerySet[Worker], *, full: bool) -> ExportRows:
    return ExportRows(qs, full=full)

"""Builders for import test files (CSV/XLSX bytes) with valid or deliberately broken rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools

import openpyxl

from lindung.core import testing
from lindung.workers.nik import compose_nik

HEADER = [
    "NIK", "Nama Lengkap", "L/P", "Tgl Lahir", "Desa/Kelurahan", "Kecamatan",
    "Pekerjaan", "Penghasilan", "No HP",
]  # fmt: skip
_serial = itertools.count(101)


FIRST = [
    "Ahmad",
    "Baiq",
    "Lalu",
    "Siti",
    "Muhammad",
    "Nurul",
    "Rahmat",
    "Hadijah",
    "Zainal",
    "Sahnun",
    "Mardiah",
    "Jumadil",
    "Fathul",
    "Haerul",
    "Rukmini",
    "Sapturi",
    "Inaq",
]
LAST = [
    "Hidayat",
    "Zaini",
    "Aminah",
    "Hasanah",
    "Saleh",
    "Fauzi",
    "Marwan",
    "Rohani",
    "Sukri",
    "Hamdani",
    "Kartini",
    "Wardi",
    "Suhaili",
    "Murni",
    "Jaelani",
    "Nursiah",
]


def person(
    *,
    birth: dt.date | None = None,
    sex: str = "L",
    village: str = "Danggen Timur",
    kecamatan: str = "Selong",
    name: str | None = None,
    serial: int | None = None,
    **overrides,
) -> dict:
    serial = serial or next(_serial)
    birth = birth or dt.date(1960, 1, 1) + dt.timedelta(days=(serial * 131) % 15000)
    row = {
        "NIK": compose_nik("52.03.07", birth, sex, serial),
        "Nama Lengkap": name or f"{FIRST[serial % 17]} {LAST[(serial // 17) % 16]} {serial}",
        "L/P": sex,
        "Tgl Lahir": birth.strftime("%d-%m-%Y"),
        "Desa/Kelurahan": village,
        "Kecamatan": kecamatan,
        "Pekerjaan": "Buruh tani",
        "Penghasilan": "Rp 1.500.000",
        "No HP": "0812-3456-7890",
    }
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict], header=HEADER, delimiter=";", encoding="utf-8", above=()) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for line in above:
        writer.writerow(line)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict], header=HEADER, above=(), raw: bool = False) -> bytes:
    """XLSX with the given rows; `raw` keeps Python types (numbers stay numbers)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    for line in above:
        sheet.append(list(line))
    sheet.append(list(header))
    for row in rows:
        sheet.append([row.get(h, None if raw else "") for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ensure_sectors() -> None:
    from lindung.workers.models import Sector

    for code, name, priority in (
        ("buruh-tani", "Buruh tani", 5),
        ("petani-tembakau", "Petani tembakau", 1),
        ("lainnya", "Lainnya", 9),
    ):
        Sector.objects.get_or_create(code=code, defaults={"name": name, "priority": priority})


VILLAGE_A = testing.VILLAGE_A
VILLAGE_B = testing.VILLAGE_B

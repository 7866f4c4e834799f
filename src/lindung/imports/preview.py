"""What the preview page says about a checked file, in words an operator reads."""

from __future__ import annotations

import datetime as dt

from lindung.areas.models import Area
from lindung.core.formatting import format_date, format_rupiah
from lindung.workers.models import Sector

from .layout import REASONS as SKIPPED_ROWS

SEX = {"L": "Laki-laki", "P": "Perempuan"}
# Short names of the reasons a row is rejected or flagged, for the summary above the list.
REASONS = {
    "duplicate_existing": "sudah terdaftar di registri (NIK sama)",
    "duplicate_in_file": "NIK muncul dua kali di berkas",
    "nik_format": "NIK tidak 16 digit",
    "nik_scientific": "NIK dirusak Excel (angka ilmiah)",
    "nik_date": "tanggal lahir dalam NIK tidak mungkin",
    "nik_serial": "nomor urut NIK 0000",
    "name_missing": "nama kosong",
    "birthdate_invalid": "tanggal lahir tidak terbaca",
    "age_out_of_range": "umur di luar batas peserta",
    "village_unknown": "desa tidak dikenal atau di luar wilayah",
    "column_missing": "kolom wajib tidak ada",
    "nik_birthdate_mismatch": "tanggal lahir berbeda dengan NIK",
    "nik_sex_mismatch": "jenis kelamin berbeda dengan NIK",
    "nik_region_unknown": "kode wilayah NIK tidak dikenal",
    "possible_duplicate": "mungkin orang yang sama dengan yang sudah terdaftar",
    "phone_invalid": "nomor HP tidak valid (dikosongkan)",
    "income_adjusted": "penghasilan dinaikkan ke jenjang terendah",
}


def sheets(result: dict) -> list[dict]:
    """The sheets of a workbook as the preview lists them: read (with rows left out, such as
    subtotals) or left out whole, and why. Empty when there is nothing to say."""
    read = result.get("sheets", [])
    left_out = result.get("skipped_sheets", [])
    out = []
    for sheet in read:
        skipped = [
            {"label": SKIPPED_ROWS.get(reason, reason), "rows": count}
            for reason, count in sheet.get("skipped", {}).items()
        ]
        out.append({"name": sheet["name"], "rows": sheet["rows"], "skipped": skipped})
    if len(read) <= 1 and not left_out and not any(s["skipped"] for s in out):
        return []
    out.extend({"name": name, "left_out": why} for name, why in left_out)
    return out


def reasons(pairs: list[list]) -> list[dict]:
    return [{"code": code, "rows": rows, "label": REASONS.get(code, code)} for code, rows in pairs]


def readings(stored: list[dict]) -> list[dict]:
    """Each reading's stored value written the way the rest of the app shows it."""
    villages = {f["value"] for r in stored for f in r["fields"] if f["field"] == "village"}
    sectors = {f["value"] for r in stored for f in r["fields"] if f["field"] == "sector"}
    village_names = dict(Area.objects.filter(code__in=villages).values_list("code", "name"))
    sector_names = dict(Sector.objects.filter(pk__in=sectors).values_list("pk", "name"))
    shown = {
        "birth_date": lambda v: format_date(dt.date.fromisoformat(v)),
        "income": format_rupiah,
        "sex": lambda v: SEX.get(v, v),
        "village": lambda v: village_names.get(v, v),
        "sector": lambda v: sector_names.get(v, v),
        "phone": str,
        "birthplace": str,
    }
    out = []
    for reading in stored:
        fields = [
            {**f, "shown": shown[f["field"]](f["value"])}
            for f in reading["fields"]
            if f["field"] in shown
        ]
        out.append({**reading, "fields": fields})
    return out

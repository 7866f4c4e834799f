"""Import of BPJS Ketenagakerjaan aggregate participant counts (per area, month and segment).

Columns: kode_wilayah, bulan (YYYY-MM), segmen (PU / BPU / JAKON), jumlah; optional sumber.
Alternatively one row per area and month with columns pu, bpu, jakon. All rows are checked
first; nothing is saved unless every row is valid. Re-importing a month replaces its figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from lindung.areas.models import Area
from lindung.areas.services import normalise_code
from lindung.core.spreadsheet import read_table

from .models import BpjsReportCount, BpjsSegment
from .periods import parse_period

CODE = ("kode_wilayah", "kode wilayah", "kode", "code")
PERIOD = ("bulan", "periode", "period")
SEGMENT = ("segmen", "segment", "jenis")
COUNT = ("jumlah", "peserta", "peserta_aktif", "participants")
NOTE = ("sumber", "keterangan", "source")
WIDE = {"pu": BpjsSegment.PU, "bpu": BpjsSegment.BPU, "jakon": BpjsSegment.JAKON}


@dataclass
class BpjsImport:
    saved: int = 0
    errors: list[str] = field(default_factory=list)


def _pick(row: dict[str, str], names: tuple[str, ...]) -> str:
    for name in names:
        if name in row:
            return row[name].strip()
    return ""


def _count(raw: str) -> int | None:
    raw = raw.replace(".", "").replace(",", "").replace(" ", "")
    return int(raw) if raw.isdigit() else None


def import_bpjs_counts(name: str, data: bytes, *, user=None, scope_code: str = "") -> BpjsImport:
    result = BpjsImport()
    rows = read_table(name, data)
    codes = {normalise_code(_pick(r, CODE)) for r in rows}
    known = set(Area.objects.filter(code__in=codes).values_list("code", flat=True))
    parsed: dict[tuple, tuple[int, str]] = {}
    for i, row in enumerate(rows, start=2):
        code = normalise_code(_pick(row, CODE))
        period = parse_period(_pick(row, PERIOD))
        if code not in known:
            result.errors.append(f"Baris {i}: kode wilayah '{code}' tidak dikenal.")
            continue
        if scope_code and not (code == scope_code or code.startswith(scope_code + ".")):
            result.errors.append(f"Baris {i}: wilayah {code} di luar wilayah kerja Anda.")
            continue
        if period is None:
            result.errors.append(
                f"Baris {i}: bulan '{_pick(row, PERIOD)}' tidak valid; gunakan format 2026-01."
            )
            continue
        pairs: list[tuple[str, str]] = []
        if any(k in row for k in WIDE):
            pairs = [(seg, row[k]) for k, seg in WIDE.items() if row.get(k, "").strip()]
        else:
            seg_raw = _pick(row, SEGMENT).upper().replace(" ", "")
            segment = {"JASAKONSTRUKSI": "JAKON"}.get(seg_raw, seg_raw)
            if segment not in BpjsSegment.values:
                result.errors.append(
                    f"Baris {i}: segmen '{_pick(row, SEGMENT)}' tidak dikenal; "
                    "isi PU, BPU atau JAKON."
                )
                continue
            pairs = [(segment, _pick(row, COUNT))]
        if not pairs:
            result.errors.append(f"Baris {i}: tidak ada jumlah peserta.")
            continue
        for segment, raw in pairs:
            n = _count(raw)
            if n is None:
                result.errors.append(f"Baris {i}: jumlah peserta {segment} '{raw}' bukan angka.")
                continue
            key = (code, period, segment)
            if key in parsed:
                result.errors.append(
                    f"Baris {i}: {code} {period:%Y-%m} {segment} sudah ada di baris sebelumnya."
                )
                continue
            parsed[key] = (n, _pick(row, NOTE)[:255])
    if result.errors:
        return result
    with transaction.atomic():
        for (code, period, segment), (n, note) in parsed.items():
            BpjsReportCount.objects.update_or_create(
                area_id=code,
                period=period,
                segment=segment,
                defaults={"participants": n, "source_note": note, "imported_by": user},
            )
            result.saved += 1
    return result

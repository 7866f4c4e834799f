"""Import of workforce denominators (working population per area per year)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from lindung.core.spreadsheet import read_table

from .models import Area, WorkforceDenominator
from .services import normalise_code

HEADERS = {
    "code": ("kode_wilayah", "kode", "kode wilayah", "code"),
    "year": ("tahun", "year"),
    "value": ("penduduk_bekerja", "penduduk bekerja", "jumlah", "working_population"),
    "source": ("sumber", "source"),
    "note": ("keterangan", "catatan", "note"),
}
SOURCE_ALIASES = {s.value: s.value for s in WorkforceDenominator.Source} | {
    "bps": WorkforceDenominator.Source.BPS_BEKERJA,
    "potensi": WorkforceDenominator.Source.BPJS_POTENSI,
    "dukcapil": WorkforceDenominator.Source.DUKCAPIL_PRODUKTIF,
}


@dataclass
class DenominatorImport:
    saved: int = 0
    errors: list[str] = field(default_factory=list)


def _pick(row: dict[str, str], key: str) -> str:
    for name in HEADERS[key]:
        if name in row:
            return row[name]
    return ""


def import_denominators(name: str, data: bytes, *, scope_code: str = "") -> DenominatorImport:
    """All rows are checked first; nothing is saved unless every row is valid."""
    result = DenominatorImport()
    rows = read_table(name, data)
    parsed = []
    codes = {normalise_code(_pick(r, "code")) for r in rows}
    known = set(Area.objects.filter(code__in=codes).values_list("code", flat=True))
    for i, row in enumerate(rows, start=2):
        code = normalise_code(_pick(row, "code"))
        year_raw, value_raw = _pick(row, "year"), _pick(row, "value").replace(".", "")
        source = SOURCE_ALIASES.get(_pick(row, "source").strip().lower() or "bps")
        if code not in known:
            result.errors.append(f"Baris {i}: kode wilayah '{code}' tidak dikenal.")
            continue
        if scope_code and not (code == scope_code or code.startswith(scope_code + ".")):
            result.errors.append(f"Baris {i}: wilayah {code} di luar wilayah kerja Anda.")
            continue
        if not (year_raw.isdigit() and 2000 <= int(year_raw) <= 2100):
            result.errors.append(f"Baris {i}: tahun '{year_raw}' tidak valid.")
            continue
        if not value_raw.isdigit():
            result.errors.append(f"Baris {i}: jumlah penduduk bekerja '{value_raw}' bukan angka.")
            continue
        if source is None:
            result.errors.append(f"Baris {i}: sumber '{_pick(row, 'source')}' tidak dikenal.")
            continue
        parsed.append((code, int(year_raw), int(value_raw), source, _pick(row, "note")[:255]))
    if result.errors:
        return result
    with transaction.atomic():
        for code, year, value, source, note in parsed:
            WorkforceDenominator.objects.update_or_create(
                area_id=code,
                year=year,
                source=source,
                defaults={"working_population": value, "source_note": note},
            )
            result.saved += 1
    return result

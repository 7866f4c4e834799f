"""Lookups built once per import: villages of the regency and occupation sectors."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from lindung.areas.models import Area, AreaLevel
from lindung.workers.models import Sector

from .normalise import area_key

_CODE = re.compile(r"^(\d{2})\.?(\d{2})\.?(\d{2})\.?(\d{4})$")


@dataclass(frozen=True)
class VillageMatch:
    code: str | None
    problem: str | None = (
        None  # message key: village_missing / _unknown / _ambiguous / _out_of_scope
    )


class VillageIndex:
    """Village names of one regency, matched after dropping 'Desa'/'Ds.'/'Kel.' and case."""

    def __init__(self, regency_code: str, scope_code: str = ""):
        self.regency_code = regency_code
        self.scope_code = scope_code
        self.by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.kecamatan_by_name: dict[str, set[str]] = defaultdict(set)
        self.codes: set[str] = set()
        areas = Area.objects.within(regency_code).filter(
            level__in=[AreaLevel.KECAMATAN, AreaLevel.DESA]
        )
        for code, name, level, parent in areas.values_list("code", "name", "level", "parent_id"):
            if level == AreaLevel.DESA:
                self.by_name[area_key(name)].append((code, parent))
                self.codes.add(code)
            else:
                self.kecamatan_by_name[area_key(name)].add(code)
        self.regency_name = (
            Area.objects.filter(code=regency_code).values_list("name", flat=True).first() or ""
        )
        self._cache: dict[tuple[str, str], VillageMatch] = {}

    def in_scope(self, code: str) -> bool:
        return (
            not self.scope_code or code == self.scope_code or code.startswith(self.scope_code + ".")
        )

    def match(self, village: str | None, kecamatan: str | None) -> VillageMatch:
        key = (village or "", kecamatan or "")
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._match(*key)
        return found

    def _match(self, village: str, kecamatan: str) -> VillageMatch:
        name = area_key(village)
        if not name:
            return VillageMatch(None, "village_missing")
        digits = _CODE.match(village.strip())
        if digits:
            code = ".".join(digits.groups())
            return self._scoped(code if code in self.codes else None)
        candidates = self.by_name.get(name, [])
        kec = area_key(kecamatan)
        if kec and candidates:
            kec_codes = self.kecamatan_by_name.get(kec, set())
            if kec_codes:
                candidates = [c for c in candidates if c[1] in kec_codes]
        if len(candidates) > 1:
            return VillageMatch(None, "village_ambiguous")
        return self._scoped(candidates[0][0] if candidates else None)

    def _scoped(self, code: str | None) -> VillageMatch:
        if code is None:
            return VillageMatch(None, "village_unknown")
        if not self.in_scope(code):
            return VillageMatch(None, "village_out_of_scope")
        return VillageMatch(code)


# Occupation words seen in village lists -> sector codes seeded by the workers app.
SECTOR_SYNONYMS: dict[str, str] = {
    "buruh tani": "buruh-tani", "buruh harian tani": "buruh-tani", "btl tani": "buruh-tani",
    "petani tembakau": "petani-tembakau", "tani tembakau": "petani-tembakau",
    "buruh tani tembakau": "buruh-tani-tembakau", "buruh tembakau": "buruh-tani-tembakau",
    "pengoven tembakau": "buruh-tani-tembakau", "buruh oven": "buruh-tani-tembakau",
    "petani": "petani", "pekebun": "petani", "peternak": "petani", "tani": "petani",
    "nelayan": "nelayan", "buruh nelayan": "nelayan", "pembudidaya ikan": "nelayan",
    "umkm": "pelaku-umkm", "pelaku umkm": "pelaku-umkm", "wiraswasta": "pelaku-umkm",
    "wirausaha": "pelaku-umkm", "usaha mikro": "pelaku-umkm", "pengrajin": "pelaku-umkm",
    "pedagang": "pedagang", "pedagang keliling": "pedagang", "dagang": "pedagang",
    "pekerja dapur mbg": "pekerja-dapur-mbg", "dapur mbg": "pekerja-dapur-mbg",
    "relawan mbg": "pekerja-dapur-mbg", "sppg": "pekerja-dapur-mbg", "mbg": "pekerja-dapur-mbg",
    "marbot": "marbot-masjid", "marbot masjid": "marbot-masjid", "takmir": "marbot-masjid",
    "guru ngaji": "guru-ngaji", "ustadz": "guru-ngaji", "ojek": "ojek", "ojol": "ojek",
    "tukang ojek": "ojek", "juru parkir": "juru-parkir", "jukir": "juru-parkir",
    "parkir": "juru-parkir", "buruh pelabuhan": "buruh-pelabuhan", "porter": "buruh-pelabuhan",
    "buruh harian lepas": "buruh-harian-lepas", "bhl": "buruh-harian-lepas",
    "buruh": "buruh-harian-lepas", "kuli": "buruh-harian-lepas",
    "buruh bangunan": "buruh-harian-lepas", "tukang": "buruh-harian-lepas",
    "kader posyandu": "kader-desa", "kader": "kader-desa", "pkk": "kader-desa",
    "rt": "kader-desa", "rw": "kader-desa", "ketua rt": "kader-desa",
    "perangkat desa": "perangkat-desa", "kadus": "perangkat-desa", "kepala dusun": "perangkat-desa",
}  # fmt: skip
DEFAULT_SECTOR_CODES = ("lainnya", "lain-lain")


class SectorIndex:
    """Maps 'Pekerjaan' text to a sector: code, name or synonym; else the default sector.

    Unknown or empty text goes to the sector coded 'lainnya' (or the lowest-priority active
    sector when there is none); such rows get the verification flag 'sector_default'.
    """

    def __init__(self):
        sectors = list(Sector.objects.filter(is_active=True).order_by("priority", "name"))
        self.by_key: dict[str, Sector] = {}
        for sector in sectors:
            self.by_key[area_key(sector.code)] = sector
            self.by_key[area_key(sector.name)] = sector
        by_code = {s.code: s for s in sectors}
        for phrase, code in SECTOR_SYNONYMS.items():
            if code in by_code:
                self.by_key.setdefault(phrase, by_code[code])
        self._phrases = sorted(self.by_key, key=len, reverse=True)
        self.default = next((by_code[c] for c in DEFAULT_SECTOR_CODES if c in by_code), None)
        if self.default is None and sectors:
            self.default = max(sectors, key=lambda s: (s.priority, s.pk))
        self._cache: dict[str, tuple[Sector | None, bool]] = {}

    def match(self, text: str | None) -> tuple[Sector | None, bool]:
        """(sector, is_default)."""
        key = area_key(text)
        found = self._cache.get(key)
        if found is None:
            sector = self.by_key.get(key)
            if sector is None and key:
                padded = f" {key} "
                sector = next(
                    (self.by_key[p] for p in self._phrases if p and f" {p} " in padded), None
                )
            found = self._cache[key] = (sector, False) if sector else (self.default, True)
        return found

"""Where demo workers live and what work each kind of village offers.

Lombok Timur: tobacco on the dry southern plain (Keruak, Sakra, Sakra Barat/Timur, Jerowaru,
Terara, Montong Gading; DBHCHT funds farmers "across 18 kecamatan"), fishing on
the coasts of Tanjung Luar, Jerowaru, Labuhan Haji, Labuhan Lombok and Sambelia, vegetables
and cattle on the slopes of Rinjani (Sembalun, Tetebatu, Sapit), and trade in the kelurahan
of Selong and Labuhan Haji. Village sizes vary by a fixed factor per village code, so the
same village is large or small whatever the seed.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

REGENCY = "52.03"
LENEK = "52.03.21"
AIKMEL = "52.03.09"  # Lenek was split from Aikmel; older NIKs of Lenek people carry 52.03.09

TOBACCO_HIGH = {"01", "02", "03", "11", "18", "19", "20"}
TOBACCO_NONE = {"15"}
TOBACCO_LOW = {"07", "10", "17"}

COASTAL = {
    "52.03.01.2001",  # Tanjung Luar
    "52.03.01.2008",  # Ketapang Raya
    "52.03.01.2015",  # Pulau Maringkik
    "52.03.08.2004",  # Pohgading
    "52.03.08.2007",  # Labuhan Lombok
    "52.03.08.2009",  # Pohgading Timur
    "52.03.10.2001",  # Obel-obel
    "52.03.10.2002",  # Belanting
    "52.03.10.2003",  # Sambalia
    "52.03.10.2004",  # Labuhan Pandan
    "52.03.10.2005",  # Sugian
    "52.03.10.2008",  # Dadap
    "52.03.10.2011",  # Padak Guar
    "52.03.17.1004",  # Tanjung
    "52.03.17.2001",  # Labuhan Haji
    "52.03.17.2003",  # Teros
    "52.03.20.2001",  # Batu Nampar
    "52.03.20.2002",  # Sukaraja
    "52.03.20.2004",  # Pemongkong
    "52.03.20.2005",  # Sekaroh
    "52.03.20.2009",  # Ekas Buana
    "52.03.20.2011",  # Seriwe
    "52.03.20.2013",  # Batunampar Selatan
    "52.03.20.2015",  # Pare Mas
}
HIGHLAND = {
    "52.03.04.2006",  # Tete Batu
    "52.03.04.2011",  # Tetebatu Selatan
    "52.03.12.2009",  # Timbanuh
    "52.03.16.2005",  # Sapit
}
CRAFT = {
    "52.03.04.2004",  # Loyok: bamboo weaving
    "52.03.05.2004",  # Masbagik Timur: pottery
    "52.03.12.2002",  # Pringgasela: tenun
    "52.03.12.2010",  # Pringgasela Timur: tenun
}
SMALL = {"52.03.01.2015": 0.4}  # Pulau Maringkik is a small island

# Relative sector weights per kind of village (petani-tembakau is scaled by the tobacco level).
INLAND = {
    "buruh-tani": 26,
    "petani-tembakau": 12,
    "petani": 12,
    "buruh-harian-lepas": 9,
    "pelaku-umkm": 8,
    "pedagang": 7,
    "buruh-bangunan": 5,
    "peternak": 4,
    "tukang-ojek": 3,
    "pekerja-dapur-mbg": 2,
    "marbot-masjid": 2,
    "guru-ngaji": 2,
    "pengrajin": 2,
}
COAST = {
    **INLAND,
    "nelayan": 30,
    "buruh-tani": 12,
    "petani": 5,
    "buruh-harian-lepas": 10,
    "pedagang": 9,
}
HILLS = {
    **INLAND,
    "petani": 30,
    "buruh-tani": 22,
    "peternak": 8,
    "tukang-ojek": 5,
}
TOWN = {
    **INLAND,
    "pelaku-umkm": 22,
    "pedagang": 20,
    "buruh-harian-lepas": 14,
    "tukang-ojek": 8,
    "buruh-bangunan": 8,
    "pekerja-dapur-mbg": 5,
    "marbot-masjid": 3,
    "guru-ngaji": 3,
    "buruh-tani": 8,
    "petani": 3,
    "pengrajin": 3,
}
TOBACCO_SCALE = {"high": 2.0, "medium": 1.0, "low": 0.3, "none": 0.0}


@dataclass(frozen=True)
class Village:
    code: str
    kecamatan: str  # 52.03.07
    kind: str  # desa / kelurahan
    weight: float  # relative number of demo workers
    sectors: tuple[tuple[str, float], ...]  # (sector code, relative weight)


def tobacco_level(kecamatan: str) -> str:
    kk = kecamatan[-2:]
    if kk in TOBACCO_HIGH:
        return "high"
    if kk in TOBACCO_NONE:
        return "none"
    if kk in TOBACCO_LOW:
        return "low"
    return "medium"


def size_factor(code: str) -> float:
    """Fixed 0.6–1.5 factor from the code, so sizes do not depend on the seed."""
    factor = 0.6 + (zlib.crc32(code.encode()) % 1000) / 1000 * 0.9
    return factor * SMALL.get(code, 1.0)


def sector_weights(code: str, kind: str, available: set[str]) -> tuple[tuple[str, float], ...]:
    kecamatan = code[:8]
    if kind == "kelurahan":
        base = TOWN
    elif code in COASTAL:
        base = COAST
    elif code in HIGHLAND or kecamatan == "52.03.15":
        base = HILLS
    else:
        base = INLAND
    weights = dict(base)
    weights["petani-tembakau"] = base["petani-tembakau"] * TOBACCO_SCALE[tobacco_level(kecamatan)]
    if code in HIGHLAND or kecamatan == "52.03.15":
        weights["petani-tembakau"] = 0.0  # too high and wet for tobacco
    if code in CRAFT:
        weights["pengrajin"] = 15
    # Use only sectors that exist in this database (see sectors.ensure_sectors).
    return tuple((c, float(w)) for c, w in sorted(weights.items()) if w > 0 and c in available)


def villages(rows: list[tuple[str, str]], available_sectors: set[str]) -> list[Village]:
    """Villages from (code, kind) rows, in code order."""
    result = []
    for code, kind in sorted(rows):
        weight = size_factor(code) * (1.3 if kind == "kelurahan" else 1.0)
        result.append(
            Village(code, code[:8], kind, weight, sector_weights(code, kind, available_sectors))
        )
    return result

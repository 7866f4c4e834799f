"""Occupations used by the demo: who does them (sex, age) and what they earn.

Sectors themselves belong to the workers app (seeded by its data migration); the demo only
creates the ones that are missing so it also works before that migration has landed.
Incomes are monthly rupiah, deliberately in the Rp500rb–Rp3jt band of informal work in
Lombok Timur; they are demo figures, not statistics.
"""

from __future__ import annotations

from dataclasses import dataclass

from lindung.workers.models import Sector


@dataclass(frozen=True)
class SectorProfile:
    code: str
    name: str
    priority: int
    female_share: float
    age: tuple[int, int, int]  # youngest, most common, oldest
    income: tuple[int, int, int]  # lowest, most common, highest (Rp per month)
    core: bool = False  # named in the workers seed; always expected to exist


PROFILES: dict[str, SectorProfile] = {
    p.code: p
    for p in (
        SectorProfile(
            "petani-tembakau",
            "Petani dan buruh tani tembakau",
            1,
            0.30,
            (17, 42, 68),
            (800_000, 1_600_000, 3_200_000),
            core=True,
        ),
        SectorProfile(
            "buruh-tani",
            "Buruh tani",
            2,
            0.45,
            (15, 38, 70),
            (500_000, 900_000, 1_800_000),
            core=True,
        ),
        SectorProfile(
            "nelayan", "Nelayan", 2, 0.08, (16, 38, 68), (700_000, 1_500_000, 3_000_000), core=True
        ),
        SectorProfile(
            "marbot-masjid",
            "Marbot masjid/musala",
            2,
            0.05,
            (25, 50, 70),
            (300_000, 600_000, 1_200_000),
            core=True,
        ),
        SectorProfile(
            "pekerja-dapur-mbg",
            "Pekerja dapur MBG (SPPG)",
            3,
            0.75,
            (18, 32, 55),
            (1_500_000, 2_000_000, 2_800_000),
            core=True,
        ),
        SectorProfile(
            "buruh-harian-lepas",
            "Buruh harian lepas",
            3,
            0.25,
            (17, 33, 60),
            (700_000, 1_300_000, 2_200_000),
            core=True,
        ),
        SectorProfile(
            "pelaku-umkm",
            "Pelaku UMKM",
            4,
            0.60,
            (18, 40, 68),
            (800_000, 1_800_000, 3_500_000),
            core=True,
        ),
        SectorProfile(
            "pedagang",
            "Pedagang kecil dan keliling",
            4,
            0.55,
            (18, 40, 68),
            (700_000, 1_500_000, 3_000_000),
            core=True,
        ),
        SectorProfile(
            "guru-ngaji", "Guru ngaji", 2, 0.45, (20, 42, 70), (300_000, 700_000, 1_500_000)
        ),
        SectorProfile(
            "petani",
            "Petani (padi, palawija, hortikultura)",
            3,
            0.30,
            (18, 45, 70),
            (700_000, 1_300_000, 3_000_000),
        ),
        SectorProfile(
            "buruh-bangunan",
            "Buruh bangunan",
            3,
            0.03,
            (17, 35, 60),
            (1_000_000, 1_800_000, 2_800_000),
        ),
        SectorProfile(
            "peternak", "Peternak", 4, 0.20, (18, 45, 70), (600_000, 1_200_000, 2_500_000)
        ),
        SectorProfile(
            "tukang-ojek", "Tukang ojek", 4, 0.0, (18, 35, 60), (800_000, 1_500_000, 2_500_000)
        ),
        SectorProfile(
            "pengrajin",
            "Pengrajin (gerabah, tenun, anyaman)",
            4,
            0.65,
            (18, 42, 70),
            (500_000, 1_100_000, 2_200_000),
        ),
    )
}


def ensure_sectors() -> dict[str, Sector]:
    """Sectors by code for every profile the demo can use.

    Core sectors are created when missing. The others are created only while the workers
    seed migration has not landed (some core sector is missing); once it has, the demo uses
    what the seed provides and leaves the list alone.
    """
    existing = {s.code: s for s in Sector.objects.filter(code__in=PROFILES)}
    seeded = all(code in existing for code, p in PROFILES.items() if p.core)
    for code, profile in PROFILES.items():
        if code in existing or (seeded and not profile.core):
            continue
        existing[code], _ = Sector.objects.get_or_create(
            code=code, defaults={"name": profile.name, "priority": profile.priority}
        )
    return existing

"""Demo people: pure generation (no database), deterministic for a given random generator."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass

from lindung.core.demo import names
from lindung.workers.nik import compose_nik

from .geography import AIKMEL, LENEK, Village
from .sectors import PROFILES

MIN_AGE, MAX_AGE = 15, 70
# DTSEN desil 1 (poorest) … 10; villagers in worker lists skew poor.
DESIL_WEIGHTS = (18, 16, 14, 12, 10, 9, 7, 6, 5, 3)
DESIL_SHARE = 0.55  # share of demo workers matched to DTSEN
PHONE_SHARE = 0.8
MENAK_SHARE = 0.07  # Lalu/Baiq
OLD_AIKMEL_NIK_SHARE = 0.35  # Lenek residents whose NIK predates the split


@dataclass(slots=True)
class PersonSpec:
    nik: str
    name: str
    sex: str
    birth_date: dt.date
    village: str
    address: str
    phone: str
    sector: str
    monthly_income: int
    poverty_desil: int | None


def _birth_date(rng: random.Random, today: dt.date, age_range: tuple[int, int, int]) -> dt.date:
    low, mode, high = age_range
    low, high = max(low, MIN_AGE), min(high, MAX_AGE)
    age = int(rng.triangular(low, high + 0.999, min(max(mode, low), high)))
    age = min(max(age, MIN_AGE), MAX_AGE)
    # A birthday between `age` and `age + 1` years ago, so the age today is exactly `age`.
    latest = _years_before(today, age)
    earliest = _years_before(today, age + 1) + dt.timedelta(days=1)
    return earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _income(rng: random.Random, band: tuple[int, int, int]) -> int:
    low, mode, high = band
    # Round to Rp50.000: people state their income in round numbers.
    return max(300_000, round(rng.triangular(low, high, mode) / 50_000) * 50_000)


class NikSerials:
    """Unique serials per NIK prefix (region + birth digits), skipping NIKs already stored."""

    def __init__(self, rng: random.Random, taken: set[str] | None = None):
        self.rng = rng
        self.next: dict[str, int] = {}
        self.taken = taken or set()

    def nik(self, region: str, birth: dt.date, sex: str) -> str:
        prefix = compose_nik(region, birth, sex, 1)[:12]
        serial = self.next.get(prefix)
        if serial is None:
            serial = 1 + self.rng.randrange(40)  # Dukcapil serials rarely start at 0001 here
        while True:
            if serial > 9999:
                raise RuntimeError(f"NIK serials exhausted for {prefix}")
            nik = compose_nik(region, birth, sex, serial)
            serial += 1
            if nik not in self.taken:
                break
        self.next[prefix] = serial
        return nik


def village_sequence(rng: random.Random, villages: list[Village], count: int) -> Iterator[Village]:
    """Every village once (in a shuffled order) while count allows, then weighted draws.

    So any run with at least as many workers as villages covers all 254 of them.
    """
    first = list(villages)
    rng.shuffle(first)
    weights = list(itertools.accumulate(v.weight for v in villages))
    for i in range(count):
        if i < len(first):
            yield first[i]
        else:
            yield rng.choices(villages, cum_weights=weights)[0]


def generate_people(
    rng: random.Random,
    villages: list[Village],
    count: int,
    today: dt.date,
    taken_niks: set[str] | None = None,
) -> Iterator[PersonSpec]:
    serials = NikSerials(rng, taken_niks)
    for village in village_sequence(rng, villages, count):
        codes, weights = zip(*village.sectors, strict=True)
        sector = rng.choices(codes, weights)[0]
        profile = PROFILES[sector]
        sex = "P" if rng.random() < profile.female_share else "L"
        birth = _birth_date(rng, today, profile.age)
        region = village.kecamatan
        if region == LENEK and birth.year < 2005 and rng.random() < OLD_AIKMEL_NIK_SHARE:
            region = AIKMEL
        nik = serials.nik(region, birth, sex)
        menak = rng.random() < MENAK_SHARE
        yield PersonSpec(
            nik=nik,
            name=names.person_name(rng, sex, age_on(birth, today), menak),
            sex=sex,
            birth_date=birth,
            village=village.code,
            address=names.address(rng),
            phone=names.phone(rng) if rng.random() < PHONE_SHARE else "",
            sector=sector,
            monthly_income=_income(rng, profile.income),
            poverty_desil=(
                rng.choices(range(1, 11), DESIL_WEIGHTS)[0] if rng.random() < DESIL_SHARE else None
            ),
        )

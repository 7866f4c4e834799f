"""Test builders of workers and the areas they live in, plus everything in core.testing:
an app's tests `from lindung.workers import testing` and build users, villages and workers.

Kept out of core.testing so that core imports no domain app (pyproject.toml, layers)."""

from __future__ import annotations

import datetime as dt

from lindung.areas.services import load_areas
from lindung.core.testing import (
    BAD_FILTER_VALUES,
    KECAMATAN_A,
    KECAMATAN_B,
    PASSWORD,
    REGENCY,
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
    ListFilterTests,
    MaskedPersonalDataTests,
    ReadOnlyRoleTests,
    ScopedRecordTests,
    _serials,
    make_user,
    role_users,
    snapshot,
    watch_csp,
)

from .models import Sector, Worker
from .nik import compose_nik

__all__ = [
    "BAD_FILTER_VALUES",
    "KECAMATAN_A",
    "KECAMATAN_B",
    "PASSWORD",
    "REGENCY",
    "VILLAGE_A",
    "VILLAGE_A2",
    "VILLAGE_B",
    "ListFilterTests",
    "MaskedPersonalDataTests",
    "ReadOnlyRoleTests",
    "ScopedRecordTests",
    "make_user",
    "role_users",
    "snapshot",
    "watch_csp",
    "default_sector",
    "load_lombok_timur",
    "make_worker",
]


def load_lombok_timur() -> None:
    load_areas(prefix=REGENCY)


def default_sector() -> Sector:
    sector, _ = Sector.objects.get_or_create(
        code="buruh-tani", defaults={"name": "Buruh tani", "priority": 2}
    )
    return sector


def make_worker(village_code: str = VILLAGE_A, **fields) -> Worker:
    sex = fields.pop("sex", "L")
    birth = fields.pop("birth_date", dt.date(1985, 3, 14))
    nik = fields.pop("nik", compose_nik(village_code[:8], birth, sex, next(_serials) % 9999 + 1))
    return Worker.objects.create(
        nik=nik,
        name=fields.pop("name", f"Pekerja {nik[-4:]}"),
        sex=sex,
        birth_date=birth,
        village_id=village_code,
        sector=fields.pop("sector", None) or default_sector(),
        **fields,
    )

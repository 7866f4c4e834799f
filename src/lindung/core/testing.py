"""Builders for tests (and nothing else): users per role, workers with valid NIKs."""

from __future__ import annotations

import datetime as dt
import itertools

from lindung.accounts.models import Role, User
from lindung.areas.services import load_areas
from lindung.workers.models import Sector, Worker
from lindung.workers.nik import compose_nik

PASSWORD = "uji-Lindung-2026!"
_serials = itertools.count(1)

# Two villages in different kecamatan of Lombok Timur, and one in the same kecamatan as the first.
VILLAGE_A = "52.03.07.2012"  # Danggen Timur, Selong
VILLAGE_A2 = "52.03.07.1001"  # Pancor, Selong
VILLAGE_B = "52.03.01.2001"  # Tanjung Luar, Keruak
KECAMATAN_A = "52.03.07"
KECAMATAN_B = "52.03.01"
REGENCY = "52.03"


def load_lombok_timur() -> None:
    load_areas(prefix=REGENCY)


def make_user(role: str, area_code: str | None, username: str | None = None) -> User:
    username = username or f"{role}-{(area_code or 'none').replace('.', '')}-{next(_serials)}"
    user = User(username=username, role=role, area_id=area_code, first_name=username)
    user.set_password(PASSWORD)
    user.save()
    return user


def role_users() -> dict[str, User]:
    """One user per role, each bound to the natural area for that role, inside area A."""
    return {
        Role.ADMIN_KABUPATEN: make_user(Role.ADMIN_KABUPATEN, REGENCY),
        Role.PETUGAS_BPJS: make_user(Role.PETUGAS_BPJS, REGENCY),
        Role.CAMAT: make_user(Role.CAMAT, KECAMATAN_A),
        Role.OPERATOR_DESA: make_user(Role.OPERATOR_DESA, VILLAGE_A),
        Role.VIEWER: make_user(Role.VIEWER, REGENCY),
    }


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


def watch_csp(page) -> list[str]:
    """Chromium reports each refusal on the console ("...violates the following Content
    Security Policy directive..."); collect them while the page is used."""
    refused: list[str] = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return refused

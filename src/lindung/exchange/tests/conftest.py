import datetime as dt

import pytest

from lindung.enrollment.models import Membership
from lindung.workers import testing

NAMES = [
    "Baiq Nurhayati", "Lalu Muhammad Zohri", "Inaq Sahnun", "Amaq Jumenah",
    "Sri Wahyuni", "Hj. Rabiatul Adawiyah", "Muhammad Ridwan", "Nurul Aini",
]  # fmt: skip


def verified(village: str, i: int, **fields) -> Membership:
    worker = testing.make_worker(
        village,
        name=NAMES[i % len(NAMES)],
        birth_date=dt.date(1970 + i, 1 + i % 12, 1 + i),
        sex="P" if i % 2 else "L",
        phone="081234567" + f"{i:03d}",
        address=fields.pop("address", f"Dusun {i}"),
    )
    return Membership.objects.create(
        worker=worker,
        village_id=village,
        declared_income=1_000_000,
        status="diverifikasi",
        funding_type=fields.pop("funding_type", "DANA_DESA"),
        **fields,
    )


@pytest.fixture
def registrations(users):
    """Six verified registrations in village A, one in village B."""
    inside = [verified(testing.VILLAGE_A, i) for i in range(6)]
    outside = verified(testing.VILLAGE_B, 7)
    return {"in": inside, "out": outside}

"""Builders for coverage tests: memberships with chosen dates, denominators, BPJS counts."""

import datetime as dt

import pytest

from lindung.areas.models import WorkforceDenominator
from lindung.enrollment.models import Membership, MembershipStatus
from lindung.workers import testing
from lindung.workers.models import Sector

D = dt.date
DEFAULT_START = D(2025, 6, 1)
DEFAULT_PAID = D(2026, 12, 31)


def member(
    village: str = testing.VILLAGE_A,
    *,
    start: dt.date | None = DEFAULT_START,
    paid_until: dt.date | None = DEFAULT_PAID,
    end: dt.date | None = None,
    status: str = MembershipStatus.AKTIF,
    funding: str = "DANA_DESA",
    sector: Sector | None = None,
    name: str | None = None,
) -> Membership:
    extra = {"name": name} if name else {}
    worker = testing.make_worker(village, sector=sector, **extra)
    return Membership.objects.create(
        worker=worker,
        village_id=village,
        status=status,
        declared_income=1_000_000,
        funding_type=funding,
        coverage_start=start,
        paid_until=paid_until,
        coverage_end=end,
    )


def denominator(code: str, year: int, value: int, source: str = "bps_bekerja"):
    return WorkforceDenominator.objects.create(
        area_id=code, year=year, working_population=value, source=source
    )


@pytest.fixture
def fisher(db):
    sector, _ = Sector.objects.get_or_create(
        code="nelayan", defaults={"name": "Nelayan", "priority": 3}
    )
    return sector

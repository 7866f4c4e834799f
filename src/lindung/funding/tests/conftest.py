"""Builders for funding tests: sources and memberships inside the test areas."""

import datetime as dt

import pytest
from django.test import override_settings

from lindung.enrollment.models import Membership, MembershipStatus
from lindung.funding.models import FundingSource
from lindung.workers import testing
from lindung.workers.models import Sector


@pytest.fixture(autouse=True)
def _sync_scenarios():
    with override_settings(LINDUNG_FUNDING_SYNC=True, LINDUNG_FUNDING_RAISE=True):
        yield


def sector(code: str, priority: int = 5) -> Sector:
    obj, _ = Sector.objects.get_or_create(code=code, defaults={"name": code, "priority": priority})
    return obj


def member(
    village: str = testing.VILLAGE_A,
    *,
    income: int = 1_000_000,
    jht: bool = False,
    sector_code: str = "buruh-tani",
    desil: int | None = None,
    paid_until: dt.date | None = dt.date(2025, 12, 31),
    status: str = MembershipStatus.AKTIF,
    name: str | None = None,
) -> Membership:
    extra = {"name": name} if name else {}
    worker = testing.make_worker(village, sector=sector(sector_code), poverty_desil=desil, **extra)
    return Membership.objects.create(
        worker=worker,
        village_id=village,
        status=status,
        declared_income=income,
        with_jht=jht,
        coverage_start=dt.date(2025, 1, 1),
        paid_until=paid_until,
    )


def source(
    source_type: str = "APBD",
    owner: str = testing.REGENCY,
    *,
    amount: int = 10_000_000,
    year: int = 2026,
    start: dt.date | None = None,
    months: int = 12,
    name: str | None = None,
    **fields,
) -> FundingSource:
    return FundingSource.objects.create(
        name=name or f"{source_type} {owner} {year}",
        source_type=source_type,
        fiscal_year=year,
        start_month=start or dt.date(year, 1, 1),
        months=months,
        owner_area_id=owner,
        amount=amount,
        **fields,
    )

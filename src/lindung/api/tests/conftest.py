import datetime as dt

import pytest

from lindung.accounts.tokens import issue_token
from lindung.claims.models import Claim, Heir
from lindung.enrollment.models import ContributionPayment, Membership
from lindung.funding.models import Commitment, FundingSource
from lindung.outreach.models import Activity, Team
from lindung.workers import testing


def bearer(user):
    _, raw = issue_token(user, "uji")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _village_objects(village: str, suffix: str) -> dict:
    worker = testing.make_worker(village)
    membership = Membership.objects.create(
        worker=worker,
        village_id=village,
        declared_income=1_000_000,
        status="aktif",
        coverage_start=dt.date(2026, 1, 1),
        paid_until=dt.date(2026, 12, 31),
    )
    payment = ContributionPayment.objects.create(
        membership=membership,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        months=12,
        amount=201_600,
        expected_amount=201_600,
        funding_type="MANDIRI",
        paid_on=dt.date(2026, 1, 5),
    )
    source = FundingSource.objects.create(
        name=f"Dana Desa {suffix}",
        source_type="DANA_DESA",
        wadah_code="SD",
        fiscal_year=2026,
        start_month=dt.date(2026, 1, 1),
        months=12,
        owner_area_id=village,
        amount=10_000_000,
        allocated=201_600,
    )
    commitment = Commitment.objects.create(
        source=source,
        membership=membership,
        start_month=dt.date(2026, 1, 1),
        months=12,
        end_month=dt.date(2026, 12, 1),
        cost=201_600,
    )
    team = Team.objects.create(village_id=village, name=f"Tim {suffix}")
    activity = Activity.objects.create(
        team=team, date=dt.date(2026, 2, 3), kind="mosque", place="Masjid", attendees=30
    )
    claim = Claim.objects.create(
        membership=membership,
        claim_type="JKM",
        event_date=dt.date(2026, 3, 2),
        report_date=dt.date(2026, 3, 9),
    )
    heir = Heir.objects.create(
        claim=claim, name="Inaq Sahnun", nik="5203074707880002", relationship="janda"
    )
    return {
        "worker": worker,
        "membership": membership,
        "payment": payment,
        "source": source,
        "commitment": commitment,
        "team": team,
        "activity": activity,
        "claim": claim,
        "heir": heir,
        "village": village,
    }


@pytest.fixture
def world(users):
    """The same set of records in village A (inside every test user's area) and village B."""
    return {
        "in": _village_objects(testing.VILLAGE_A, "A"),
        "out": _village_objects(testing.VILLAGE_B, "B"),
    }

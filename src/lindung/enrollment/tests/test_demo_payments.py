"""The demo's memberships have the payments behind their dates; budgets show realisation."""

import datetime as dt
import random

import pytest

from lindung.core import testing
from lindung.enrollment import demo
from lindung.enrollment.demo import demo_payments
from lindung.enrollment.models import ContributionPayment, Membership, MembershipStatus
from lindung.funding import providers, services
from lindung.funding.models import Commitment, CommitmentStatus, FundingSource
from lindung.funding.tests.conftest import member, sector

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 20)


@pytest.mark.parametrize("id_slice", [10_000, 2])  # 2: the commitments read in several slices
def test_demo_payments_follow_dates_and_realise_commitments(users, monkeypatch, id_slice):
    monkeypatch.setattr(demo, "ID_SLICE", id_slice)
    sector("petani-tembakau", 1)
    members = [
        member(sector_code="petani-tembakau", desil=3, paid_until=dt.date(2026, 6, 30))
        for _ in range(4)
    ]
    members += [member(testing.VILLAGE_B, desil=d, paid_until=dt.date(2026, 5, 31)) for d in (1, 2)]
    members += [member(testing.VILLAGE_A2, desil=2, paid_until=dt.date(2026, 6, 30))]  # kelurahan
    context = {
        "today": TODAY,
        "regency": testing.REGENCY,
        "users": users,
        "membership_ids": [m.pk for m in members],
    }
    providers.demo_funding(random.Random(1), context)
    assert not FundingSource.objects.filter(
        source_type="DANA_DESA", owner_area_id=testing.VILLAGE_A2
    ).exists()
    summary = demo_payments(random.Random(1), context)
    assert "pembayaran iuran" in summary
    for m in Membership.objects.filter(status=MembershipStatus.AKTIF):
        payments = list(m.payments.order_by("period_start"))
        assert payments, "an active membership shows its payments"
        assert payments[-1].period_end == m.paid_until
        for before, after in zip(payments, payments[1:], strict=False):
            assert after.period_start == before.period_end + dt.timedelta(days=1)
    paid = Commitment.objects.filter(status=CommitmentStatus.DIBAYAR)
    assert paid.exists()
    for c in paid.select_related("payment", "source"):
        assert c.payment.amount == c.cost and c.payment.months == c.months
        assert c.payment.funding_type == c.source.source_type
    for src in FundingSource.objects.all():
        assert services.recompute_allocated(src) == (src.allocated, src.spent)
    assert FundingSource.objects.filter(spent__gt=0).exists()  # "Terealisasi" is not Rp0
    assert ContributionPayment.objects.filter(note="Data demo").count() >= len(paid)

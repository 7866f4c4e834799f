"""A budget's commitment prices its months once; the payment for them realises the budget."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lindung.core import testing
from lindung.enrollment.models import ContributionPayment, FundingType
from lindung.enrollment.services import record_payment
from lindung.funding import services
from lindung.funding.models import CommitmentStatus

from .conftest import member, source

pytestmark = pytest.mark.django_db
PAID_ON = dt.date(2026, 1, 5)


def dana_desa_commitment(months: int = 12):
    m = member(income=1_000_000)  # recorded as MANDIRI, as the demo's memberships were
    src = source("DANA_DESA", owner=testing.VILLAGE_A, months=12)
    return m, src, services.commit(m, src, months=months)


def test_payment_is_priced_by_the_commitment_and_realises_the_budget(lotim):
    m, src, c = dana_desa_commitment()
    # Dana Desa is outside the PP 50/2025 discount: 12 × (10.000 + 6.800).
    assert c.cost == 201_600
    payment = record_payment(m, months=12, paid_on=PAID_ON, by=None)
    assert payment.expected_amount == payment.amount == 201_600
    assert payment.funding_type == FundingType.DANA_DESA
    c.refresh_from_db()
    src.refresh_from_db()
    assert c.status == CommitmentStatus.DIBAYAR and c.payment_id == payment.pk
    assert src.spent == 201_600  # "Terealisasi"
    assert services.recompute_allocated(src) == (src.allocated, src.spent)
    m.refresh_from_db()
    assert m.paid_until == dt.date(2026, 12, 31)
    assert m.funding_type == FundingType.DANA_DESA


def test_mark_paid_records_the_contribution_months(lotim):
    m, src, c = dana_desa_commitment(months=8)
    services.mark_paid(c, paid_on=PAID_ON)
    payment = ContributionPayment.objects.get(membership=m)
    assert (payment.period_start, payment.period_end) == (dt.date(2026, 1, 1), dt.date(2026, 8, 31))
    assert payment.amount == 8 * 16_800
    src.refresh_from_db()
    assert src.spent == 8 * 16_800


@pytest.mark.parametrize(
    ("months", "amount", "reason"),
    [
        (1, None, "pembayaran 1 bulan tidak sesuai komitmen"),
        (6, None, "pembayaran 6 bulan tidak sesuai komitmen"),
        (12, 126_000, "tidak sama dengan komitmen"),
        (12, 201_599, "tidak sama dengan komitmen"),
    ],
)
def test_payment_disagreeing_with_its_commitment_is_refused(lotim, months, amount, reason):
    m, src, c = dana_desa_commitment()
    with pytest.raises(ValidationError) as err:
        record_payment(m, months=months, paid_on=PAID_ON, by=None, amount=amount)
    assert reason in " ".join(err.value.messages)
    assert not ContributionPayment.objects.filter(membership=m).exists()
    src.refresh_from_db()
    c.refresh_from_db()
    assert src.spent == 0 and c.status == CommitmentStatus.DIALOKASIKAN


def test_payment_running_into_a_later_commitment_is_refused(lotim):
    m = member(income=1_000_000)
    src = source("APBD", start=dt.date(2026, 3, 1), months=10)
    services.commit(m, src)
    with pytest.raises(ValidationError, match="bertumpang tindih"):
        record_payment(m, months=3, paid_on=PAID_ON, by=None)  # Jan–Mar, March is funded


def test_commitment_priced_after_income_change_is_refused_with_reason(lotim):
    m, src, c = dana_desa_commitment()
    m.declared_income = 3_000_000
    m.save()
    with pytest.raises(ValidationError, match="Batalkan lalu buat ulang"):
        record_payment(m, months=12, paid_on=PAID_ON, by=None)


def test_payment_without_commitment_keeps_membership_pricing(lotim):
    m = member(income=1_000_000)
    payment = record_payment(m, months=3, paid_on=PAID_ON, by=None)
    assert payment.funding_type == FundingType.MANDIRI and payment.expected_amount == 3 * 16_800

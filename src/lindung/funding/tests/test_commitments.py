import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from lindung.core import testing
from lindung.enrollment import tariffs
from lindung.funding import services
from lindung.funding.models import CommitmentStatus, FundingSource

from .conftest import member, sector, source

pytestmark = pytest.mark.django_db


def test_apbd_cost_is_full_jkk_plus_jkm_per_month(lotim):
    # APBD-paid BPU are excluded from the PP 50/2025 discount (§1.2): 10.000 + 6.800 per month.
    m = member(income=1_000_000)
    src = source("APBD", months=8)
    c = services.commit(m, src)
    assert c.cost == 8 * 16_800
    assert c.start_month == dt.date(2026, 1, 1) and c.end_month == dt.date(2026, 8, 1)
    src.refresh_from_db()
    assert src.allocated == 134_400 and src.remaining == src.amount - 134_400


def test_jht_adds_two_percent_of_income(lotim):
    m = member(income=1_000_000, jht=True, sector_code="petani-tembakau")  # DBHCHT's sector
    c = services.commit(m, source("DBHCHT", months=3))
    assert c.cost == 3 * (16_800 + 20_000)


def test_csr_gets_pp50_discount_only_from_april(lotim):
    # CSR is not APBN/APBD money: 50% off JKK+JKM for contribution months Apr–Dec 2026.
    m = member(income=1_000_000)
    c = services.commit(m, source("CSR", months=12))
    assert c.cost == 3 * 16_800 + 9 * 8_400
    expected = tariffs.period_cost(1_000_000, dt.date(2026, 1, 1), 12, funding_type="CSR")
    assert c.cost == expected


def test_partial_period_inside_budget_year(lotim):
    m = member()
    src = source("APBD", start=dt.date(2026, 3, 1), months=8)
    c = services.commit(m, src, start_month=dt.date(2026, 5, 1), months=3)
    assert c.cost == 3 * 16_800
    with pytest.raises(services.FundingError, match="di luar periode anggaran"):
        services.commit(member(), src, start_month=dt.date(2026, 9, 1), months=4)
    with pytest.raises(services.FundingError, match="di luar periode anggaran"):
        services.commit(member(), src, start_month=dt.date(2026, 1, 1), months=2)


def test_over_commitment_refused_with_message_and_nothing_saved(lotim):
    src = source("APBD", amount=16_800 * 12 * 2 + 100)
    a, b, c = member(), member(), member()
    services.commit_many([a, b], src)
    with pytest.raises(services.OverCommitment) as err:
        services.commit(c, src)
    text = " ".join(err.value.messages)
    assert "Anggaran tidak cukup" in text and "Rp100" in text and "Rp201.600" in text
    src.refresh_from_db()
    assert src.allocated == 16_800 * 24
    assert src.commitments.count() == 2


def test_batch_is_all_or_nothing(lotim):
    src = source("APBD", amount=16_800 * 12 * 2)
    people = [member() for _ in range(3)]
    with pytest.raises(services.OverCommitment):
        services.commit_many(people, src)
    src.refresh_from_db()
    assert src.allocated == 0 and src.commitments.count() == 0


def test_database_refuses_overcommitment_even_without_service(lotim):
    src = source("APBD", amount=1000)
    src.allocated = 1001
    with pytest.raises(IntegrityError), transaction.atomic():
        src.save()


def test_double_funding_same_months_refused(lotim):
    m = member()
    services.commit(m, source("APBD", months=6))
    dd = source("DANA_DESA", testing.VILLAGE_A, months=12)
    with pytest.raises(services.FundingError, match="sudah didanai"):
        services.commit(m, dd)
    # The months after the APBD period are free.
    c = services.commit(m, dd, start_month=dt.date(2026, 7, 1), months=6)
    assert c.months == 6
    dd.refresh_from_db()
    assert dd.allocated == c.cost


def test_eligibility_rules(lotim):
    src = source("DBHCHT", amount=10**9, max_poverty_desil=4)
    src.eligible_sectors.add(sector("petani-tembakau", 1))
    farmer = member(sector_code="petani-tembakau", desil=2)
    rich_farmer = member(sector_code="petani-tembakau", desil=7)
    labourer = member(sector_code="buruh-tani", desil=1)
    outside = member(testing.VILLAGE_B, sector_code="petani-tembakau", desil=1)
    assert services.eligibility_problems(farmer, src) == []
    assert any("Desil 7" in p for p in services.eligibility_problems(rich_farmer, src))
    assert any("bukan sasaran" in p for p in services.eligibility_problems(labourer, src))
    # VILLAGE_B is still inside the regency: eligible by area.
    assert services.eligibility_problems(outside, src) == []
    village_src = source("DANA_DESA", testing.VILLAGE_A)
    assert any("di luar wilayah" in p for p in services.eligibility_problems(outside, village_src))
    with pytest.raises(services.FundingError):
        services.commit(labourer, src)


def test_cancel_returns_budget_and_paid_cannot_be_cancelled(lotim):
    src = source("APBD", months=2)
    c1 = services.commit(member(), src)
    c2 = services.commit(member(), src)
    services.cancel(c1)
    services.mark_paid(c2)
    src.refresh_from_db()
    assert src.allocated == 2 * 16_800 and src.spent == 2 * 16_800
    assert services.recompute_allocated(src) == (src.allocated, src.spent)
    with pytest.raises(services.FundingError):
        services.cancel(c2)
    c1.refresh_from_db()
    assert c1.status == CommitmentStatus.DIBATALKAN


def test_budget_cannot_be_cut_below_allocated(lotim):
    src = source("APBD", amount=1_000_000, months=12)
    services.commit(member(), src)  # 201.600
    services.set_amount(src, 300_000)
    assert FundingSource.objects.get(pk=src.pk).amount == 300_000
    with pytest.raises(services.OverCommitment, match="Pagu tidak boleh"):
        services.set_amount(src, 200_000)


# (higher: sector, priority, desil) outranks (lower: sector, priority, desil)
PRIORITY_TABLE = [
    (("petani-tembakau", 1, 10), ("pelaku-umkm", 2, 1)),  # tobacco first, whatever the desil
    (("petani-tembakau", 1, None), ("pelaku-umkm", 2, 1)),
    (("pelaku-umkm", 2, 9), ("buruh-tani", 5, 1)),  # the UMKM desil 9 vs buruh tani
    (("pelaku-umkm", 2, 10), ("pekerja-dapur-mbg", 3, 1)),
    (("pekerja-dapur-mbg", 3, 10), ("marbot-masjid", 4, 1)),
    (("marbot-masjid", 4, 10), ("buruh-tani", 5, 1)),
    (("buruh-tani", 5, 1), ("buruh-tani", 5, 2)),  # desil orders within a tier
    (("buruh-tani", 5, 5), ("buruh-tani", 5, None)),  # unknown desil is neutral…
    (("buruh-tani", 5, None), ("buruh-tani", 5, 6)),  # …not last
]


@pytest.mark.parametrize(("higher", "lower"), PRIORITY_TABLE)
def test_priority_policy_sector_tiers_then_desil(lotim, higher, lower):
    policy = services.active_policy()
    assert policy.code == "bupati-2026"
    assert services.weight_of(policy, *higher) > services.weight_of(policy, *lower)


def test_policy_tiers_describe_the_order(lotim):
    tiers = services.policy_tiers(services.active_policy())
    names = [name for tier in tiers for name in tier["sectors"]]
    assert names.index("Petani tembakau") < names.index("Pelaku UMKM / usaha mikro")
    assert names.index("Pelaku UMKM / usaha mikro") < names.index("Pekerja dapur MBG (SPPG)")
    assert names.index("Pekerja dapur MBG (SPPG)") < names.index("Marbot masjid/mushola")
    for upper, lower in zip(tiers, tiers[1:], strict=False):
        assert upper["lowest"] > lower["highest"]  # no overlap: sector outranks desil

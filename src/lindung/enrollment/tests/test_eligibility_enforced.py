"""The dated eligibility rules hold at enrolment, activation, commitments and the optimiser."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lindung.enrollment import services
from lindung.enrollment.models import Membership, MembershipStatus
from lindung.funding import services as funding
from lindung.funding.models import FundingSource
from lindung.workers import testing
from lindung.workers.models import EligibilityOverride, Sector

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def born_years_ago(years: int) -> dt.date:
    return TODAY.replace(year=TODAY.year - years) - dt.timedelta(days=10)


def worker(age: int = 40, sector: str = "buruh-tani"):
    return testing.make_worker(
        testing.VILLAGE_A,
        birth_date=born_years_ago(age),
        sector=Sector.objects.get(code=sector),
    )


@pytest.mark.parametrize(
    ("age", "sector", "funding_type", "refused"),
    [
        (10, "buruh-tani", "MANDIRI", "di bawah usia minimum 15"),
        (14, "buruh-tani", "APBD", "di bawah usia minimum 15"),
        (15, "buruh-tani", "MANDIRI", None),
        (40, "buruh-tani", "DBHCHT", "bukan sasaran DBH Cukai Hasil Tembakau"),
        (40, "petani-tembakau", "DBHCHT", None),
        (40, "buruh-tani", "DANA_DESA", None),
    ],
)
def test_enrolment_applies_the_rules(users, age, sector, funding_type, refused):
    w = worker(age, sector)
    if refused is None:
        services.enrol(w, by=users["operator_desa"], declared_income=1_000_000,
                       funding_type=funding_type)  # fmt: skip
        assert Membership.objects.filter(worker=w).exists()
        return
    with pytest.raises(ValidationError) as err:
        services.enrol(w, by=users["operator_desa"], declared_income=1_000_000,
                       funding_type=funding_type)  # fmt: skip
    assert refused in " ".join(err.value.messages)
    assert not Membership.objects.filter(worker=w).exists()


def test_override_needs_an_authorised_user_and_is_recorded(client, users):
    child = worker(10)
    with pytest.raises(ValidationError, match="Hanya admin kabupaten"):
        services.enrol(child, by=users["operator_desa"], declared_income=1_000_000,
                       override_reason="Kepala keluarga")  # fmt: skip
    assert not EligibilityOverride.objects.exists()
    reason = "Anak yatim bekerja sebagai buruh tani; disetujui Kadis"
    m = services.enrol(child, by=users["admin_kabupaten"], declared_income=1_000_000,
                       override_reason=reason)  # fmt: skip
    o = EligibilityOverride.objects.get()
    assert o.worker == child and o.funding_type == "MANDIRI" and o.by == users["admin_kabupaten"]
    assert "di bawah usia minimum" in o.failed_checks and "Kadis" in o.reason
    assert m.status == MembershipStatus.DIDATA
    client.force_login(users["camat"])  # the audit trail is on the worker's page
    page = client.get(reverse("workers:detail", args=[child.pk])).content.decode()
    assert "Pengecualian syarat yang diberikan" in page and "disetujui Kadis" in page


def test_activation_applies_the_rules_but_a_returning_member_is_not_refused(users):
    child = worker(10)
    # A legacy record entered before enforcement.
    m = Membership.objects.create(
        worker=child, village_id=child.village_id, status=MembershipStatus.DIAJUKAN,
        declared_income=1_000_000, paid_until=TODAY + dt.timedelta(days=30),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="di bawah usia minimum"):
        services.transition(m, MembershipStatus.AKTIF, by=users["petugas_bpjs"])
    m.refresh_from_db()
    assert m.status == MembershipStatus.DIAJUKAN
    services.transition(m, MembershipStatus.AKTIF, by=users["petugas_bpjs"],
                        override_reason="Dikonfirmasi cabang")  # fmt: skip
    m.refresh_from_db()
    assert m.status == MembershipStatus.AKTIF
    services.transition(m, MembershipStatus.MENUNGGAK, by=None)
    services.transition(m, MembershipStatus.AKTIF, by=None)  # the override holds


def test_commitment_and_optimiser_apply_the_rules(users):
    from lindung.funding.models import Scenario, WeightPolicy
    from lindung.funding.scenarios import build

    src = FundingSource.objects.create(
        name="APBD", source_type="APBD", fiscal_year=TODAY.year + 1,
        start_month=dt.date(TODAY.year + 1, 1, 1), months=12, owner_area_id=testing.REGENCY,
        amount=10_000_000,
    )  # fmt: skip
    child, adult, other = worker(10), worker(40), worker(41)
    rows = {}
    for w in (child, adult, other):
        rows[w] = Membership.objects.create(
            worker=w, village_id=w.village_id, status=MembershipStatus.AKTIF,
            declared_income=1_000_000, coverage_start=dt.date(2025, 1, 1),
            paid_until=dt.date(TODAY.year, 12, 31),
        )  # fmt: skip
    with pytest.raises(funding.FundingError, match="di bawah usia minimum"):
        funding.commit(rows[child], src)
    funding.commit(rows[adult], src, months=1)
    scenario = Scenario.objects.create(
        name="uji", fiscal_year=TODAY.year + 1, area_id=testing.REGENCY,
        weight_policy=WeightPolicy.objects.first(),
    )  # fmt: skip
    built = build(scenario)
    candidates = [int(i) for i in built.ids]
    fundable = {candidates[int(i)] for i in built.inst.pair_cand}
    assert rows[child].pk in candidates  # listed, so the page can say why it is not funded
    assert rows[child].pk not in fundable and rows[other].pk in fundable


def test_enrol_page_offers_the_override_field(client, users):
    client.force_login(users["admin_kabupaten"])
    w = worker(10)
    url = reverse("enrollment:create", args=[w.pk])
    page = client.post(url, {"declared_income": 1_000_000, "funding_type": "MANDIRI",
                             "payment_period_months": 1}).content.decode()  # fmt: skip
    assert "di bawah usia minimum 15" in page and "Alasan pengecualian" in page
    data = {"declared_income": 1_000_000, "funding_type": "MANDIRI", "payment_period_months": 1}
    client.post(url, {**data, "override_reason": "Disetujui Kadis"})
    assert Membership.objects.filter(worker=w).exists()

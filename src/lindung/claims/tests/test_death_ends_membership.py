"""Recording a death ends the membership on that date, everywhere at once, or not at all."""

import datetime as dt

import pytest

from lindung.areas.models import Area
from lindung.claims.deceased import deceased_without_claim, record_death
from lindung.claims.forms import DeathReportForm
from lindung.claims.providers import worklist_sections
from lindung.core import testing
from lindung.enrollment.models import EndReason, Membership, MembershipStatus
from lindung.funding.models import CommitmentStatus, FundingSource
from lindung.funding.services import commit
from lindung.workers.forms import DeceasedForm
from lindung.workers.services import WorkerError, mark_deceased

from .conftest import make_membership

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
DEATH = TODAY - dt.timedelta(days=5)


def test_death_ends_the_membership_and_opens_the_worklist_entry(lotim, users):
    m = make_membership(paid_until=TODAY + dt.timedelta(days=60))
    record_death(m.worker, DEATH, users["operator_desa"])
    m.refresh_from_db()
    assert m.status == MembershipStatus.BERAKHIR
    assert m.end_reason == EndReason.MENINGGAL and m.coverage_end == DEATH
    last = m.transitions.last()
    assert last.to_status == MembershipStatus.BERAKHIR and last.end_reason == EndReason.MENINGGAL
    # Covered on the day of death (the death itself is the insured event), not after it.
    assert Membership.objects.active_on(DEATH).filter(pk=m.pk).exists()
    assert not Membership.objects.active_on(DEATH + dt.timedelta(days=1)).filter(pk=m.pk).exists()
    assert not Membership.objects.filter(status=MembershipStatus.AKTIF, pk=m.pk).exists()
    # The claim worklist has the entry at once, before the follow-up period is over.
    village = Area.objects.get(code=testing.VILLAGE_A)
    sections = {s["key"]: s for s in worklist_sections(users["operator_desa"], village)}
    assert sections["klaim-meninggal-baru"]["count"] == 1
    assert m.worker.name in sections["klaim-meninggal-baru"]["rows"][0]["label"]
    assert m.pk in {x.pk for x in deceased_without_claim(users["operator_desa"], days=0)}


@pytest.mark.parametrize(
    "status",
    [MembershipStatus.DIDATA, MembershipStatus.AKTIF, MembershipStatus.MENUNGGAK,
     MembershipStatus.NONAKTIF],
)  # fmt: skip
def test_every_open_membership_ends(lotim, status):
    m = make_membership(status=status, paid_until=TODAY)
    mark_deceased(m.worker, DEATH, None)
    m.refresh_from_db()
    assert (m.status, m.end_reason) == (MembershipStatus.BERAKHIR, EndReason.MENINGGAL)


def test_unpaid_budget_months_after_the_death_are_released(lotim):
    m = make_membership(paid_until=dt.date(2025, 12, 31))
    src = FundingSource.objects.create(
        name="APBD", source_type="APBD", fiscal_year=TODAY.year + 1,
        start_month=dt.date(TODAY.year + 1, 1, 1), months=12, owner_area_id=testing.REGENCY,
        amount=10_000_000,
    )  # fmt: skip
    c = commit(m, src)
    record_death(m.worker, DEATH)
    c.refresh_from_db()
    src.refresh_from_db()
    assert c.status == CommitmentStatus.DIBATALKAN and src.allocated == 0


def test_death_before_membership_start_is_refused_by_service_and_forms(lotim, users):
    m = make_membership(start=TODAY - dt.timedelta(days=3))
    with pytest.raises(WorkerError) as err:
        mark_deceased(m.worker, DEATH, None)
    assert "sebelum kepesertaan dimulai" in str(err.value)
    with pytest.raises(ValueError, match="sebelum kepesertaan dimulai"):
        record_death(m.worker, DEATH)
    m.refresh_from_db()
    m.worker.refresh_from_db()
    assert m.worker.deceased_date is None and m.status == MembershipStatus.AKTIF
    form = DeceasedForm({"deceased_date": DEATH.isoformat()}, worker=m.worker)
    assert not form.is_valid()
    assert "sebelum kepesertaan dimulai" in form.errors["deceased_date"][0]
    report = DeathReportForm(
        {"nik": m.worker.nik, "deceased_date": DEATH.isoformat()}, user=users["operator_desa"]
    )
    assert not report.is_valid() and "sebelum kepesertaan dimulai" in str(report.errors)
    ok = DeceasedForm({"deceased_date": TODAY.isoformat()}, worker=m.worker)
    assert ok.is_valid()


def test_worker_page_refuses_the_date_with_the_reason(client, lotim, users):
    m = make_membership(start=TODAY - dt.timedelta(days=3))
    client.force_login(users["operator_desa"])
    response = client.post(
        f"/pekerja/{m.worker.pk}/meninggal/", {"deceased_date": DEATH.isoformat()}, follow=True
    )
    assert response.status_code == 200
    assert "sebelum kepesertaan dimulai" in response.content.decode()
    m.worker.refresh_from_db()
    assert m.worker.deceased_date is None

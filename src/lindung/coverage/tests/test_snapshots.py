"""Snapshots follow membership changes; totals equal the sum of their parts and of the lists."""

import datetime as dt

from django.db.models import Sum

from lindung.core import testing
from lindung.core.months import month_start
from lindung.coverage.models import CoverageSnapshot, CoverageStatusCount
from lindung.coverage.periods import today
from lindung.coverage.selectors import people
from lindung.coverage.snapshots import refresh_area

from .conftest import D, member

A, A2, B, KEC, REG = (
    testing.VILLAGE_A,
    testing.VILLAGE_A2,
    testing.VILLAGE_B,
    testing.KECAMATAN_A,
    testing.REGENCY,
)


def active(code, period=None):
    period = period or month_start(today())
    return (
        CoverageSnapshot.objects.filter(area_id=code, period=period).aggregate(n=Sum("active"))["n"]
        or 0
    )


def test_signals_recount_on_commit(lotim, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        m = member(A, start=D(2025, 1, 1), paid_until=D(2099, 1, 1))
        member(A2, start=D(2025, 1, 1), paid_until=D(2099, 1, 1))
    assert (active(A), active(A2), active(KEC), active(REG), active("52")) == (1, 1, 2, 2, 2)
    with django_capture_on_commit_callbacks(execute=True):
        m.village_id = B  # moved: both villages and both kecamatan are recounted
        m.save()
    assert (active(A), active(B), active(KEC), active(testing.KECAMATAN_B), active(REG)) == (
        0,
        1,
        1,
        1,
        2,
    )
    with django_capture_on_commit_callbacks(execute=True):
        m.coverage_end = today().replace(day=1) - dt.timedelta(days=1)
        m.status = "berakhir"
        m.save()
    assert active(B) == 0 and active(REG) == 1
    assert CoverageStatusCount.objects.get(area_id=REG, status="berakhir").count == 1
    with django_capture_on_commit_callbacks(execute=True):
        m.delete()
    assert not CoverageStatusCount.objects.filter(area_id=REG, status="berakhir").exists()


def test_worker_sector_change_moves_snapshot_rows(
    lotim, fisher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        m = member(A, start=D(2025, 1, 1), paid_until=D(2099, 1, 1))
    period = month_start(today())
    assert CoverageSnapshot.objects.get(area_id=REG, period=period).sector_id != fisher.id
    with django_capture_on_commit_callbacks(execute=True):
        w = m.worker
        w.sector = fisher
        w.save()
    assert CoverageSnapshot.objects.get(area_id=REG, period=period).sector_id == fisher.id


def test_parent_totals_equal_sum_of_children_and_of_people_lists(lotim, users, fisher):
    on = D(2026, 1, 20)
    for i in range(4):
        member(A, start=D(2025, 11, 1 + i), paid_until=D(2026, 1, 25 + i), funding="APBD")
    member(A2, start=D(2025, 12, 5), sector=fisher)
    member(A2, start=D(2026, 1, 5), sector=fisher, funding="CSR")
    member(B, start=D(2025, 10, 1), paid_until=D(2025, 12, 31))
    refresh_area(REG, on=on)
    for period in (D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1)):
        for level in (3, 2):
            parents = CoverageSnapshot.objects.filter(level=level, period=period)
            assert parents.exists()
            for p in parents:
                children = CoverageSnapshot.objects.filter(
                    level=level + 1,
                    area__code__startswith=p.area_id + ".",
                    period=period,
                    sector_id=p.sector_id,
                    funding_type=p.funding_type,
                ).aggregate(a=Sum("active"), lr=Sum("lapse_risk"), n=Sum("new_members"))
                assert (p.active, p.lapse_risk, p.new_members) == (
                    children["a"],
                    children["lr"],
                    children["n"],
                )
    admin = users["admin_kabupaten"]
    # Every figure equals the length of the list it links to (OpenKab #732 complaint).
    jan = D(2026, 1, 1)
    for code in (A, A2, B, KEC, REG):
        snap = CoverageSnapshot.objects.filter(area_id=code, period=jan)
        totals = snap.aggregate(a=Sum("active"), lr=Sum("lapse_risk"), n=Sum("new_members"))
        # Every figure equals the length of the list it links to (OpenKab #732 complaint).
        assert people(admin, code, jan, "aktif", on=on).count() == (totals["a"] or 0)
        assert people(admin, code, jan, "risiko", on=on).count() == (totals["lr"] or 0)
        assert people(admin, code, jan, "baru", on=on).count() == (totals["n"] or 0)
    assert people(admin, REG, jan, "aktif", on=on).count() == 6
    assert people(admin, REG, jan, "aktif", funding="APBD", on=on).count() == 4
    assert people(admin, REG, jan, "aktif", sector=fisher.id, on=on).count() == 2
    assert people(admin, REG, jan, "risiko", on=on).count() == 4  # paid to 25..28 Jan
    # A village operator's list never reaches outside their village.
    operator = users["operator_desa"]
    assert people(operator, REG, jan, "aktif", on=on).count() == 4
    assert set(people(operator, REG, jan, "aktif", on=on).values_list("village_id", flat=True)) == {
        A
    }

"""Incremental snapshots (per-cell deltas applied by every save) always equal a full recount."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.areas.models import Area
from lindung.core.months import add_months_to_first, month_start
from lindung.coverage.dashboard import breakdown, status_counts
from lindung.coverage.models import CoverageRefreshLog, CoverageSnapshot, CoverageStatusCount
from lindung.coverage.periods import today
from lindung.coverage.selectors import people
from lindung.coverage.snapshots import refresh_area, refresh_villages
from lindung.enrollment import services
from lindung.enrollment.models import FundingType, Membership, MembershipStatus
from lindung.workers import testing
from lindung.workers.models import Sector

from .conftest import D, member

A, A2, B, KEC, REG = (
    testing.VILLAGE_A,
    testing.VILLAGE_A2,
    testing.VILLAGE_B,
    testing.KECAMATAN_A,
    testing.REGENCY,
)
VILLAGES = (A, A2, B)
AS_OF = D(2026, 1, 20)
STATUSES = list(MembershipStatus.values)
FUNDING = [FundingType.MANDIRI.value, "APBD", "DANA_DESA", "CSR"]

# Dates around the 36-month window of AS_OF (Feb 2023 - Jan 2026), and after AS_OF / today.
dates = st.dates(D(2022, 10, 1), D(2027, 2, 28))
maybe_date = st.none() | dates
membership = st.tuples(
    st.sampled_from(VILLAGES),
    maybe_date,
    maybe_date,
    st.none() | dates,
    st.sampled_from(STATUSES),
    st.sampled_from(FUNDING),
    st.integers(0, 1),
)
op = st.one_of(
    st.tuples(st.just("create"), membership),
    st.tuples(st.just("status"), st.integers(0, 20), st.sampled_from(STATUSES)),
    st.tuples(st.just("dates"), st.integers(0, 20), maybe_date, maybe_date, maybe_date),
    st.tuples(st.just("move"), st.integers(0, 20), st.sampled_from(VILLAGES)),
    st.tuples(st.just("funding"), st.integers(0, 20), st.sampled_from(FUNDING)),
    st.tuples(st.just("sector"), st.integers(0, 20), st.integers(0, 1)),
    st.tuples(st.just("delete"), st.integers(0, 20)),
)


def snapshot_state() -> tuple[dict, dict]:
    snaps = {
        (r.area_id, r.period, r.sector_id, r.funding_type): (
            r.level,
            r.ref_day,
            r.active,
            r.lapse_risk,
            r.new_members,
        )
        for r in CoverageSnapshot.objects.all()
    }
    statuses = {
        (r.area_id, r.status): (r.level, r.count) for r in CoverageStatusCount.objects.all()
    }
    return snaps, statuses


def create(spec, sectors) -> Membership:
    village, start, paid, end, status, funding, sector = spec
    return member(
        village,
        start=start,
        paid_until=paid,
        end=end,
        status=status,
        funding=funding,
        sector=sectors[sector],
    )


def run(step, items: list[Membership], sectors) -> None:
    kind, *args = step
    if kind == "create":
        items.append(create(args[0], sectors))
        return
    if not items:
        return
    m = items[args[0] % len(items)]
    if kind == "status":
        m.status = args[1]
    elif kind == "dates":
        m.coverage_start, m.paid_until, m.coverage_end = args[1:]
    elif kind == "move":
        m.village_id = args[1]
    elif kind == "funding":
        m.funding_type = args[1]
    elif kind == "sector":
        worker = m.worker
        worker.sector = sectors[args[1]]
        worker.save()
        return
    elif kind == "delete":
        items.remove(m)
        m.delete()
        return
    m.save()


def assert_lists_match_figures(user, on: dt.date) -> None:
    """Dashboard figures (snapshots) equal the lists behind them and their breakdowns."""
    for code in (A, B, KEC, REG):
        area = Area.objects.get(code=code)
        for period in (month_start(on), add_months_to_first(month_start(on), -7)):
            totals = CoverageSnapshot.objects.filter(area_id=code, period=period).aggregate(
                a=Sum("active"), lr=Sum("lapse_risk"), n=Sum("new_members")
            )
            assert people(user, code, period, "aktif", on=on).count() == (totals["a"] or 0)
            assert people(user, code, period, "risiko", on=on).count() == (totals["lr"] or 0)
            assert people(user, code, period, "baru", on=on).count() == (totals["n"] or 0)
            for by in ("sector", "funding"):
                parts = breakdown(user, area, period, by)
                assert sum(p["active"] for p in parts) == (totals["a"] or 0)
        counts = status_counts(user, area)
        for row in counts:
            listed = people(user, code, month_start(on), "status", status=row["status"], on=on)
            assert listed.count() == row["count"]


@pytest.fixture
def sectors(fisher):
    return [testing.default_sector(), fisher]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    before=st.lists(st.tuples(st.just("create"), membership), max_size=4),
    counted=st.booleans(),
    ops=st.lists(op, min_size=1, max_size=14),
)
def test_random_changes_equal_full_recount(lotim, users, sectors, before, counted, ops):
    """Creates, status and date changes, moves, sector changes, deletes in any order."""
    with transaction.atomic():
        items: list[Membership] = []
        for step in before:
            run(step, items, sectors)
        # counted: the regency was recounted as of AS_OF (the daily job); otherwise every
        # village is counted (bootstrapped) by its first change, as of today.
        on = AS_OF if counted else today()
        if counted:
            refresh_area(REG, on=AS_OF)
        for step in ops:
            run(step, items, sectors)
        incremental = snapshot_state()
        refresh_area(REG, on=on)
        assert incremental == snapshot_state()
        assert_lists_match_figures(users["admin_kabupaten"], on)
        transaction.set_rollback(True)


def test_deltas_touch_only_changed_cells(lotim, django_capture_on_commit_callbacks):
    refresh_area(REG, on=AS_OF)
    m = member(A, start=D(2025, 3, 1), paid_until=D(2025, 12, 31))
    other = member(A2, start=D(2025, 3, 1), paid_until=D(2026, 12, 31))
    jan, dec = D(2026, 1, 1), D(2025, 12, 1)
    untouched = CoverageSnapshot.objects.get(area_id=A2, period=jan)
    m.paid_until = D(2026, 3, 31)  # a payment: January now counts, December unchanged
    m.save()
    for code in (A, KEC, REG, "52"):
        row = CoverageSnapshot.objects.get(area_id=code, period=jan, sector_id=m.worker.sector_id)
        assert row.active == (1 if code == A else 2)
        assert CoverageSnapshot.objects.get(area_id=code, period=dec).active == (
            1 if code == A else 2
        )
    assert CoverageSnapshot.objects.get(pk=untouched.pk).active == 1
    other.delete()
    assert not CoverageSnapshot.objects.filter(area_id=A2).exists()
    assert CoverageStatusCount.objects.get(area_id=REG, status="aktif").count == 1


def save_queries(n_others: int) -> list[str]:
    """Coverage queries of one save in a village holding n_others other memberships."""
    for _ in range(n_others):
        member(A, start=D(2025, 3, 1), paid_until=D(2026, 12, 31))
    m = member(A, start=D(2025, 3, 1), paid_until=D(2025, 12, 31))
    with CaptureQueriesContext(connection) as ctx:
        m.paid_until = D(2026, 3, 31)
        m.save()
    sql = [q["sql"] for q in ctx.captured_queries]
    return [q for q in sql if "historicalmembership" not in q and not q.startswith('UPDATE "')]


@pytest.fixture
def without_tallies():
    """The village tallies and the figures cache's area lookup add their own queries to a save
    (counted in their tests); this measures the snapshots' alone."""
    from django.db.models.signals import post_save, pre_save

    from lindung.core import figures
    from lindung.tallies import signals as tally_signals

    pre_save.disconnect(sender=Membership, dispatch_uid="tally_membership_pre")
    post_save.disconnect(sender=Membership, dispatch_uid="tally_membership_save")
    pre_save.disconnect(dispatch_uid="figures_pre_save")
    yield
    tally_signals.connect()
    figures.connect()


def test_a_save_costs_the_same_whatever_the_village_size(lotim, without_tallies):
    refresh_area(REG, on=AS_OF)
    small = save_queries(0)
    large = save_queries(40)
    assert len(small) == len(large)
    # Old state, village context (areas + log + config), upsert of the cells gained, update
    # of the cells lost, cleanup of emptied cells: no recount, no savepoint.
    assert len(small) == 5, small
    assert not any("enrollment_membership m" in q or "SAVEPOINT" in q for q in small)


def test_first_change_in_an_uncounted_village_counts_it(lotim):
    member(A, start=D(2025, 1, 1), paid_until=D(2099, 1, 1))
    log = CoverageRefreshLog.objects.get()
    assert (log.area_id, log.ref_day) == (A, today())
    assert CoverageSnapshot.objects.get(area_id=REG, period=month_start(today())).active == 1
    member(A, start=D(2025, 1, 1), paid_until=D(2099, 1, 1))  # now a delta, no new log
    assert CoverageRefreshLog.objects.count() == 1
    assert CoverageSnapshot.objects.get(area_id=REG, period=month_start(today())).active == 2


def test_drifted_rows_are_recounted(lotim):
    refresh_area(REG, on=AS_OF)
    m = member(A, start=D(2025, 3, 1), paid_until=D(2026, 12, 31))
    member(A, start=D(2025, 3, 1), paid_until=D(2026, 12, 31))
    # Something wrote behind the signals' back: the village rows lost a participant.
    CoverageSnapshot.objects.filter(area_id=A).update(active=0, lapse_risk=0)
    m.delete()  # the delta finds too little to subtract: the village is recounted instead
    state = snapshot_state()
    refresh_area(REG, on=AS_OF)
    assert state == snapshot_state()
    assert CoverageSnapshot.objects.get(area_id=REG, period=D(2026, 1, 1)).active == 1


def test_refresh_villages_repairs_a_village_and_its_ancestors(lotim):
    refresh_area(REG, on=AS_OF)
    member(A, start=D(2025, 3, 1), paid_until=D(2026, 12, 31))
    member(B, start=D(2025, 3, 1), paid_until=D(2026, 12, 31))
    Membership.objects.filter(village_id=A).update(paid_until=D(2025, 6, 30))  # no signal
    refresh_villages([A])
    state = snapshot_state()
    refresh_area(REG, on=AS_OF)
    assert state == snapshot_state()
    assert CoverageSnapshot.objects.get(area_id=REG, period=D(2026, 1, 1)).active == 1


def test_recorded_payment_is_counted(lotim, users):
    """record_payment sets paid_until with QuerySet.update: the payment signal follows it."""
    on = today()
    refresh_area(REG, on=on)
    m = member(
        A,
        start=add_months_to_first(month_start(on), -6),
        paid_until=add_months_to_first(month_start(on), -1) - dt.timedelta(days=1),
        status=MembershipStatus.MENUNGGAK,
    )
    current = month_start(on)
    assert not CoverageSnapshot.objects.filter(area_id=REG, period=current).exists()
    services.record_payment(m, months=3, paid_on=on, by=users["admin_kabupaten"])
    m.refresh_from_db()
    assert m.paid_until >= on and m.status == MembershipStatus.AKTIF
    state = snapshot_state()
    refresh_area(REG, on=on)
    assert state == snapshot_state()
    assert CoverageSnapshot.objects.get(area_id=REG, period=current).active == 1


def test_sectors_are_distinct(sectors):
    # The random test moves workers between two different sectors.
    assert len({s.pk for s in sectors}) == 2 and all(isinstance(s, Sector) for s in sectors)


def test_saves_with_text_dates_are_counted(lotim):
    refresh_area(REG, on=AS_OF)
    m = member(A, start=D(2025, 3, 1), paid_until=D(2025, 12, 31))
    m.paid_until = "2026-02-28"  # as text, converted only on the way to the database
    m.coverage_start = "2025-02-01"
    m.save()
    state = snapshot_state()
    refresh_area(REG, on=AS_OF)
    assert state == snapshot_state()
    assert CoverageSnapshot.objects.get(area_id=REG, period=D(2026, 1, 1)).active == 1
    assert CoverageSnapshot.objects.get(area_id=REG, period=D(2025, 2, 1)).new_members == 1

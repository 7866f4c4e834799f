"""Per-village tallies updated write by write always equal a full recount, and the figures read
from them equal the counts of the lists they stand for."""

import contextlib
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.accounts.scoping import area_q
from lindung.claims.deceased import deceased_without_claim, recent_deaths_without_claim
from lindung.claims.models import Claim
from lindung.claims.providers import recent_deaths_count
from lindung.enrollment import selectors
from lindung.enrollment import services as enrollment
from lindung.enrollment.models import Membership, MembershipStatus
from lindung.funding.models import Commitment, CommitmentStatus, FundingSource
from lindung.funding.renewal import due_for_renewal
from lindung.tallies import entries as tally
from lindung.tallies.models import VillageTally
from lindung.tallies.services import (
    active_on,
    rebuild,
    recount,
    rolled_up,
    stored,
    stored_areas,
    total,
)
from lindung.tallies.signals import track
from lindung.workers import testing
from lindung.workers.models import Worker
from lindung.workers.selectors import needing_verification

D = dt.date
A, A2, B, KEC, REG = (
    testing.VILLAGE_A,
    testing.VILLAGE_A2,
    testing.VILLAGE_B,
    testing.KECAMATAN_A,
    testing.REGENCY,
)
VILLAGES = (A, A2, B)
STATUSES = list(MembershipStatus.values)
dates = st.dates(D(2024, 1, 1), D(2027, 12, 31))
maybe = st.none() | dates
pick = st.integers(0, 30)

op = st.one_of(
    st.tuples(st.just("enrol"), st.sampled_from(VILLAGES), maybe, maybe, st.sampled_from(STATUSES)),
    st.tuples(st.just("status"), pick, st.sampled_from(STATUSES)),
    st.tuples(st.just("dates"), pick, maybe, maybe, maybe),
    st.tuples(st.just("move"), pick, st.sampled_from(VILLAGES)),
    st.tuples(st.just("pay"), pick, st.integers(1, 12), dates),
    st.tuples(st.just("death"), pick, maybe),
    st.tuples(st.just("claim"), pick, st.sampled_from(["JKM", "JKK", "JHT"])),
    st.tuples(st.just("unclaim"), pick),
    st.tuples(st.just("commit"), pick, dates, st.sampled_from(list(CommitmentStatus.values))),
    st.tuples(st.just("bulk_commit"), st.lists(pick, max_size=4), dates),
    st.tuples(st.just("uncommit"), pick),
    st.tuples(st.just("flag"), pick, st.booleans()),
    st.tuples(st.just("new_worker"), st.sampled_from(VILLAGES), st.booleans()),
    st.tuples(st.just("delete"), pick),
)


def _source() -> FundingSource:
    return FundingSource.objects.create(
        name="Dana Desa uji",
        source_type="DANA_DESA",
        wadah_code="SD",
        fiscal_year=2026,
        start_month=D(2026, 1, 1),
        months=12,
        owner_area_id=A,
        amount=10_000_000,
    )


def _commitment(source, m, end: dt.date, status=CommitmentStatus.DIALOKASIKAN) -> Commitment:
    return Commitment(
        source=source,
        membership=m,
        start_month=D(2026, 1, 1),
        months=12,
        end_month=end.replace(day=1),
        cost=1,
        status=status,
    )


def run(step, items: list[Membership], source, user) -> None:
    kind, *args = step
    if kind == "enrol":
        village, start, paid, status = args
        items.append(
            Membership.objects.create(
                worker=testing.make_worker(village),
                village_id=village,
                status=status,
                declared_income=1_000_000,
                coverage_start=start,
                paid_until=paid,
            )
        )
        return
    if kind == "new_worker":
        testing.make_worker(args[0], verification_flags=["nik_tanggal_lahir"] if args[1] else [])
        return
    if kind == "bulk_commit":
        chosen = {items[i % len(items)].pk: items[i % len(items)] for i in args[0]} if items else {}
        with track(chosen):
            Commitment.objects.bulk_create(
                [_commitment(source, m, args[1]) for m in chosen.values()]
            )
        return
    if not items:
        return
    m = items[args[0] % len(items)]
    m.refresh_from_db()
    w = m.worker
    w.refresh_from_db()
    if kind == "status":
        m.status = args[1]
    elif kind == "dates":
        m.coverage_start, m.paid_until, m.coverage_end = args[1:]
    elif kind == "move":
        m.village_id = args[1]
    elif kind == "pay":
        with contextlib.suppress(ValidationError):  # not payable in its status
            enrollment.record_payment(m, months=args[1], paid_on=args[2], by=user)
        return
    elif kind == "death":
        w.deceased_date = args[1]
        w.save()
        return
    elif kind == "claim":
        Claim.objects.create(
            membership=m,
            claim_type=args[1],
            jkk_outcome="meninggal" if args[1] == "JKK" else "",
            event_date=D(2026, 1, 1),
            report_date=D(2026, 1, 5),
        )
        return
    elif kind == "unclaim":
        for claim in Claim.objects.filter(membership__worker=w):
            claim.delete()
        return
    elif kind == "commit":
        _commitment(source, m, args[1], args[2]).save()
        return
    elif kind == "uncommit":
        for c in Commitment.objects.filter(membership=m):
            c.status = CommitmentStatus.DIBATALKAN
            c.save()
        return
    elif kind == "flag":
        w.verification_flags = ["nik_tanggal_lahir"] if args[1] else []
        w.save()
        return
    elif kind == "delete":
        items.remove(m)
        Commitment.objects.filter(membership=m).delete()
        Claim.objects.filter(membership=m).delete()
        m.transitions.all().delete()
        m.payments.all().delete()
        m.delete()
        return
    m.save()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(before=st.lists(op, max_size=4), ops=st.lists(op, min_size=1, max_size=16))
def test_random_writes_equal_full_recount(lotim, users, before, ops):
    """Enrolments, status and date changes, moves, payments, deaths, claims, commitments (one by
    one and in bulk), worker flags and deletes, in any order, with a rebuild in between."""
    with transaction.atomic():
        source = _source()
        items: list[Membership] = []
        for step in before:
            run(step, items, source, users["admin_kabupaten"])
        rebuild()
        assert stored() == recount()
        assert stored_areas() == +rolled_up(recount())
        for step in ops:
            run(step, items, source, users["admin_kabupaten"])
        counted = recount()
        assert stored() == counted
        # The kecamatan and kabupaten sum rows, kept write by write, equal the recount summed.
        assert stored_areas() == +rolled_up(counted)
        # The renewal section's rows, read up to a day found in the tallies, are the first
        # rows of the plain list of memberships due.
        for code in (REG, KEC, *VILLAGES):
            assert _renewal_rows(users, code) == _plain_renewal_rows(code)
        transaction.set_rollback(True)


def _renewal_rows(users, code: str) -> list[tuple[str, str]]:
    from lindung.areas.models import Area
    from lindung.funding.providers import worklist_sections

    sections = worklist_sections(users["admin_kabupaten"], Area.objects.get(code=code))
    return [(r["label"], r["url"].rsplit("desa=", 1)[1]) for s in sections for r in s["rows"]]


def _plain_renewal_rows(code: str) -> list[tuple[str, str]]:
    due = due_for_renewal(Membership.objects.filter(area_q("village", code)), D.today().year + 1)
    first = due.order_by(F("paid_until").asc(nulls_last=True), "pk").select_related("worker")
    return [(m.worker.name, m.village_id) for m in first[:5]]


def test_figures_equal_the_lists(lotim, users):
    """Each figure read from the tallies equals the count of the list it summarises."""
    today = D(2026, 3, 15)
    specs = [
        (A, D(2025, 1, 1), D(2026, 3, 31), None, "aktif"),
        (A, D(2025, 1, 1), D(2026, 5, 31), None, "aktif"),
        (A2, D(2025, 1, 1), D(2026, 6, 30), D(2026, 4, 1), "aktif"),
        (A2, D(2026, 4, 1), D(2026, 12, 31), None, "aktif"),  # starts later
        (B, D(2025, 1, 1), D(2025, 12, 31), None, "menunggak"),
        (B, None, None, None, "didata"),
        (A, None, None, None, "diverifikasi"),
        (A, None, None, None, "diajukan"),
        (B, D(2024, 1, 1), D(2026, 12, 31), D(2025, 1, 1), "berakhir"),
    ]
    made = []
    for village, start, paid, end, status in specs:
        made.append(
            Membership.objects.create(
                worker=testing.make_worker(village),
                village_id=village,
                status=status,
                declared_income=1_000_000,
                coverage_start=start,
                paid_until=paid,
                coverage_end=end,
            )
        )
    dead = made[1].worker
    dead.deceased_date = D(2025, 6, 1)
    dead.save()
    flagged = made[0].worker
    flagged.verification_flags = ["nik_tanggal_lahir"]
    flagged.save()
    assert stored() == recount()
    admin = users["admin_kabupaten"]
    # Villages read their own rows, kecamatan and kabupaten their sum rows, a province the sum
    # rows of its regencies.
    for code in (A, A2, B, KEC, testing.KECAMATAN_B, REG, REG.split(".")[0]):
        ms = Membership.objects.filter(area_q("village", code))
        assert active_on(code, today) == ms.active_on(today).count()
        for days in (30, 60, 90):
            expiring = selectors.expiring_within(ms, today, days).count()
            until = today + dt.timedelta(days=days)
            assert total(code, tally.EXPIRES, since=today, until=until) == expiring
        for status in STATUSES:
            assert total(code, tally.STATUS + status) == ms.filter(status=status).count()
        due = due_for_renewal(ms, 2027).count()
        assert total(code, tally.HORIZON, before=D(2027, 1, 1)) == due
        nodeath = deceased_without_claim(admin, code, today, days=30).count()
        cutoff = today - dt.timedelta(days=30)
        assert total(code, tally.DEAD_NO_CLAIM, until=cutoff) == nodeath
        for days in (30, 300):  # recent deaths, counted from the tallies
            recent = recent_deaths_without_claim(admin, code, today, days).count()
            assert recent_deaths_count(admin, code, today, days) == recent
        workers = Worker.objects.filter(area_q("village", code))
        assert total(code, tally.WORKERS) == workers.count()
        assert total(code, tally.WORKERS_FLAGGED) == needing_verification(workers).count()
    assert total(REG, tally.WORKERS) == len(specs)
    assert total(KEC, tally.DEAD_NO_CLAIM, until=today) == 1


def test_a_write_touches_only_its_village(lotim):
    m = Membership.objects.create(
        worker=testing.make_worker(A),
        village_id=A,
        status="aktif",
        declared_income=1_000_000,
        coverage_start=D(2025, 1, 1),
        paid_until=D(2025, 12, 31),
    )
    testing.make_worker(B)
    others = list(VillageTally.objects.exclude(village_id=A).values_list("pk", "count"))
    m.paid_until = D(2026, 12, 31)
    m.save()
    assert list(VillageTally.objects.exclude(village_id=A).values_list("pk", "count")) == others
    assert total(A, tally.EXPIRES, since=D(2026, 12, 31), until=D(2026, 12, 31)) == 1
    assert total(A, tally.EXPIRES, since=D(2025, 12, 31), until=D(2025, 12, 31)) == 0


def test_payment_moves_the_paid_until_day(lotim, users):
    """record_payment() sets paid_until with QuerySet.update: the payment's signal follows it."""
    m = Membership.objects.create(
        worker=testing.make_worker(A),
        village_id=A,
        status="aktif",
        declared_income=1_000_000,
        coverage_start=D(2025, 1, 1),
        paid_until=D(2025, 12, 31),
    )
    enrollment.record_payment(m, months=3, paid_on=D(2026, 1, 5), by=users["admin_kabupaten"])
    m.refresh_from_db()
    assert total(A, tally.EXPIRES, since=m.paid_until, until=m.paid_until) == 1
    assert total(A, tally.EXPIRES, until=D(2025, 12, 31)) == 0
    assert stored() == recount()


def test_renewal_section_counts_and_rows(lotim, users):
    """The funding worklist counts every member due and lists the longest-uncovered first."""
    from lindung.areas.models import Area
    from lindung.funding.providers import worklist_sections

    today = dt.date.today()
    old = today.replace(year=today.year - 2, month=1, day=31)
    due = []
    for village, paid in ((A, old), (B, today.replace(month=1, day=1)), (A2, None)):
        m = Membership.objects.create(
            worker=testing.make_worker(village),
            village_id=village,
            status="menunggak" if paid else "didata",
            declared_income=1_000_000,
            coverage_start=D(2024, 1, 1) if paid else None,
            paid_until=paid,
        )
        due.append(m)
    Membership.objects.create(  # paid into next year: not due
        worker=testing.make_worker(B),
        village_id=B,
        status="aktif",
        declared_income=1_000_000,
        coverage_start=D(2024, 1, 1),
        paid_until=dt.date(today.year + 1, 12, 31),
    )
    admin = users["admin_kabupaten"]
    (section,) = worklist_sections(admin, Area.objects.get(code=REG))
    assert section["count"] == 3
    assert {r["label"] for r in section["rows"]} == {m.worker.name for m in due}
    (village_section,) = worklist_sections(admin, Area.objects.get(code=B))
    assert village_section["count"] == 1
    assert [r["label"] for r in village_section["rows"]] == [due[1].worker.name]


# A membership due for renewal or not: village, status, paid until, a commitment's end, dead.
due_member = st.tuples(
    st.sampled_from(VILLAGES),
    st.sampled_from(STATUSES),
    st.none()
    | st.sampled_from([D(2025, 6, 30), D(2026, 3, 31), D(2026, 3, 31), D(2026, 9, 30)])
    | dates,
    st.none() | dates,
    st.booleans(),
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(members=st.lists(due_member, min_size=4, max_size=14))
def test_renewal_rows_are_the_first_of_the_list(lotim, users, members):
    """Many memberships due, sharing paid-until days (as month ends do), some covered by a
    commitment or dead: the section shows exactly the list's first rows in every area."""
    with transaction.atomic():
        source = _source()
        for village, status, paid, committed, dead in members:
            worker = testing.make_worker(village)
            m = Membership.objects.create(
                worker=worker,
                village_id=village,
                status=status,
                declared_income=1_000_000,
                coverage_start=D(2024, 1, 1) if paid else None,
                paid_until=paid,
            )
            if committed:
                _commitment(source, m, committed).save()
            if dead:
                worker.deceased_date = D(2026, 1, 2)
                worker.save()
        for code in (REG, KEC, *VILLAGES):
            assert _renewal_rows(users, code) == _plain_renewal_rows(code)
        transaction.set_rollback(True)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    paid=st.lists(st.tuples(st.booleans(), st.integers(0, 120)), max_size=8),
    windows=st.lists(st.integers(0, 120), min_size=1, max_size=4),
)
def test_totals_up_to_equal_one_total_per_day(lotim, paid, windows):
    """The worklist's 30/60/90-day figures come from one read: each equals its own total()."""
    from lindung.tallies.services import totals_up_to

    today = D(2026, 1, 1)
    with transaction.atomic():
        for in_b, days in paid:
            village = B if in_b else A
            Membership.objects.create(
                worker=testing.make_worker(village),
                village_id=village,
                status="aktif",
                declared_income=1_000_000,
                coverage_start=D(2025, 1, 1),
                paid_until=today + dt.timedelta(days=days),
            )
        ends = [today + dt.timedelta(days=w) for w in windows]
        for code in (A, testing.KECAMATAN_A, testing.REGENCY, None):
            got = totals_up_to(code, tally.EXPIRES, today, ends)
            assert got == {e: total(code, tally.EXPIRES, since=today, until=e) for e in ends}
        everyone = totals_up_to(testing.REGENCY, tally.EXPIRES, today, ends)
        assert everyone == {
            e: sum(today + dt.timedelta(days=d) <= e for _, d in paid) for e in ends
        }
        transaction.set_rollback(True)

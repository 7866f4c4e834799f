"""Proactive pipeline: deceased participants without a claim, and the death-list import."""

import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.claims.deceased import (
    deceased_without_claim,
    import_death_list,
    parse_date,
    recent_deaths_without_claim,
)
from lindung.claims.providers import home_cards, worklist_sections
from lindung.enrollment.models import MembershipStatus
from lindung.workers import testing

from .conftest import make_claim, make_membership

TODAY = dt.date.today()


def dead(days_ago: int, village=testing.VILLAGE_A, **kw):
    m = make_membership(
        village, start=dt.date(2020, 1, 1), paid_until=TODAY + dt.timedelta(90), **kw
    )
    m.worker.deceased_date = TODAY - dt.timedelta(days=days_ago)
    m.worker.save()
    return m


def ids(qs):
    return {m.pk for m in qs}


def test_appears_after_30_days_not_before(lotim, users):
    op = users["operator_desa"]
    fresh, edge, old = dead(29), dead(30), dead(31)
    assert ids(deceased_without_claim(op)) == {edge.pk, old.pk}
    assert fresh.pk not in ids(deceased_without_claim(op))


def test_disappears_once_a_claim_exists(lotim, users):
    m = dead(45)
    assert m.pk in ids(deceased_without_claim(users["operator_desa"]))
    make_claim(m, event=m.worker.deceased_date)
    assert m.pk not in ids(deceased_without_claim(users["operator_desa"]))


def test_an_injury_claim_does_not_count_but_a_fatal_jkk_claim_does(lotim, users):
    m = dead(45)
    make_claim(m, claim_type="JKK", jkk_outcome="stmb", event=dt.date(2021, 3, 1))
    assert m.pk in ids(deceased_without_claim(users["operator_desa"]))
    make_claim(
        m, claim_type="JKK", jkk_outcome="meninggal", event=m.worker.deceased_date, status="ditolak"
    )
    assert m.pk not in ids(deceased_without_claim(users["operator_desa"]))


def test_only_participants_protected_on_the_date_of_death(lotim, users):
    lapsed = make_membership(paid_until=TODAY - dt.timedelta(days=200))
    lapsed.worker.deceased_date = TODAY - dt.timedelta(days=100)
    lapsed.worker.save()
    registered_only = dead(60, status=MembershipStatus.DIDATA)
    alive = make_membership()
    got = ids(deceased_without_claim(users["admin_kabupaten"]))
    assert not got & {lapsed.pk, registered_only.pk, alive.pk}


def test_scoped_to_the_users_area(lotim, users, other_village_operator):
    mine, theirs = dead(40), dead(40, testing.VILLAGE_B)
    assert ids(deceased_without_claim(users["operator_desa"])) == {mine.pk}
    assert ids(deceased_without_claim(other_village_operator)) == {theirs.pk}
    assert ids(deceased_without_claim(users["petugas_bpjs"])) == {mine.pk, theirs.pk}
    assert ids(deceased_without_claim(users["petugas_bpjs"], testing.KECAMATAN_B)) == {theirs.pk}


def test_worklist_sections_and_home_card(lotim, users):
    from lindung.areas.models import Area

    dead(40), dead(10), dead(40, testing.VILLAGE_B)
    village = Area.objects.get(code=testing.VILLAGE_A)
    section, recent = worklist_sections(users["operator_desa"], village)
    assert section["count"] == 1 and "30 hari" in section["title"]
    assert "/klaim/baru/?kepesertaan=" in section["rows"][0]["url"]
    # The death recorded 10 days ago has its worklist entry already, before it is overdue.
    assert recent["key"] == "klaim-meninggal-baru" and recent["count"] == 1
    # Petugas BPJS viewing one village also gets the branch-wide section.
    sections = worklist_sections(users["petugas_bpjs"], village)
    assert [s["count"] for s in sections] == [1, 1, 2]
    assert sections[2]["key"] == "klaim-meninggal-cabang"
    regency = Area.objects.get(code=testing.REGENCY)
    assert home_cards(users["admin_kabupaten"], regency)[0]["value"] == "2"
    assert home_cards(users["camat"], Area.objects.get(code=testing.KECAMATAN_A))[0]["value"] == "1"


def test_worklist_page_shows_the_section(client, lotim, users, monkeypatch):
    from lindung.core import worklists

    # Only this app's section: the page must render it whatever other apps contribute.
    monkeypatch.setattr(worklists, "PROVIDERS", [(60, worklist_sections)])
    m = dead(40)
    client.force_login(users["operator_desa"])
    html = client.get("/daftar-kerja/").content.decode()
    assert "Meninggal tanpa klaim" in html and m.worker.name in html


def test_worklist_rows_mask_nik_for_camat(lotim, users):
    from lindung.areas.models import Area

    m = dead(40)
    [section] = worklist_sections(users["camat"], Area.objects.get(code=testing.KECAMATAN_A))
    label = section["rows"][0]["label"]
    assert m.worker.nik not in label
    # Only the region digits stay (the test worker's name carries its serial, so compare the
    # bracketed NIK itself).
    assert label.endswith(f"({m.worker.nik[:6]}**********)")


# --- import -----------------------------------------------------------------------------------


def csv_bytes(rows):
    return ("nik,tanggal_meninggal\n" + "\n".join(",".join(r) for r in rows)).encode()


def test_import_marks_matching_workers_and_reports_unmatched(lotim, users, other_village_operator):
    mine = testing.make_worker(testing.VILLAGE_A)
    theirs = testing.make_worker(testing.VILLAGE_B)
    data = csv_bytes([[mine.nik, "05-03-2025"], [theirs.nik, "2025-03-06"]])
    dry = import_death_list("m.csv", data, users["operator_desa"], commit=False)
    assert dry.ok and dry.matched == 1 and dry.saved == 0
    mine.refresh_from_db()
    assert mine.deceased_date is None
    result = import_death_list("m.csv", data, users["operator_desa"], commit=True)
    assert result.saved == 1
    assert result.unmatched == [
        {
            "row": 3,
            "nik": theirs.nik,
            "message": "NIK tidak ditemukan di antara pekerja wilayah Anda.",
        }
    ]
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.deceased_date == dt.date(2025, 3, 5) and theirs.deceased_date is None
    assert mine.history.count() == 2  # the change is in the audit trail


def test_import_is_atomic_on_any_invalid_row(lotim, users):
    a = testing.make_worker(testing.VILLAGE_A)
    b = testing.make_worker(testing.VILLAGE_A)
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    data = csv_bytes(
        [[a.nik, "01-02-2025"], ["5.20301E+15", "01-02-2025"], [b.nik, future], [a.nik[:-1], "xx"]]
    )
    r = import_death_list("x.csv", data, users["operator_desa"], commit=True)
    assert not r.ok and r.saved == 0
    got = {(e["row"], e["column"]) for e in r.errors}
    assert {(3, "nik"), (4, "tanggal_meninggal"), (5, "nik"), (5, "tanggal_meninggal")} <= got
    a.refresh_from_db()
    assert a.deceased_date is None


def test_import_missing_column_and_duplicate(lotim, users):
    r = import_death_list("x.csv", b"nik,nama\n1,2\n", users["operator_desa"], commit=True)
    assert r.errors[0]["column"] == "tanggal_meninggal"
    w = testing.make_worker(testing.VILLAGE_A)
    dup = import_death_list(
        "x.csv",
        csv_bytes([[w.nik, "01-02-2025"], [w.nik, "01-02-2025"]]),
        users["operator_desa"],
        commit=True,
    )
    assert dup.errors == [{"row": 3, "column": "nik", "message": "NIK sudah ada di baris 2."}]


def test_import_xlsx_with_real_dates(lotim, users):
    import openpyxl

    w = testing.make_worker(testing.VILLAGE_A)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["NIK", "Tanggal Meninggal"])
    sheet.append([w.nik, dt.datetime(2025, 4, 9)])
    buf = io.BytesIO()
    book.save(buf)
    r = import_death_list("d.xlsx", buf.getvalue(), users["operator_desa"], commit=True)
    assert r.ok and r.saved == 1
    w.refresh_from_db()
    assert w.deceased_date == dt.date(2025, 4, 9)


def test_import_keeps_an_existing_different_date(lotim, users):
    w = testing.make_worker(testing.VILLAGE_A, deceased_date=dt.date(2025, 1, 1))
    r = import_death_list(
        "x.csv", csv_bytes([[w.nik, "02-01-2025"]]), users["operator_desa"], commit=True
    )
    assert r.saved == 0 and "tidak diubah" in r.unchanged[0]["message"]


@given(st.dates(min_value=dt.date(1960, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_parse_date_round_trips_common_formats(day):
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%d-%m-%Y")) == day
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(f"{day.isoformat()} 00:00:00") == day


@given(st.text(max_size=12))
def test_parse_date_never_raises(text):
    result = parse_date(text)
    assert result is None or isinstance(result, dt.date)


@pytest.mark.parametrize("text", ["31-02-2025", "2025-13-01", "", "kemarin"])
def test_parse_date_rejects_invalid(text):
    assert parse_date(text) is None


def test_import_goes_through_the_workers_service_signal(lotim, users):
    from lindung.workers import services

    seen = []

    def receiver(sender, worker, date, by, **kw):
        seen.append((worker.pk, date, by))

    services.worker_deceased.connect(receiver)
    try:
        w = testing.make_worker(testing.VILLAGE_A)
        import_death_list(
            "x.csv", csv_bytes([[w.nik, "02-01-2025"]]), users["operator_desa"], commit=True
        )
    finally:
        services.worker_deceased.disconnect(receiver)
    assert seen == [(w.pk, dt.date(2025, 1, 2), users["operator_desa"])]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    deaths=st.lists(st.tuples(st.integers(20, 40), st.booleans()), min_size=0, max_size=12),
    limit=st.integers(1, 5),
    batch=st.integers(1, 4),
)
def test_first_rows_are_the_query_s_first_rows_whatever_the_batch(
    lotim, users, deaths, limit, batch
):
    """The worklist reads dead workers a batch at a time; it must give exactly the first rows
    of deceased_without_claim, in its order, including several deaths on one day."""
    from django.db import transaction

    from lindung.claims.deceased import first_deceased_without_claim

    with transaction.atomic():  # each example starts from the same data
        for days_ago, claimed in deaths:
            m = dead(days_ago, village=testing.VILLAGE_A if days_ago % 2 else testing.VILLAGE_B)
            if claimed:
                make_claim(m, event=m.worker.deceased_date)
        from lindung.tallies.models import AreaTally, VillageTally

        for tallied in (True, False):
            if not tallied:  # without the tallies' day the rows come batch by batch
                VillageTally.objects.all().delete()
                AreaTally.objects.all().delete()
            for user, area in (
                (users["admin_kabupaten"], None),
                (users["camat"], testing.KECAMATAN_A),
            ):
                expected = list(deceased_without_claim(user, area, TODAY)[:limit])
                got = first_deceased_without_claim(user, area, TODAY, limit, batch=batch)
                assert [m.pk for m in got] == [m.pk for m in expected]
                # Recent deaths (the last 30 days): the first rows of
                # recent_deaths_without_claim.
                expected = list(recent_deaths_without_claim(user, area, TODAY, 30)[:limit])
                since = TODAY - dt.timedelta(days=30)
                got = first_deceased_without_claim(
                    user, area, TODAY, limit, days=0, after=since, batch=batch
                )
                assert [m.pk for m in got] == [m.pk for m in expected]
        transaction.set_rollback(True)


def test_first_rows_read_in_two_queries_when_the_tallies_reach_the_limit(
    lotim, users, django_assert_max_num_queries
):
    """The worklist asks the tallies by which day of death ten cases had died, then reads
    those deaths once, however many batches of dead workers come before them."""
    from lindung.claims.deceased import first_deceased_without_claim

    claimed = [dead(200 + i, village=testing.VILLAGE_A) for i in range(30)]
    for m in claimed:  # dead long ago, already claimed: the batches would read them first
        make_claim(m, event=m.worker.deceased_date)
    open_cases = [dead(40 + i, village=testing.VILLAGE_B) for i in range(12)]
    user = users["admin_kabupaten"]
    expected = list(deceased_without_claim(user, None, TODAY, 30)[:10])
    assert {m.pk for m in expected} <= {m.pk for m in open_cases}
    with django_assert_max_num_queries(3):  # the tallies, the rows (and the scope)
        got = first_deceased_without_claim(user, None, TODAY, 10, days=30, batch=5)
    assert [m.pk for m in got] == [m.pk for m in expected]

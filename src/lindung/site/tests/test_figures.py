"""Cached worklist and home figures: served from the cache until a write, then recounted."""

import threading
import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from lindung.areas.models import Area
from lindung.core import figures
from lindung.core.paging import CachedCountPaginator
from lindung.core.worklists import sections_for
from lindung.enrollment import services
from lindung.enrollment.models import Membership
from lindung.workers import testing


def pending_count(user, area) -> int:
    section = next(s for s in sections_for(user, area) if s["key"] == "kepesertaan-belum-diajukan")
    return section["count"]


def enrol(village: str, by) -> Membership:
    return services.enrol(testing.make_worker(village), by=by, declared_income=1_000_000)


@pytest.fixture
def regency(lotim):
    return Area.objects.get(code=testing.REGENCY)


def test_second_visit_reads_no_database(users, regency, django_assert_max_num_queries):
    admin = users["admin_kabupaten"]
    enrol(testing.VILLAGE_A, admin)
    first = sections_for(admin, regency)
    with django_assert_max_num_queries(0):
        again = sections_for(admin, regency)
    assert again == first


def test_only_figures_that_may_be_served_stale_keep_their_last_count(db, monkeypatch):
    """Per-area figures are never served from an older generation: storing their last count
    too would cost a second pickling and write on every recount, for nothing."""
    stored = []
    monkeypatch.setattr(figures, "_store_latest", lambda key, value, cost: stored.append(key))
    figures.remember("lindung:test:per-area", lambda: 1, "g1", stale_after_write=False)
    assert stored == []
    figures.remember("lindung:test:slow-ok", lambda: 2, "g1")
    assert stored == ["lindung:test:slow-ok"]


def test_a_save_recounts(users, regency):
    admin = users["admin_kabupaten"]
    enrol(testing.VILLAGE_A, admin)
    assert pending_count(admin, regency) == 1
    enrol(testing.VILLAGE_B, admin)  # a model save moves the generation on
    assert pending_count(admin, regency) == 2


def test_a_write_without_signals_is_seen_after_data_changed(users, regency):
    admin = users["admin_kabupaten"]
    m = enrol(testing.VILLAGE_A, admin)
    assert pending_count(admin, regency) == 1
    Membership.objects.filter(pk=m.pk).update(status="aktif")  # QuerySet.update: no signal
    call_command("tallies_rebuild", "--desa", testing.VILLAGE_A)  # bulk work recounts its villages
    assert pending_count(admin, regency) == 1  # still the cached figure
    figures.data_changed()
    assert pending_count(admin, regency) == 0


def test_generation_moves_again_on_commit(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        before = figures.current_generation()
        figures.data_changed()
        figures.data_changed()  # a second write in the same transaction adds no callback
        during = figures.current_generation()
    assert during > before
    assert len(callbacks) == 1
    assert figures.current_generation() > during


def test_each_user_has_own_figures(users, regency):
    admin, operator = users["admin_kabupaten"], users["operator_desa"]
    enrol(testing.VILLAGE_A, admin)
    enrol(testing.VILLAGE_B, admin)
    village = Area.objects.get(code=testing.VILLAGE_A)
    assert pending_count(admin, regency) == 2
    # Same area asked by a village operator: counted within the operator's scope, not reused.
    assert pending_count(operator, regency) == 1
    assert pending_count(operator, village) == 1


def test_successful_post_moves_generation(client, users):
    client.force_login(users["admin_kabupaten"])
    before = figures.current_generation()
    client.get(reverse("worklists"))
    assert figures.current_generation() == before
    response = client.post(reverse("logout"))  # a session change, not a data change
    assert response.status_code < 400
    assert figures.current_generation() == before
    client.force_login(users["admin_kabupaten"])
    response = client.post(reverse("accounts:api_tokens"), {"name": "laporan"})
    assert response.status_code < 400
    assert figures.current_generation() > before


def test_refused_post_leaves_generation(client, users):
    client.force_login(users["viewer"])
    before = figures.current_generation()
    response = client.post(reverse("imports:index"), {})
    assert response.status_code >= 400
    assert figures.current_generation() == before


def test_cache_outage_counts_directly(users, regency, monkeypatch):
    admin = users["admin_kabupaten"]
    enrol(testing.VILLAGE_A, admin)

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", broken)
    assert pending_count(admin, regency) == 1
    enrol(testing.VILLAGE_A, admin)
    assert pending_count(admin, regency) == 2


def test_worklist_page_after_a_change(client, users):
    admin = users["admin_kabupaten"]
    client.force_login(admin)
    first = client.get(reverse("worklists")).content.decode()
    m = enrol(testing.VILLAGE_A, admin)
    second = client.get(reverse("worklists")).content.decode()
    assert m.worker.name not in first
    assert m.worker.name in second


def test_paginator_count_cached_until_a_write(users, django_assert_max_num_queries):
    admin = users["admin_kabupaten"]
    enrol(testing.VILLAGE_A, admin)
    qs = Membership.objects.order_by("pk")
    assert CachedCountPaginator(qs, 10).count == 1
    with django_assert_max_num_queries(0):
        assert CachedCountPaginator(qs, 10).count == 1
    enrol(testing.VILLAGE_B, admin)
    assert CachedCountPaginator(qs, 10).count == 2
    # Another filter is another query, counted on its own.
    assert CachedCountPaginator(qs.filter(village_id=testing.VILLAGE_B), 10).count == 1


def test_waits_for_the_request_already_counting(db):
    key = "lindung:test-figure"
    full = f"{key}:{figures.FORMAT}:{figures.current_generation()}"
    cache.add(full + ":lock", 1, 30)  # another request is counting this figure
    threading.Timer(0.2, lambda: cache.set(full, (time.time(), 42), 60)).start()

    def count_again():
        raise AssertionError("counted although another request was already counting")

    assert figures.remember(key, count_again) == 42


def test_counts_itself_when_the_other_request_gave_up(db):
    key = "lindung:test-figure-2"
    full = f"{key}:{figures.FORMAT}:{figures.current_generation()}"
    cache.add(full + ":lock", 1, 30)
    threading.Timer(0.2, lambda: cache.delete(full + ":lock")).start()  # failed, no value
    assert figures.remember(key, lambda: 7) == 7
    assert cache.get(full)[1] == 7
    assert cache.get(full + ":lock") is None


def test_dashboard_served_from_cache_until_a_write(client, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(users["admin_kabupaten"])
    url = reverse("coverage:dashboard", args=[testing.REGENCY])
    with CaptureQueriesContext(connection) as cold:
        first = client.get(url)
    with CaptureQueriesContext(connection) as warm:
        second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert len(warm) < len(cold) - 5
    figures.data_changed()
    with CaptureQueriesContext(connection) as after_write:
        client.get(url)
    assert len(after_write) == len(cold)


def test_old_figure_served_while_one_request_recounts(db, monkeypatch):
    key = "lindung:test-figure-3"
    assert figures.remember(key, lambda: 1) == 1
    full = f"{key}:{figures.FORMAT}:{figures.current_generation()}"
    later = time.time() + figures.MAX_AGE + 1
    monkeypatch.setattr(figures.time, "time", lambda: later)
    cache.add(full + ":lock", 1, 30)  # another request is recounting it

    def count_again():
        raise AssertionError("counted although another request was already recounting")

    assert figures.remember(key, count_again) == 1  # the last count, at once
    cache.delete(full + ":lock")
    assert figures.remember(key, lambda: 2) == 2  # past MAX_AGE and free: recounted
    assert figures.remember(key, count_again) == 2


def test_entry_of_another_format_is_recounted(db):
    key = "lindung:test-figure-4"
    cache.set(f"{key}:{figures.FORMAT}:{figures.current_generation()}", 5, 60)  # not an entry
    assert figures.remember(key, lambda: 6) == 6
    assert figures.remember(key, lambda: 7) == 6


# --- slow figures: after a write, the last count now and a recount in the background ---


@pytest.fixture
def background(settings, monkeypatch):
    """Background recounts switched on; threads are queued here and run by the test."""
    settings.LINDUNG_FIGURES_BACKGROUND = True
    queued = []
    monkeypatch.setattr(figures, "_spawn", queued.append)
    figures.reset_request_state()
    yield queued
    figures.reset_request_state()


def _run(queued: list) -> None:
    while queued:
        queued.pop(0)()


def test_slow_figure_after_a_write_is_served_its_last_count_and_recounted_once(
    db, background, monkeypatch
):
    key = "lindung:test-slow-1"
    monkeypatch.setattr(figures, "SLOW_SECONDS", 0.0)  # every count counts as slow
    assert figures.remember(key, lambda: 1) == 1  # nothing earlier: counted in the request
    assert background == [] and figures.stale_since() is None
    figures.data_changed()

    def not_in_the_request():
        raise AssertionError("a slow figure was recounted inside the request")

    assert figures.remember(key, not_in_the_request) == 1
    assert len(background) == 1 and figures.stale_since() is not None
    assert figures.remember(key, not_in_the_request) == 1  # one recount, not two
    assert len(background) == 1
    background.clear()  # that recount never ran; its lock belongs to a generation now gone
    figures.reset_request_state()

    figures.data_changed()
    assert figures.remember(key, lambda: 2) == 1
    _run(background)  # the recount finishes
    figures.reset_request_state()
    assert figures.remember(key, not_in_the_request) == 2
    assert figures.stale_since() is None


def test_fast_figure_after_a_write_is_recounted_in_the_request(db, background, monkeypatch):
    key = "lindung:test-slow-2"
    monkeypatch.setattr(figures, "SLOW_SECONDS", 60.0)
    assert figures.remember(key, lambda: 1) == 1
    figures.data_changed()
    assert figures.remember(key, lambda: 2) == 2
    assert background == [] and figures.stale_since() is None


def test_recount_runs_in_the_requests_language(db, background, monkeypatch):
    from django.utils import translation

    key = "lindung:test-slow-3"
    monkeypatch.setattr(figures, "SLOW_SECONDS", 0.0)
    figures.remember(key, translation.get_language)
    figures.data_changed()
    with translation.override("en"):
        figures.remember(key, translation.get_language)
    with translation.override("id"):
        _run(background)
    figures.reset_request_state()
    assert figures.remember(key, translation.get_language) == "en"


def test_worklist_after_a_write_shows_it_however_slow_the_last_count(
    client, users, background, monkeypatch
):
    """Per-area figures come from the tallies: after a write they are recounted in the
    request (never the last count with a note), even when the last count was slow."""
    monkeypatch.setattr(figures, "SLOW_SECONDS", 0.0)
    admin = users["admin_kabupaten"]
    client.force_login(admin)
    first = client.get(reverse("worklists")).content.decode()
    m = enrol(testing.VILLAGE_A, admin)
    assert m.worker.name not in first
    second = client.get(reverse("worklists")).content.decode()
    assert 'id="figures-stale"' not in second and m.worker.name in second
    assert background == []


def test_a_write_in_one_village_keeps_other_areas_figures(
    users, regency, django_assert_max_num_queries
):
    """Per-area generations: a save in village B recounts B, its kecamatan and the regency, but
    village A (another kecamatan) keeps its cached figures."""
    admin = users["admin_kabupaten"]
    village_a = Area.objects.get(code=testing.VILLAGE_A)
    village_b = Area.objects.get(code=testing.VILLAGE_B)
    assert testing.VILLAGE_B.rsplit(".", 1)[0] != testing.VILLAGE_A.rsplit(".", 1)[0]
    enrol(testing.VILLAGE_A, admin)
    assert pending_count(admin, village_a) == 1
    assert pending_count(admin, village_b) == 0
    assert pending_count(admin, regency) == 1
    before_a = figures.area_generation([testing.VILLAGE_A])
    enrol(testing.VILLAGE_B, admin)
    assert figures.area_generation([testing.VILLAGE_A]) == before_a
    with django_assert_max_num_queries(0):  # served from the cache
        assert pending_count(admin, village_a) == 1
    assert pending_count(admin, village_b) == 1
    assert pending_count(admin, regency) == 2
    Membership.objects.filter(village_id=testing.VILLAGE_A).update(status="aktif")  # no signal
    call_command("tallies_rebuild", "--desa", testing.VILLAGE_A)
    assert pending_count(admin, village_a) == 1  # A's cached figure stands: nothing signalled A
    figures.data_changed()  # bulk work of unknown area: every area recounts
    assert pending_count(admin, village_a) == 0


def test_a_move_recounts_the_area_left(users):
    admin = users["admin_kabupaten"]
    village_a = Area.objects.get(code=testing.VILLAGE_A)
    m = enrol(testing.VILLAGE_A, admin)
    assert pending_count(admin, village_a) == 1
    m.village_id = testing.VILLAGE_B
    m.save()
    assert pending_count(admin, village_a) == 0


def test_an_import_recounts_its_villages_only(users, regency, django_assert_max_num_queries):
    """A committed import's workers are tallied by village: the figures of its villages and
    the areas above them are recounted, other kecamatans' stay cached."""
    import datetime as dt

    from lindung.core.home import home_cards
    from lindung.imports.services import run_import
    from lindung.workers.models import Worker
    from lindung.workers.nik import compose_nik

    admin = users["admin_kabupaten"]
    village_a = Area.objects.get(code=testing.VILLAGE_A)
    village_b = Area.objects.select_related("parent").get(code=testing.VILLAGE_B)

    def registered(area) -> int:
        cards = {c["label"]: c["value"] for c in home_cards(admin, area)}
        return int(cards["Pekerja terdata"].replace(".", ""))

    before_a, before_b, before_regency = (registered(a) for a in (village_a, village_b, regency))
    born = dt.date(1990, 1, 1)
    lines = ["No;No. KTP;Nama Lengkap;Jenis Kelamin;Tanggal Lahir;Desa/Kelurahan;Kecamatan"]
    for i in range(3):
        nik = compose_nik(testing.VILLAGE_B[:8], born, "L", 9000 + i)
        lines.append(
            f"{i + 1};{nik};Uji Impor {'ABC'[i]};L;01-01-1990;{village_b.name};"
            f"{village_b.parent.name}"
        )
    data = ("\n".join(lines) + "\n").encode()
    run_import("uji.csv", data, commit=True, scope_code=testing.VILLAGE_B, user=admin)
    assert Worker.objects.filter(village_id=testing.VILLAGE_B).count() == 3
    with django_assert_max_num_queries(0):  # another kecamatan's figures: still cached
        assert registered(village_a) == before_a
    assert registered(village_b) == before_b + 3
    assert registered(regency) == before_regency + 3

"""Allocation scenarios go through the job queue (core.jobqueue, kind "scenarios"): Redis when
configured, else the database for a live `run_jobs` worker, else a web thread as before."""

import datetime as dt
import io
from types import SimpleNamespace

import fakeredis
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from lindung.core import jobqueue, testing
from lindung.core.jobstatus import JobStatus
from lindung.funding import scenarios, services
from lindung.funding.models import Scenario

from .conftest import member, source

pytestmark = pytest.mark.django_db
S = JobStatus


@pytest.fixture(autouse=True)
def _queued_scenarios(settings, tmp_path):
    """Unlike the other funding tests, scenarios are not run inline here."""
    settings.MEDIA_ROOT = tmp_path
    settings.REDIS_URL = ""
    with override_settings(LINDUNG_FUNDING_SYNC=False):
        yield


@pytest.fixture
def world(users):
    members = [member(desil=1) for _ in range(3)]
    apbd = source("APBD", amount=2 * 16_800 * 12)
    return SimpleNamespace(members=members, apbd=apbd, admin=users["admin_kabupaten"])


@pytest.fixture
def threads(monkeypatch):
    started = []
    monkeypatch.setattr(
        jobqueue, "_start_thread", lambda kind, job_id: started.append((kind, job_id))
    )
    return started


@pytest.fixture
def fake_redis(settings, monkeypatch):
    settings.REDIS_URL = "redis://queue.test:6379/0"
    client = fakeredis.FakeRedis(server=fakeredis.FakeServer())
    monkeypatch.setattr(jobqueue, "_connect", lambda url, read_timeout: client)
    return SimpleNamespace(
        client=client, queued=lambda: [int(v) for v in client.lrange("lindung:scenarios", 0, -1)]
    )


def _scenario(world, name="Dasar") -> Scenario:
    return Scenario.objects.create(
        name=name,
        fiscal_year=2026,
        area_id=testing.REGENCY,
        weight_policy=services.active_policy(),
        created_by=world.admin,
    )


def _run_jobs() -> str:
    out = io.StringIO()
    call_command("run_jobs", "--once", stdout=out)
    return out.getvalue()


def _fresh(sc) -> Scenario:
    return Scenario.objects.get(pk=sc.pk)


def test_with_redis_start_pushes_the_id_and_run_jobs_solves_it(
    world, fake_redis, threads, django_capture_on_commit_callbacks
):
    sc = _scenario(world)
    with django_capture_on_commit_callbacks(execute=True):
        scenarios.start(sc)
        assert fake_redis.queued() == []  # only once the scenario's row is committed
    assert fake_redis.queued() == [sc.pk] and threads == []
    assert (_fresh(sc).status, _fresh(sc).progress_at) == (S.QUEUED, None)  # nothing ran yet
    before = timezone.now()
    out = _run_jobs()
    sc = _fresh(sc)
    assert sc.status == S.DONE, sc.error
    assert sc.progress == 100 and sc.progress_at >= before
    assert sc.summary["funded"] == 2 and sc.summary["candidates"] == 3
    assert f"Skenario #{sc.pk}: Selesai" in out
    assert fake_redis.queued() == []


def test_without_redis_a_live_worker_takes_it_from_the_database(
    world, threads, django_capture_on_commit_callbacks
):
    sc = _scenario(world)
    jobqueue.beat()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            scenarios.start(sc)
        assert threads == [] and _fresh(sc).status == S.QUEUED
        from lindung.core.management.commands.run_jobs import Command

        command = Command(stdout=io.StringIO())
        command.start(0.01)
        command.step()  # no Redis: sleep the interval, then sweep the database
    finally:
        jobqueue.stop_beating()
    assert _fresh(sc).status == S.DONE


def test_without_redis_or_worker_a_web_thread_runs_it_as_before(
    world, threads, django_capture_on_commit_callbacks
):
    sc = _scenario(world)
    with django_capture_on_commit_callbacks(execute=True):
        scenarios.start(sc)
    assert threads == [("scenarios", sc.pk)]


def test_a_scenario_delivered_twice_is_solved_once(world, fake_redis, monkeypatch):
    sc = _scenario(world)
    builds = []
    real = scenarios.build
    monkeypatch.setattr(scenarios, "build", lambda *a, **k: builds.append(1) or real(*a, **k))
    jobqueue.launch("scenarios", sc.pk)
    jobqueue.launch("scenarios", sc.pk)
    out = _run_jobs()
    assert len(builds) == 1 and out.count(f"Skenario #{sc.pk}:") == 1
    assert scenarios.process(sc.pk) is None  # finished: nobody claims it again
    assert len(builds) == 1


def test_a_failing_scenario_from_the_queue_ends_failed_and_the_worker_goes_on(world, monkeypatch):
    broken, fine = _scenario(world, "Rusak"), _scenario(world, "Baik")

    def build(scenario, calc=None):
        if scenario.pk == broken.pk:
            raise ValueError("kebijakan bobot tidak lengkap")
        return real(scenario, calc)

    real = scenarios.build
    monkeypatch.setattr(scenarios, "build", build)
    with override_settings(LINDUNG_FUNDING_RAISE=False):
        out = _run_jobs()
    assert _fresh(broken).status == S.FAILED
    assert "kebijakan bobot tidak lengkap" in _fresh(broken).error
    assert _fresh(fine).status == S.DONE
    assert f"Skenario #{broken.pk}: Gagal" in out


def test_the_scenario_page_shows_the_queued_run_until_the_worker_finishes(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.admin)
    jobqueue.beat()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("funding:scenario_list"),
                {"name": "Dari halaman", "fiscal_year": 2026, "cut_percent": "0"},
            )
    finally:
        jobqueue.stop_beating()
    sc = Scenario.objects.get(name="Dari halaman")
    assert response.status_code == 302 and response.url == reverse(
        "funding:scenario_detail", args=[sc.pk]
    )
    status = client.get(reverse("funding:scenario_status", args=[sc.pk]))
    assert "Menunggu" in status.content.decode() and "HX-Refresh" not in status
    _run_jobs()
    status = client.get(reverse("funding:scenario_status", args=[sc.pk]))
    assert status["HX-Refresh"] == "true"
    assert _fresh(sc).status == S.DONE


LONG_AGO = timezone.now() - dt.timedelta(seconds=scenarios.STALE_AFTER + 60)


def test_a_long_wait_is_not_death_while_a_worker_is_alive(world):
    waiting = _scenario(world)
    Scenario.objects.filter(pk=waiting.pk).update(created_at=LONG_AGO)
    jobqueue.beat()
    try:
        assert scenarios.recover_stale() == 0
        out = io.StringIO()
        call_command("recover_scenarios", stdout=out)
        assert out.getvalue().strip() == "0 skenario terhenti ditandai gagal."
        assert _fresh(waiting).status == S.QUEUED
    finally:
        jobqueue.stop_beating()
    assert scenarios.recover_stale() == 1  # no worker: nobody will ever run it
    assert _fresh(waiting).status == S.FAILED

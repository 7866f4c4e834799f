"""Scenarios whose background thread died are marked failed instead of running forever."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from lindung.core import testing
from lindung.core.jobstatus import JobStatus
from lindung.funding import scenarios, services
from lindung.funding.models import Scenario

pytestmark = pytest.mark.django_db
S = JobStatus
LONG_AGO = timezone.now() - dt.timedelta(seconds=scenarios.STALE_AFTER + 60)


def _scenario(status, *, progress_at=None, created_at=None) -> Scenario:
    sc = Scenario.objects.create(
        name=f"Uji {status}",
        fiscal_year=2026,
        area_id=testing.REGENCY,
        weight_policy=services.active_policy(),
        status=status,
        progress_at=progress_at,
    )
    if created_at:
        Scenario.objects.filter(pk=sc.pk).update(created_at=created_at)
    return sc


@pytest.fixture
def mixed(lotim):
    return {
        "dead_running": _scenario(S.RUNNING, progress_at=LONG_AGO),
        "dead_waiting": _scenario(S.QUEUED, created_at=LONG_AGO),
        "alive": _scenario(S.RUNNING, progress_at=timezone.now(), created_at=LONG_AGO),
        "just_queued": _scenario(S.QUEUED),
        "finished": _scenario(S.DONE, progress_at=LONG_AGO),
    }


def _statuses(mixed) -> dict:
    return {k: Scenario.objects.get(pk=v.pk).status for k, v in mixed.items()}


EXPECTED = {
    "dead_running": S.FAILED,
    "dead_waiting": S.FAILED,
    "alive": S.RUNNING,
    "just_queued": S.QUEUED,
    "finished": S.DONE,
}


def test_recover_stale_fails_only_scenarios_without_progress(mixed):
    assert scenarios.recover_stale() == 2
    assert _statuses(mixed) == EXPECTED
    dead = Scenario.objects.get(pk=mixed["dead_running"].pk)
    assert "terhenti di tengah jalan" in dead.error and dead.finished_at is not None


def test_run_jobs_recovers_dead_scenarios_and_runs_the_waiting_ones(mixed, settings, tmp_path):
    """The worker is the queue: a waiting scenario is run, however long it waited; only a
    running one without progress is dead."""
    settings.MEDIA_ROOT = tmp_path
    out = StringIO()
    call_command("run_jobs", "--once", stdout=out)
    assert _statuses(mixed) == {
        **EXPECTED,
        "dead_waiting": S.DONE,
        "just_queued": S.DONE,
    }
    assert "1 skenario alokasi terhenti ditandai gagal." in out.getvalue()
    for key in ("dead_waiting", "just_queued"):
        assert f"Skenario #{mixed[key].pk}: Selesai" in out.getvalue()


def test_nightly_recovers_dead_scenarios(mixed):
    out = StringIO()
    skip = ["--skip=apply_lapse_rules", "--skip=coverage_refresh", "--skip=backup"]
    call_command("nightly", *skip, stdout=out)
    assert _statuses(mixed) == EXPECTED
    assert "2 skenario alokasi terhenti ditandai gagal." in out.getvalue()


def test_a_run_records_its_progress_time(lotim):
    sc = _scenario(S.QUEUED)
    before = timezone.now()
    scenarios.run(sc.pk)
    sc.refresh_from_db()
    assert sc.progress_at is not None and sc.progress_at >= before

"""An import whose worker died (kill -9, out of memory) is failed within a minute."""

import datetime as dt
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from lindung.accounts.models import Role
from lindung.core import testing
from lindung.imports import jobs
from lindung.imports.models import ImportJob

pytestmark = pytest.mark.usefixtures("setup_import")


def _running(age_seconds: float, status=ImportJob.Status.VALIDATING, user=None) -> ImportJob:
    job = ImportJob(original_name="d.csv", area_id=testing.REGENCY, status=status, created_by=user)
    job.file.save("d.csv", ContentFile(b"NIK\n"), save=False)
    job.save()
    then = timezone.now() - dt.timedelta(seconds=age_seconds)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=then)
    job.refresh_from_db()
    return job


def test_silent_job_is_failed_after_a_minute_not_fifteen():
    assert jobs.STALE_AFTER == 60
    dead = _running(jobs.STALE_AFTER + 5)
    alive = _running(jobs.STALE_AFTER - 20)
    committing = _running(jobs.STALE_AFTER + 5, status=ImportJob.Status.COMMITTING)
    assert jobs.recover_stale() == 2
    for job, status in (
        (dead, ImportJob.Status.FAILED),
        (alive, ImportJob.Status.VALIDATING),
        (committing, ImportJob.Status.FAILED),
    ):
        job.refresh_from_db()
        assert job.status == status
    dead.refresh_from_db()
    assert "terhenti" in dead.message and "database tidak berubah" in dead.message


def test_a_pulsing_job_is_alive_however_long_it_runs():
    job = _running(3600)  # an hour-long commit of a million rows
    jobs.pulse_path(job.pk).touch()
    assert jobs.recover_stale() == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATING
    old = time.time() - jobs.STALE_AFTER - 1
    os.utime(jobs.pulse_path(job.pk), (old, old))
    assert jobs.recover_stale() == 1


def test_pulse_touches_while_running_and_is_removed_after(monkeypatch):
    monkeypatch.setattr(jobs, "PULSE_EVERY", 0.05)
    path = jobs.pulse_path(12345)
    with jobs.Pulse(12345):
        assert path.exists()
        first = path.stat().st_mtime_ns
        time.sleep(0.3)
        assert path.stat().st_mtime_ns > first
    assert not path.exists()


def test_the_job_page_fails_a_dead_job_without_any_worker(client, users):
    operator = users[Role.ADMIN_KABUPATEN]
    job = _running(jobs.STALE_AFTER + 5, user=operator)
    client.force_login(operator)
    page = client.get(f"/impor/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "terhenti di tengah jalan" in page

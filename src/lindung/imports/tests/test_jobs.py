"""Background processing for real: a thread from the web process, and `run_jobs`."""

import threading
import time

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from lindung.imports import jobs
from lindung.imports.models import ImportJob
from lindung.workers import testing
from lindung.workers.models import Worker

from .helpers import csv_bytes, ensure_sectors, person


def _job(content: bytes, status=ImportJob.Status.QUEUED) -> ImportJob:
    job = ImportJob(original_name="d.csv", area_id=testing.REGENCY, status=status)
    job.file.save("d.csv", ContentFile(content), save=False)
    job.save()
    return job


@pytest.mark.django_db(transaction=True)
def test_thread_validates_then_commits(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    testing.load_lombok_timur()
    ensure_sectors()
    job = _job(csv_bytes([person(serial=1), person(serial=2)]))
    existing = set(threading.enumerate())
    jobs.enqueue(job)  # outside a transaction: the thread starts at once
    # Wait for the thread itself: polling the job row while the thread writes it trips
    # SQLite's shared-cache table lock ("database table is locked") in the test database.
    _join_new_threads(existing)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED, job.message
    existing = set(threading.enumerate())
    jobs.enqueue(job, commit=True)
    _join_new_threads(existing)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED, job.message
    assert Worker.objects.count() == 2
    assert jobs.read_progress(job.pk)["stage"] == "commit"


def _join_new_threads(existing: set, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    for thread in set(threading.enumerate()) - existing:
        while True:
            try:
                thread.join(max(0.0, deadline - time.time()))
                break
            except RuntimeError:
                # Listed while starting but not yet running (a loaded machine): join refuses it.
                assert time.time() < deadline, f"{thread.name} never started"
                time.sleep(0.01)
        assert not thread.is_alive(), f"{thread.name} still running after {timeout} s"


@pytest.mark.django_db
def test_run_jobs_processes_queue_and_marks_dead_jobs(settings, tmp_path, lotim):
    settings.MEDIA_ROOT = tmp_path
    ensure_sectors()
    waiting = _job(csv_bytes([person(serial=3)]))
    dead = _job(csv_bytes([person(serial=4)]), status=ImportJob.Status.COMMITTING)
    ImportJob.objects.filter(pk=dead.pk).update(updated_at="2020-01-01T00:00:00Z")
    call_command("run_jobs", "--once")
    waiting.refresh_from_db()
    dead.refresh_from_db()
    assert waiting.status == ImportJob.Status.VALIDATED and waiting.accepted == 1
    assert dead.status == ImportJob.Status.FAILED and "database tidak berubah" in dead.message
    assert Worker.objects.count() == 0


@pytest.mark.django_db
def test_a_job_is_claimed_once(settings, tmp_path, lotim):
    settings.MEDIA_ROOT = tmp_path
    ensure_sectors()
    job = _job(csv_bytes([person(serial=5)]))
    assert jobs.process(job.pk) is not None
    assert jobs.process(job.pk) is None  # already validated: nobody runs it again

"""Background processing for real: a thread from the web process, and `run_jobs`."""

import threading
import time

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from lindung.core import testing
from lindung.imports import jobs
from lindung.imports.models import ImportJob
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
    before = threading.active_count()
    jobs.enqueue(job)  # outside a transaction: the thread starts at once
    deadline = time.time() + 30
    while ImportJob.objects.get(pk=job.pk).status != ImportJob.Status.VALIDATED:
        assert time.time() < deadline, ImportJob.objects.get(pk=job.pk).message
        time.sleep(0.05)
    job.refresh_from_db()
    jobs.enqueue(job, commit=True)
    while ImportJob.objects.get(pk=job.pk).status != ImportJob.Status.COMMITTED:
        assert time.time() < deadline
        time.sleep(0.05)
    assert Worker.objects.count() == 2
    assert jobs.read_progress(job.pk)["stage"] == "commit"
    for _ in range(100):
        if threading.active_count() <= before:
            break
        time.sleep(0.02)


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

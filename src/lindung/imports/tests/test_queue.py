"""The Redis queue for import jobs (REDIS_URL), on fakeredis so it runs the same everywhere."""

import io
import logging
import socket
import time
from types import SimpleNamespace

import fakeredis
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from lindung.core import jobqueue, testing
from lindung.core.management.commands.run_jobs import Command
from lindung.imports import jobs
from lindung.imports.models import ImportJob

from .helpers import csv_bytes, person

pytestmark = pytest.mark.django_db
S = ImportJob.Status


@pytest.fixture
def fake_redis(settings, monkeypatch):
    settings.REDIS_URL = "redis://queue.test:6379/0"
    server = fakeredis.FakeServer()
    client = fakeredis.FakeRedis(server=server)
    monkeypatch.setattr(jobqueue, "_connect", lambda url, read_timeout: client)
    return SimpleNamespace(client=client, server=server, queued=lambda: _queued(client))


@pytest.fixture
def threads(monkeypatch):
    """Job ids handed to a web thread (recorded, not started)."""
    started = []
    monkeypatch.setattr(jobqueue, "_start_thread", lambda kind, job_id: started.append(job_id))
    return started


def _queued(client) -> list[int]:
    return [int(v) for v in client.lrange(jobs.QUEUE_KEY, 0, -1)]


def _job(serial: int, status=S.QUEUED) -> ImportJob:
    job = ImportJob(original_name="d.csv", area_id=testing.REGENCY, status=status)
    job.file.save("d.csv", ContentFile(csv_bytes([person(serial=serial)])), save=False)
    job.save()
    return job


def _worker(interval: float = 0.05) -> tuple[Command, io.StringIO]:
    out = io.StringIO()
    command = Command(stdout=out)
    command.start(interval)
    return command, out


def _status(job: ImportJob) -> str:
    return ImportJob.objects.get(pk=job.pk).status


def test_enqueue_with_redis_pushes_the_id_and_starts_no_thread(
    setup_import, fake_redis, threads, django_capture_on_commit_callbacks
):
    job = _job(1, status=S.VALIDATED)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue(job, commit=True)
        assert fake_redis.queued() == []  # only once the upload's transaction has committed
    assert fake_redis.queued() == [job.pk]
    assert threads == []
    assert _status(job) == S.COMMIT_QUEUED  # the web process ran nothing


def test_without_redis_url_enqueue_starts_a_thread_as_before(
    setup_import, settings, threads, django_capture_on_commit_callbacks
):
    settings.REDIS_URL = ""
    job = _job(2)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue(job)
    assert threads == [job.pk]


def test_run_jobs_once_consumes_the_redis_list(setup_import, fake_redis, threads):
    job = _job(3)
    jobs.launch(job.pk)
    assert fake_redis.queued() == [job.pk]
    out = io.StringIO()
    call_command("run_jobs", "--once", stdout=out)
    job.refresh_from_db()
    assert job.status == S.VALIDATED and job.accepted == 1
    assert fake_redis.queued() == []
    assert out.getvalue().count(f"Impor #{job.pk}:") == 1


def test_a_job_whose_message_was_lost_is_run_by_the_sweep_after_the_timeout(
    setup_import, fake_redis
):
    lost = _job(4)  # waiting in the database, nothing on Redis (lost push, Redis restart)
    dead = _job(5, status=S.COMMITTING)
    ImportJob.objects.filter(pk=dead.pk).update(updated_at="2020-01-01T00:00:00Z")
    command, out = _worker()
    started = time.monotonic()
    command.step()
    assert time.monotonic() - started >= 0.05  # it did wait on BLPOP first
    assert _status(lost) == S.VALIDATED
    assert _status(dead) == S.FAILED
    assert "1 impor terhenti ditandai gagal." in out.getvalue()


def test_a_busy_queue_still_sweeps_the_database_every_interval(setup_import, fake_redis):
    pushed, stranded = _job(6), _job(7)
    fake_redis.client.rpush(jobs.QUEUE_KEY, pushed.pk)
    command, _out = _worker(interval=60)
    command.last_sweep = time.monotonic()  # swept just now: an id from Redis does not sweep
    command.step()
    assert (_status(pushed), _status(stranded)) == (S.VALIDATED, S.QUEUED)
    fake_redis.client.rpush(jobs.QUEUE_KEY, pushed.pk)  # a duplicate, the sweep is now due
    command.last_sweep -= 61
    command.step()
    assert _status(stranded) == S.VALIDATED


def test_double_delivery_processes_the_job_once(setup_import, fake_redis, monkeypatch):
    job = _job(8)
    runs = []
    real = jobs.run_import
    monkeypatch.setattr(jobs, "run_import", lambda *a, **k: runs.append(1) or real(*a, **k))
    jobs.launch(job.pk)
    jobs.launch(job.pk)
    assert fake_redis.queued() == [job.pk, job.pk]
    call_command("run_jobs", "--once", stdout=io.StringIO())
    assert len(runs) == 1
    assert _status(job) == S.VALIDATED
    assert fake_redis.queued() == []


def test_unreachable_redis_at_enqueue_falls_back_to_a_thread(
    setup_import, settings, threads, caplog, django_capture_on_commit_callbacks
):
    with socket.socket() as probe:  # a port nobody listens on: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"  # the real client, not fakeredis
    job = _job(9)
    with (
        caplog.at_level(logging.WARNING, logger="lindung.imports.jobs"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        jobs.enqueue(job)
    assert threads == [job.pk]  # the job is not lost
    assert "Redis unreachable" in caplog.text


def test_unreachable_redis_in_run_jobs_polls_the_database_then_uses_redis_again(
    setup_import, fake_redis, caplog
):
    first, second = _job(10), _job(11, status=S.VALIDATED)
    fake_redis.server.connected = False
    command, _out = _worker()
    with caplog.at_level(logging.WARNING):
        command.step()
    assert _status(first) == S.VALIDATED  # run by the database sweep
    assert "polling the database instead" in caplog.text
    fake_redis.server.connected = True
    ImportJob.objects.filter(pk=second.pk).update(status=S.COMMIT_QUEUED)
    fake_redis.client.rpush(jobs.QUEUE_KEY, second.pk)
    command.last_sweep = time.monotonic()  # so only Redis can deliver it on this turn
    with caplog.at_level(logging.WARNING):
        command.step()
    assert fake_redis.queued() == []
    assert _status(second) == S.COMMITTED
    assert "Redis reachable again" in caplog.text

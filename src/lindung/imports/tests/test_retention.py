"""Uploaded lists leave the disk after the retention period (`lindung purge_files`, nightly):
the file, the full result and the per-row problems go; the job's counts stay."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lindung.accounts.models import Role
from lindung.imports import jobs
from lindung.imports.models import ImportJob
from lindung.imports.retention import purge_files

from .helpers import csv_bytes, person

pytestmark = pytest.mark.usefixtures("setup_import", "inline_jobs")
S = ImportJob.Status


def _upload(client, user, callbacks, serial: int) -> ImportJob:
    client.force_login(user)
    rows = [person(serial=serial), person(serial=serial + 1, **{"Nama Lengkap": ""})]
    with callbacks(execute=True):
        client.post(
            reverse("imports:index"),
            {"file": SimpleUploadedFile(f"daftar-{serial}.csv", csv_bytes(rows))},
        )
    return ImportJob.objects.latest("pk")


def _age(job: ImportJob, days: int) -> None:
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(days=days))


def _stored(job: ImportJob) -> Path:
    return Path(job.file.path)


def test_old_finished_and_abandoned_jobs_lose_their_files_recent_ones_keep_them(
    client, users, django_capture_on_commit_callbacks, settings
):
    settings.LINDUNG_FILE_RETENTION_DAYS = 30
    operator = users[Role.OPERATOR_DESA]
    committed = _upload(client, operator, django_capture_on_commit_callbacks, 1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:commit", args=[committed.pk]))
    abandoned = _upload(client, operator, django_capture_on_commit_callbacks, 10)
    recent = _upload(client, operator, django_capture_on_commit_callbacks, 20)
    running = _upload(client, operator, django_capture_on_commit_callbacks, 30)
    ImportJob.objects.filter(pk=running.pk).update(status=S.COMMITTING)
    files = {job.pk: _stored(job) for job in (committed, abandoned, recent, running)}
    assert all(path.exists() for path in files.values())
    assert all(jobs.result_path(pk).exists() for pk in files)
    for job in (committed, abandoned, running):
        _age(job, 31)
    _age(recent, 29)

    out = io.StringIO()
    call_command("purge_files", stdout=out)

    assert "berkas impor: 2 pekerjaan" in out.getvalue()
    for job in (committed, abandoned):
        job.refresh_from_db()
        assert not files[job.pk].exists() and not jobs.result_path(job.pk).exists()
        assert job.files_deleted_at is not None and not job.file
        assert job.result["errors"] == [] and job.rejected == 1  # counts stay
    assert committed.status == S.COMMITTED and committed.created_count == 1
    assert abandoned.status == S.FAILED and "masa simpan" in abandoned.message
    for job in (recent, running):
        job.refresh_from_db()
        assert files[job.pk].exists() and jobs.result_path(job.pk).exists()
        assert job.files_deleted_at is None
        assert job.result["errors"]  # the problem rows are still shown
    assert ImportJob.objects.get(pk=running.pk).status == S.COMMITTING

    # A second run finds nothing more to do.
    assert purge_files(timezone.now() - dt.timedelta(days=30)) == 0


def test_pages_of_a_purged_job_say_so_instead_of_failing(
    client, users, django_capture_on_commit_callbacks
):
    operator = users[Role.OPERATOR_DESA]
    job = _upload(client, operator, django_capture_on_commit_callbacks, 40)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:commit", args=[job.pk]))
    detail = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert reverse("imports:report", args=[job.pk]) in detail and 'id="files-deleted"' not in detail
    _age(job, 40)
    assert purge_files(timezone.now() - dt.timedelta(days=30)) == 1

    detail = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert 'id="files-deleted"' in detail
    assert reverse("imports:report", args=[job.pk]) not in detail
    report = client.get(reverse("imports:report", args=[job.pk]), follow=True)
    assert report.redirect_chain[-1][0] == reverse("imports:detail", args=[job.pk])
    assert "sudah dihapus" in report.content.decode()


def test_a_job_committed_while_being_purged_is_left_alone(
    client, users, django_capture_on_commit_callbacks, monkeypatch
):
    job = _upload(client, users[Role.OPERATOR_DESA], django_capture_on_commit_callbacks, 50)
    _age(job, 31)
    real_filter = ImportJob.objects.filter

    def commit_first(*args, **kwargs):
        # The user presses "Simpan" between the purge's read and its conditional update.
        if kwargs.get("files_deleted_at", "x") is None:
            ImportJob.objects.filter(pk=job.pk).update(status=S.COMMIT_QUEUED)
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(ImportJob.objects, "filter", commit_first)
    assert purge_files(timezone.now() - dt.timedelta(days=30)) == 0
    monkeypatch.undo()
    job.refresh_from_db()
    assert job.status == S.COMMIT_QUEUED and job.files_deleted_at is None
    assert _stored(job).exists()

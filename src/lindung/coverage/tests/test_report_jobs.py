"""Reports of a kecamatan or the kabupaten are background jobs: request -> job page with
progress -> `run_jobs` makes the file under MEDIA_ROOT -> only the requester, in scope, may
download it. A desa's report is still made in the request."""

import datetime as dt
import io
import os
import time
from pathlib import Path
from types import SimpleNamespace

import fakeredis
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import resolve, reverse
from django.utils import timezone
from openpyxl import load_workbook

from lindung.audit.models import AccessLog
from lindung.core import jobqueue, testing
from lindung.core.months import month_start
from lindung.coverage import reportjobs, reports
from lindung.coverage.models import ReportJob
from lindung.coverage.periods import today
from lindung.coverage.retention import purge_files
from lindung.coverage.snapshots import refresh_area

from .conftest import denominator, member

pytestmark = pytest.mark.django_db
A, A2, B, KEC, KEC_B, REG = (
    testing.VILLAGE_A,
    testing.VILLAGE_A2,
    testing.VILLAGE_B,
    testing.KECAMATAN_A,
    testing.KECAMATAN_B,
    testing.REGENCY,
)
S = ReportJob.Status
LONG_AGO = timezone.now() - dt.timedelta(seconds=reportjobs.STALE_AFTER + 60)


@pytest.fixture
def data(lotim, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    member(A, name="Amaq Sinar")
    member(A2, name="Inaq Rahmah")
    member(B, name="Papuq Lain Desa")
    denominator(A, 2025, 10)
    refresh_area(REG)


@pytest.fixture
def no_threads(monkeypatch):
    """Job ids a web process would hand to a thread (recorded, not started)."""
    started = []
    monkeypatch.setattr(jobqueue, "_start_thread", lambda kind, job_id: started.append(job_id))
    return started


def media(*parts) -> Path:
    return Path(settings.MEDIA_ROOT, *parts)


def _monthly_url(code: str, fmt: str = "xlsx") -> str:
    return reverse("coverage:monthly_report", args=[code, fmt]) + "?bulan=" + _month()


def _month() -> str:
    return month_start(today()).strftime("%Y-%m")


def _request(client, user, code: str, fmt: str = "xlsx"):
    client.force_login(user)
    return client.post(_monthly_url(code, fmt))


def _job_from(response) -> ReportJob:
    assert response.status_code == 302, response.status_code
    match = resolve(response.url)
    assert match.url_name == "report_job"
    return ReportJob.objects.get(pk=match.kwargs["pk"])


def _run_jobs() -> str:
    out = io.StringIO()
    call_command("run_jobs", "--once", stdout=out)
    return out.getvalue()


def _download(client, job):
    return client.get(reverse("coverage:report_job_download", args=[job.pk]))


def _summary(content: bytes) -> dict:
    sheet = load_workbook(io.BytesIO(content))["Ringkasan"]
    return {row[0].value: row[1].value for row in sheet.iter_rows()}


def test_kecamatan_report_is_a_job_with_progress_then_a_file_and_a_download(
    client, users, data, no_threads, django_capture_on_commit_callbacks
):
    camat = users["camat"]
    with django_capture_on_commit_callbacks(execute=True):
        response = _request(client, camat, KEC)
    job = _job_from(response)
    assert (job.status, job.created_by, job.area_id, job.kind, job.fmt) == (
        S.QUEUED,
        camat,
        KEC,
        "monthly",
        "xlsx",
    )
    assert job.period == month_start(today())
    assert no_threads == [job.pk]  # no Redis, no worker: a web thread would run it
    page = client.get(response.url)
    html = page.content.decode()
    assert "Menunggu giliran" in html
    assert reverse("coverage:report_job_progress", args=[job.pk]) in html  # htmx polling
    assert 'hx-trigger="every 1s"' in html
    assert "report_job_download" not in html and "/unduh/" not in html
    progress = client.get(reverse("coverage:report_job_progress", args=[job.pk]))
    assert progress.status_code == 200 and "HX-Refresh" not in progress

    out = _run_jobs()
    assert f"Laporan #{job.pk}: Selesai" in out
    job.refresh_from_db()
    assert job.status == S.DONE and job.progress == 100 and job.finished_at is not None
    month = month_start(today())
    assert job.filename == f"laporan_ucj_520307_{month:%Y%m}.xlsx"
    stored = media("") / job.file.name
    assert job.file.name.startswith(f"reports/{job.pk}/") and os.path.isfile(stored)
    assert job.size == os.path.getsize(stored) > 0

    progress = client.get(reverse("coverage:report_job_progress", args=[job.pk]))
    assert progress["HX-Refresh"] == "true"  # finished: the page reloads once
    page = client.get(response.url).content.decode()
    assert reverse("coverage:report_job_download", args=[job.pk]) in page
    download = _download(client, job)
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{job.filename}"'
    assert download["Content-Type"] == reports.CONTENT_TYPES["xlsx"]
    content = b"".join(download.streaming_content)
    with open(stored, "rb") as handle:
        assert content == handle.read()
    summary = _summary(content)
    assert summary["Wilayah"].endswith(f"({KEC})")
    assert summary["  Peserta BPU didaftarkan Lindung"] == 2  # A and A2, not B
    # No personal data in the report: like the direct download it is not an access-log entry.
    assert not AccessLog.objects.exists()
    listing = client.get(reverse("coverage:report_jobs")).content.decode()
    assert reverse("coverage:report_job", args=[job.pk]) in listing


def test_the_file_is_made_with_the_requesters_scope(client, users, data):
    """The same kecamatan dossier holds another kecamatan's regulation for the admin (whose
    scope is the regency) but not for the camat: the worker uses the requester's scope."""
    from lindung.coverage.models import RegionalPolicy

    RegionalPolicy.objects.create(
        area_id=KEC_B, kind="se", number="KEC-B/1", title="x", issued_on=dt.date(2026, 1, 5)
    )
    url = reverse("coverage:paritrana_report", args=[KEC, "xlsx"]) + "?tahun=2026"
    numbers = {}
    for who in ("camat", "admin_kabupaten"):
        client.force_login(users[who])
        job = _job_from(client.post(url))
        _run_jobs()
        book = load_workbook(io.BytesIO(b"".join(_download(client, job).streaming_content)))
        numbers[who] = [row[1].value for row in book["Regulasi"].iter_rows(min_row=2)]
    assert numbers == {"camat": [], "admin_kabupaten": ["KEC-B/1"]}


def test_only_the_requester_in_scope_sees_the_job_and_its_file(
    client, users, data, other_village_operator
):
    camat = users["camat"]
    job = _job_from(_request(client, camat, KEC))
    _run_jobs()
    job.refresh_from_db()
    assert job.status == S.DONE
    same_scope_camat = testing.make_user("camat", KEC)
    outsiders = {
        "operator inside the kecamatan": users["operator_desa"],
        "another camat of the same kecamatan": same_scope_camat,
        "admin kabupaten": users["admin_kabupaten"],
        "operator of another village": other_village_operator,
    }
    urls = [
        reverse(name, args=[job.pk])
        for name in ("coverage:report_job", "coverage:report_job_progress")
    ] + [reverse("coverage:report_job_download", args=[job.pk])]
    for who, user in outsiders.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 404, (who, url)
            assert job.filename.encode() not in response.content, (who, url)
        listing = client.get(reverse("coverage:report_jobs")).content.decode()
        assert reverse("coverage:report_job", args=[job.pk]) not in listing, who
    # The requester moved to another kecamatan: their old report is out of scope now.
    client.force_login(camat)
    assert _download(client, job).status_code == 200
    camat.area_id = KEC_B
    camat.save()
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert (
        reverse("coverage:report_job", args=[job.pk])
        not in client.get(reverse("coverage:report_jobs")).content.decode()
    )


def test_a_request_outside_the_users_area_is_404_and_queues_nothing(
    client, users, data, no_threads, django_capture_on_commit_callbacks
):
    for user, code in ((users["operator_desa"], REG), (users["camat"], KEC_B)):
        with django_capture_on_commit_callbacks(execute=True):
            assert _request(client, user, code).status_code == 404
    assert not ReportJob.objects.exists() and no_threads == []


def test_a_desa_report_is_made_in_the_request(client, users, data, no_threads):
    for method in ("get", "post"):
        client.force_login(users["operator_desa"])
        response = getattr(client, method)(_monthly_url(A))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith('attachment; filename="laporan_ucj_')
        assert _summary(response.content)["  Peserta BPU didaftarkan Lindung"] == 1
        pdf = getattr(client, method)(_monthly_url(A, "pdf"))
        assert pdf.content.startswith(b"%PDF")
    assert not ReportJob.objects.exists() and no_threads == []


def test_a_plain_get_of_a_large_report_asks_first_and_queues_nothing(client, users, data):
    client.force_login(users["admin_kabupaten"])
    response = client.get(_monthly_url(REG, "pdf"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Buat laporan" in html and 'method="post"' in html
    assert not ReportJob.objects.exists()
    assert client.get(reverse("coverage:monthly_report", args=[REG, "doc"])).status_code == 404
    assert client.post(reverse("coverage:monthly_report", args=[REG, "doc"])).status_code == 404
    assert not ReportJob.objects.exists()


def test_a_second_click_returns_the_waiting_job(client, users, data):
    first = _job_from(_request(client, users["camat"], KEC))
    assert _job_from(_request(client, users["camat"], KEC)) == first
    other_format = _job_from(_request(client, users["camat"], KEC, "pdf"))
    assert other_format != first
    _run_jobs()
    again = _job_from(_request(client, users["camat"], KEC))  # the first one is done
    assert again not in (first, other_format)
    assert ReportJob.objects.count() == 3


def test_a_failing_report_ends_failed_with_a_message_and_no_file(client, users, data, monkeypatch):
    job = _job_from(_request(client, users["camat"], KEC))

    def broken(*args, **kwargs):
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(reports, "make", broken)
    out = _run_jobs()
    assert f"Laporan #{job.pk}: Gagal" in out
    job.refresh_from_db()
    assert job.status == S.FAILED and not job.file
    assert job.message.startswith("Laporan gagal dibuat (disk penuh)")
    page = client.get(reverse("coverage:report_job", args=[job.pk])).content.decode()
    assert "Laporan gagal dibuat (disk penuh)" in page and "Buat laporan lagi" in page
    assert _download(client, job).status_code == 404
    progress = client.get(reverse("coverage:report_job_progress", args=[job.pk]))
    assert progress["HX-Refresh"] == "true"
    assert not media("reports", str(job.pk)).exists()


def test_a_requester_who_lost_the_area_before_the_run_gets_no_file(client, users, data):
    camat = users["camat"]
    job = _job_from(_request(client, camat, KEC))
    camat.area_id = KEC_B
    camat.save()
    _run_jobs()
    job.refresh_from_db()
    assert job.status == S.FAILED and not job.file
    assert "tidak lagi berwenang" in job.message


def _job(status, *, progress_at=None, created_at=None, user=None) -> ReportJob:
    job = ReportJob.objects.create(
        kind="monthly",
        fmt="pdf",
        area_id=REG,
        period=month_start(today()),
        status=status,
        progress_at=progress_at,
        created_by=user,
    )
    if created_at:
        ReportJob.objects.filter(pk=job.pk).update(created_at=created_at)
    return job


def _status(job) -> str:
    return ReportJob.objects.get(pk=job.pk).status


def test_a_report_whose_worker_died_is_failed_by_the_sweep(users, data):
    dead = _job(S.RUNNING, progress_at=LONG_AGO, created_at=LONG_AGO)
    alive = _job(S.RUNNING, progress_at=timezone.now(), created_at=LONG_AGO)
    waited_long = _job(S.QUEUED, created_at=LONG_AGO, user=users["admin_kabupaten"])
    out = _run_jobs()
    assert "1 laporan terhenti ditandai gagal." in out
    assert _status(dead) == S.FAILED
    assert "terhenti di tengah jalan" in ReportJob.objects.get(pk=dead.pk).message
    assert _status(alive) == S.RUNNING
    # The worker runs a job that waited long instead of failing it.
    assert _status(waited_long) == S.DONE


def test_nightly_fails_waiting_reports_only_when_no_worker_is_alive(users, data):
    waited_long = _job(S.QUEUED, created_at=LONG_AGO)
    just_queued = _job(S.QUEUED)
    skip = ["--skip=apply_lapse_rules", "--skip=coverage_refresh", "--skip=backup"]
    jobqueue.beat()  # a run_jobs worker is alive: waiting jobs are just queued
    try:
        out = io.StringIO()
        call_command("nightly", *skip, stdout=out)
        assert "0 laporan terhenti ditandai gagal." in out.getvalue()
        assert _status(waited_long) == S.QUEUED
    finally:
        jobqueue.stop_beating()
    out = io.StringIO()
    call_command("nightly", *skip, stdout=out)
    assert "1 laporan terhenti ditandai gagal." in out.getvalue()
    assert (_status(waited_long), _status(just_queued)) == (S.FAILED, S.QUEUED)


def test_the_job_page_shows_a_dead_run_as_failed(client, users, data):
    job = _job(S.RUNNING, progress_at=LONG_AGO, user=users["admin_kabupaten"])
    client.force_login(users["admin_kabupaten"])
    progress = client.get(reverse("coverage:report_job_progress", args=[job.pk]))
    assert progress["HX-Refresh"] == "true"
    assert _status(job) == S.FAILED
    page = client.get(reverse("coverage:report_job", args=[job.pk])).content.decode()
    assert "terhenti di tengah jalan" in page


# --- Redis and the worker heartbeat ----------------------------------------------------------


@pytest.fixture
def fake_redis(settings, monkeypatch):
    settings.REDIS_URL = "redis://queue.test:6379/0"
    client = fakeredis.FakeRedis(server=fakeredis.FakeServer())
    monkeypatch.setattr(jobqueue, "_connect", lambda url, read_timeout: client)
    return SimpleNamespace(
        client=client, queued=lambda key: [int(v) for v in client.lrange(key, 0, -1)]
    )


def test_with_redis_the_request_pushes_to_the_reports_list(
    client, users, data, fake_redis, no_threads, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = _job_from(_request(client, users["camat"], KEC))
    assert fake_redis.queued("lindung:reports") == [job.pk]
    assert fake_redis.queued("lindung:imports") == [] and no_threads == []
    out = _run_jobs()
    assert fake_redis.queued("lindung:reports") == []
    assert out.count(f"Laporan #{job.pk}: Selesai") == 1  # drained once, not again by the sweep
    assert _status(job) == S.DONE


def test_with_a_live_worker_and_no_redis_the_job_waits_in_the_database(
    client, users, data, no_threads, django_capture_on_commit_callbacks
):
    jobqueue.beat()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = _job_from(_request(client, users["camat"], KEC))
    finally:
        jobqueue.stop_beating()
    assert no_threads == []
    assert _status(job) == S.QUEUED
    _run_jobs()
    assert _status(job) == S.DONE


def test_a_worker_heartbeat_goes_stale(data):
    assert not jobqueue.worker_alive()
    jobqueue.beat()
    assert jobqueue.worker_alive()
    old = time.time() - jobqueue.HEARTBEAT_FRESH - 5
    os.utime(jobqueue.heartbeat_path(), (old, old))
    assert not jobqueue.worker_alive()
    heartbeat = jobqueue.Heartbeat(every=0.02).start()
    assert jobqueue.worker_alive()
    os.utime(jobqueue.heartbeat_path(), (old, old))
    deadline = time.time() + 5
    while not jobqueue.worker_alive():  # the thread beats again by itself
        assert time.time() < deadline
        time.sleep(0.02)
    heartbeat.stop()
    assert not jobqueue.heartbeat_path().exists() and not jobqueue.worker_alive()


# --- retention: files leave the disk, the job page offers to make the report again ---


def _finished(client, user) -> ReportJob:
    job = _job_from(_request(client, user, KEC))
    _run_jobs()
    job.refresh_from_db()
    assert job.status == S.DONE and os.path.isfile(media(job.file.name))
    return job


def _age(job: ReportJob, days: int) -> None:
    then = timezone.now() - dt.timedelta(days=days)
    ReportJob.objects.filter(pk=job.pk).update(created_at=then, finished_at=then)


def test_old_report_files_are_deleted_recent_and_waiting_ones_stay(
    client, users, data, no_threads, settings
):
    settings.LINDUNG_FILE_RETENTION_DAYS = 30
    camat = users["camat"]
    old, recent = _finished(client, camat), _finished(client, camat)
    waiting = _job_from(_request(client, camat, KEC))
    paths = {job.pk: media(job.file.name) for job in (old, recent)}
    _age(old, 31)
    _age(recent, 29)
    ReportJob.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - dt.timedelta(days=31)
    )

    out = io.StringIO()
    call_command("purge_files", stdout=out)

    assert "berkas laporan: 1 pekerjaan" in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not paths[old.pk].exists() and not old.file and old.files_deleted_at is not None
    assert old.status == S.DONE and old.size > 0  # the record of what was made stays
    assert paths[recent.pk].exists() and recent.files_deleted_at is None
    assert ReportJob.objects.get(pk=waiting.pk).status == S.QUEUED
    assert purge_files(timezone.now() - dt.timedelta(days=30)) == 0


def test_a_purged_report_offers_to_make_it_again(client, users, data, no_threads):
    camat = users["camat"]
    job = _finished(client, camat)
    download_url = reverse("coverage:report_job_download", args=[job.pk])
    _age(job, 45)
    assert purge_files(timezone.now() - dt.timedelta(days=30)) == 1

    page = client.get(reverse("coverage:report_job", args=[job.pk])).content.decode()
    assert 'id="files-deleted"' in page and download_url not in page
    assert reverse("coverage:monthly_report", args=[KEC, "xlsx"]) in page  # "Buat laporan lagi"
    response = client.get(download_url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("coverage:report_job", args=[job.pk])
    assert "sudah dihapus" in response.content.decode()


def test_purge_files_refuses_a_retention_under_one_day():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="minimal 1 hari"):
        call_command("purge_files", "--days", "0")

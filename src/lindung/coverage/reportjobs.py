"""Reports made in the background: job kind "reports" of `lindung.core.jobqueue`.

A report of one desa is small and made in the request (`is_direct`); a report of a kecamatan
or the kabupaten becomes a ReportJob: the user gets a job page with progress, then a download.
The file is made with the requester's scope (the same `reports.make` the request uses) and
stored under MEDIA_ROOT/reports/<id>/; only the requester, while their scope still covers the
area, may download it (views.report_job_*).

The row is the source of truth: `process` claims a waiting row with a conditional UPDATE, so a
second delivery is a no-op; progress and its time are written to the row as the run goes, and
`recover_stale` fails runs that stopped moving (their worker died). A report writes nothing but
its own row and file, so a dead run left nothing behind but, at most, an unreferenced file.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.scoping import user_covers_area
from lindung.areas.models import Area, AreaLevel
from lindung.core import jobqueue

from . import reports
from .models import ReportJob

log = logging.getLogger(__name__)
KIND = "reports"
STALE_AFTER = jobqueue.STALE_AFTER
S = ReportJob.Status


def is_direct(area: Area) -> bool:
    """Reports of one desa (no league table, a few dozen rows) are made in the request."""
    return area.level >= AreaLevel.DESA


def request(user, area: Area, kind: str, fmt: str, period: dt.date) -> ReportJob:
    """Queue a report, or return the same report of this user that is still waiting/running
    (a second click does not make a second job)."""
    same = ReportJob.objects.filter(
        created_by=user,
        kind=kind,
        fmt=fmt,
        area=area,
        period=period,
        status__in=(*ReportJob.WAITING, *ReportJob.RUNNING),
    ).first()
    if same is not None:
        return same
    job = ReportJob.objects.create(created_by=user, kind=kind, fmt=fmt, area=area, period=period)
    transaction.on_commit(lambda: launch(job.pk))
    return job


def launch(job_id: int) -> None:
    """Hand the job to Redis, a live `run_jobs` worker or a web thread. Tests replace this."""
    jobqueue.launch(KIND, job_id)


class Refused(Exception):
    """The report may not be made (any more) for this user; the message says why."""


def _progress(job_id: int, percent: int, message: str) -> None:
    try:
        ReportJob.objects.filter(pk=job_id).update(
            progress=percent, progress_message=message[:255], progress_at=timezone.now()
        )
    except OperationalError as exc:  # e.g. SQLite busy during a long import commit
        log.warning("report job %s: progress not written (%s)", job_id, exc)


def process(job_id: int) -> ReportJob | None:
    """Make a waiting report and store its file; None when it was not waiting any more."""
    if not ReportJob.objects.filter(pk=job_id, status__in=ReportJob.WAITING).update(
        status=S.RUNNING,
        progress=1,
        progress_message=_("Dimulai"),
        progress_at=timezone.now(),
    ):
        return None
    job = ReportJob.objects.select_related("area", "created_by").get(pk=job_id)
    try:
        user = job.created_by
        if user is None or not user.is_active or not user_covers_area(user, job.area_id):
            raise Refused(
                _("Pembuat laporan tidak lagi berwenang atas wilayah ini; laporan tidak dibuat.")
            )
        doc = reports.make(
            job.kind,
            job.fmt,
            user,
            job.area,
            job.period,
            progress=lambda percent, message: _progress(job_id, percent, message),
        )
        _progress(job_id, 95, _("Menyimpan berkas"))
        job.file.save(doc.filename, ContentFile(doc.content), save=False)
        # A late success wins over a stale sweep that gave up on this run meanwhile.
        ReportJob.objects.filter(pk=job_id).update(
            status=S.DONE,
            file=job.file.name,
            filename=doc.filename,
            size=len(doc.content),
            progress=100,
            progress_message=_("Selesai"),
            progress_at=timezone.now(),
            finished_at=timezone.now(),
            message="",
        )
    except Refused as exc:
        _fail(job_id, str(exc))
    except Exception as exc:  # the job must end in a visible state, whatever went wrong
        log.exception("report job %s failed", job_id)
        _fail(
            job_id,
            _(
                "Laporan gagal dibuat (%(error)s). Buat laporan lagi; bila terulang, "
                "hubungi admin kabupaten."
            )
            % {"error": exc},
        )
    job.refresh_from_db()
    return job


def _fail(job_id: int, message: str) -> None:
    ReportJob.objects.filter(pk=job_id).update(
        status=S.FAILED, message=message, finished_at=timezone.now()
    )


def is_stale(job: ReportJob, now: dt.datetime | None = None) -> bool:
    """A running report without progress for STALE_AFTER (its worker died)."""
    cutoff = (now or timezone.now()) - dt.timedelta(seconds=STALE_AFTER)
    seen = job.progress_at or job.created_at
    return job.status in ReportJob.RUNNING and seen < cutoff


def recover_stale(now: dt.datetime | None = None, *, waiting: bool | None = None) -> int:
    """Mark reports whose run died as failed; with `waiting` (default: when no `run_jobs`
    worker is alive) also reports that waited longer than STALE_AFTER."""
    now = now or timezone.now()
    if waiting is None:
        waiting = not jobqueue.worker_alive()
    cutoff = now - dt.timedelta(seconds=STALE_AFTER)
    dead = Q(status__in=ReportJob.RUNNING) & (
        Q(progress_at__lt=cutoff) | Q(progress_at__isnull=True, created_at__lt=cutoff)
    )
    if waiting:
        dead |= Q(status__in=ReportJob.WAITING, created_at__lt=cutoff)
    return ReportJob.objects.filter(dead).update(
        status=S.FAILED,
        message=_(
            "Pembuatan laporan terhenti di tengah jalan; tidak ada berkas. Buat laporan lagi."
        ),
        finished_at=now,
    )


def waiting() -> list:
    return list(
        ReportJob.objects.filter(status__in=ReportJob.WAITING).values_list("created_at", "pk")
    )


JOB_KIND = jobqueue.Kind(
    name=KIND,
    process=lambda job_id: process(job_id),  # looked up at call time (tests replace it)
    waiting=waiting,
    recover=lambda waiting: recover_stale(waiting=waiting),
    describe=lambda job: f"Laporan #{job.pk}: {job.get_status_display()}",
    stale_message="{n} laporan terhenti ditandai gagal.",
)

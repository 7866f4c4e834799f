"""Retention of generated report files: the file goes, the job row stays (it can be made
again from current data)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import ReportJob

FINISHED = (ReportJob.Status.DONE, ReportJob.Status.FAILED)


def purge_files(before: dt.datetime) -> int:
    now = timezone.now()
    candidates = (
        ReportJob.objects.filter(files_deleted_at__isnull=True, status__in=FINISHED)
        .filter(created_at__lt=before)
        .exclude(finished_at__gte=before)
        .values_list("pk", "file")
    )
    purged = 0
    for pk, name in candidates.iterator():
        if not ReportJob.objects.filter(pk=pk, files_deleted_at=None).update(
            files_deleted_at=now, file=""
        ):
            continue
        if name:
            ReportJob._meta.get_field("file").storage.delete(name)
        purged += 1
    return purged

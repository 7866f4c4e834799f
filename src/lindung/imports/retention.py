"""Retention of uploaded worker lists: the file, its full problem list and the per-row
problems kept for the detail page go; counts, status and mapping stay."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import jobs
from .models import ImportJob

S = ImportJob.Status
FINISHED = (S.COMMITTED, S.FAILED)
# Never saved: the uploader walked away; the list must not stay on disk for ever either.
ABANDONED = (S.VALIDATED, S.NEEDS_MAPPING)


def purge_files(before: dt.datetime) -> int:
    """Remove the files of jobs finished or abandoned before `before`. Returns jobs purged."""
    now = timezone.now()
    candidates = ImportJob.objects.filter(
        files_deleted_at__isnull=True, updated_at__lt=before, status__in=(*FINISHED, *ABANDONED)
    ).values_list("pk", "status", "file", "result")
    purged = 0
    for pk, status, name, result in candidates.iterator():
        changes = {"files_deleted_at": now, "file": "", "result": _counts_only(result)}
        if status in ABANDONED:
            changes |= {
                "status": S.FAILED,
                "message": "Berkas dihapus karena tidak disimpan dalam masa simpan; "
                "unggah lagi bila daftar ini masih diperlukan.",
            }
        # Claimed by a conditional update: a job committed in the meantime is left alone.
        if not ImportJob.objects.filter(pk=pk, status=status, files_deleted_at=None).update(
            **changes
        ):
            continue
        if name:
            ImportJob._meta.get_field("file").storage.delete(name)
        jobs.result_path(pk).unlink(missing_ok=True)
        jobs.progress_path(pk).unlink(missing_ok=True)
        purged += 1
    return purged


def _counts_only(result: dict) -> dict:
    kept = {k: v for k, v in (result or {}).items() if k not in ("errors", "warnings")}
    return kept | {"errors": [], "warnings": []}

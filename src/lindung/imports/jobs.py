"""Background processing of ImportJob through `lindung.core.jobqueue` (job kind "imports").

`launch()` hands a job id to the Redis list `lindung:imports` when REDIS_URL is set, leaves it
in the database for a live `run_jobs` worker, or starts a web thread. The ImportJob row stays
the source of truth: `run_jobs` also sweeps the table, and `_claim` makes a second delivery of
an id a no-op.

Progress goes to a small JSON file next to the upload rather than to the database: during a
commit the job's own transaction holds SQLite's write lock, and a file is readable by every
web process while the import runs.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lindung.core import jobqueue

from .columns import guess_mapping
from .models import ImportJob
from .pipeline import Outcome
from .readers import FileProblem, read_table
from .services import run_import

log = logging.getLogger(__name__)
PREVIEW_LIMIT = 1000  # problems kept in the database; the full list is in the result file
STALE_AFTER = jobqueue.STALE_AFTER  # seconds without progress before a running job is dead
KIND = "imports"
# Redis list of job ids: RPUSH by launch(), BLPOP by run_jobs.
QUEUE_KEY = jobqueue.KEY_PREFIX + KIND


def _dir(kind: str) -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports" / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def progress_path(job_id: int) -> Path:
    return _dir("progress") / f"{job_id}.json"


def result_path(job_id: int) -> Path:
    return _dir("results") / f"{job_id}.json"


class FileProgress:
    """Writes (stage, done, total) at most every 0.3 s."""

    def __init__(self, job_id: int):
        self.path, self.last = progress_path(job_id), 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.3 and done < total:
            return
        self.last = now
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(
            json.dumps({"stage": stage, "done": done, "total": total, "at": time.time()})
        )
        tmp.replace(self.path)


def read_progress(job_id: int) -> dict:
    try:
        return json.loads(progress_path(job_id).read_text())
    except (OSError, ValueError):
        return {}


def enqueue(job: ImportJob, *, commit: bool = False) -> None:
    job.status = ImportJob.Status.COMMIT_QUEUED if commit else ImportJob.Status.QUEUED
    job.save(update_fields=["status", "updated_at"])
    progress_path(job.pk).unlink(missing_ok=True)
    transaction.on_commit(lambda: launch(job.pk))


def launch(job_id: int) -> None:
    """Hand the job to Redis, a live `run_jobs` worker or a web thread (core.jobqueue).

    Tests replace this to run inline.
    """
    jobqueue.launch(KIND, job_id)


def _claim(job_id: int) -> ImportJob | None:
    """Move a waiting job to running; only one worker can win."""
    for waiting, running in (
        (ImportJob.Status.QUEUED, ImportJob.Status.VALIDATING),
        (ImportJob.Status.COMMIT_QUEUED, ImportJob.Status.COMMITTING),
    ):
        if ImportJob.objects.filter(pk=job_id, status=waiting).update(
            status=running, updated_at=timezone.now()
        ):
            return ImportJob.objects.select_related("created_by").get(pk=job_id)
    return None


def process(job_id: int) -> ImportJob | None:
    job = _claim(job_id)
    if job is None:
        return None
    committing = job.status == ImportJob.Status.COMMITTING
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        if not committing and not job.mapping:
            table = read_table(job.original_name, data)
            guess = guess_mapping(table.headers)
            if guess.unsure or guess.missing:
                job.header_row = table.header_index + 1
                job.mapping = guess.as_json()
                job.result = {"headers": table.headers, "unsure": guess.unsure}
                job.status = ImportJob.Status.NEEDS_MAPPING
                job.save()
                return job
        outcome, _table = run_import(
            job.original_name,
            data,
            commit=committing,
            mapping=job.mapping or None,
            scope_code=job.area_id or "",
            user=job.created_by,
            job=job if committing else None,
            progress=FileProgress(job.pk),
        )
    except FileProblem as exc:
        return _fail(job, str(exc))
    except Exception as exc:  # the job must end in a visible state, whatever went wrong
        log.exception("import job %s failed", job_id)
        return _fail(job, f"Impor gagal dan dibatalkan; database tidak berubah. ({exc})")
    job.refresh_from_db()
    _store(job, outcome)
    if committing and job.status != ImportJob.Status.COMMITTED:
        # Nothing was accepted (e.g. re-import of the same file): nothing to write.
        job.status = ImportJob.Status.COMMITTED
        job.committed_at = timezone.now()
    elif not committing:
        job.status = ImportJob.Status.VALIDATED
    job.save()
    return job


def _store(job: ImportJob, outcome: Outcome) -> None:
    full = outcome.as_json()
    result_path(job.pk).write_text(json.dumps(full, ensure_ascii=False), encoding="utf-8")
    job.rows, job.accepted, job.rejected = full["rows"], full["accepted"], full["rejected"]
    job.warning_count = len(full["warnings"])
    job.header_row = outcome.header_row
    job.mapping = outcome.mapping
    job.result = {
        "errors": full["errors"][:PREVIEW_LIMIT],
        "warnings": full["warnings"][:PREVIEW_LIMIT],
        "error_count": len(full["errors"]),
        "headers": outcome.headers,
        "default_sector_rows": outcome.default_sector_rows,
        "possible_duplicates": len(outcome.pairs),
        "readings": outcome.readings,
        "error_reasons": _reasons(full["errors"]),
        "warning_reasons": _reasons(full["warnings"]),
        "sheets": outcome.sheets,
        "skipped_sheets": outcome.skipped_sheets,
    }
    job.message = ""


def _reasons(problems: list[dict]) -> list[list]:
    """[code, rows] pairs, most frequent first: the preview's plain answer to «why»."""
    counts: dict[str, set] = {}
    for problem in problems:
        counts.setdefault(problem["code"], set()).add((problem.get("sheet"), problem.get("row")))
    return sorted(([code, len(rows)] for code, rows in counts.items()), key=lambda r: -r[1])


def _fail(job: ImportJob, message: str) -> ImportJob:
    job.status = ImportJob.Status.FAILED
    job.message = message
    job.save(update_fields=["status", "message", "updated_at"])
    return job


def full_result(job_id: int) -> dict:
    try:
        return json.loads(result_path(job_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def recover_stale(now: float | None = None, *, waiting: bool = False) -> int:
    """Mark jobs whose worker died (no progress for STALE_AFTER) as failed; data is unchanged.

    With `waiting`, also jobs queued for longer than that (only when no worker will run them).
    """
    now = now or time.time()
    count = 0
    for job in ImportJob.objects.filter(status__in=ImportJob.RUNNING):
        seen = read_progress(job.pk).get("at") or job.updated_at.timestamp()
        if now - seen > STALE_AFTER:
            _fail(job, "Proses impor terhenti di tengah jalan; database tidak berubah. Ulangi.")
            count += 1
    if waiting:
        cutoff = dt.datetime.fromtimestamp(now - STALE_AFTER, tz=dt.UTC)
        count += ImportJob.objects.filter(
            status__in=ImportJob.WAITING, updated_at__lt=cutoff
        ).update(
            status=ImportJob.Status.FAILED,
            message="Impor tidak sempat dijalankan; database tidak berubah. Ulangi.",
            updated_at=timezone.now(),
        )
    return count


def waiting() -> list:
    return list(
        ImportJob.objects.filter(status__in=ImportJob.WAITING).values_list("created_at", "pk")
    )


JOB_KIND = jobqueue.Kind(
    name=KIND,
    process=lambda job_id: process(job_id),  # looked up at call time (tests replace it)
    waiting=waiting,
    recover=lambda waiting: recover_stale(waiting=waiting),
    describe=lambda job: f"Impor #{job.pk}: {job.get_status_display()}",
    stale_message="{n} impor terhenti ditandai gagal.",
)

"""Background processing of ImportJob: a thread per job from the web process, or `run_jobs`.

With `REDIS_URL` set, `launch()` pushes the job id onto the Redis list `QUEUE_KEY` instead of
starting a thread, and `run_jobs` consumes it. The ImportJob row stays the source of truth:
`run_jobs` also sweeps the table, and `_claim` makes a second delivery of an id a no-op.

Progress goes to a small JSON file next to the upload rather than to the database: during a
commit the job's own transaction holds SQLite's write lock, and a file is readable by every
web process while the import runs.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from .columns import guess_mapping
from .models import ImportJob
from .pipeline import Outcome
from .readers import FileProblem, read_table
from .services import run_import

try:
    import redis
except ImportError:  # the optional `redis` extra is not installed
    redis = None

log = logging.getLogger(__name__)
PREVIEW_LIMIT = 1000  # problems kept in the database; the full list is in the result file
STALE_AFTER = 15 * 60  # seconds without progress before a running job counts as dead
QUEUE_KEY = "lindung:imports"  # Redis list of job ids: RPUSH by launch(), BLPOP by run_jobs


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
    """Hand the job to Redis when configured, else (or when Redis fails) to a thread.

    Tests replace this to run inline.
    """
    client = redis_client()
    if client is not None:
        try:
            client.rpush(QUEUE_KEY, job_id)
            return
        except REDIS_ERRORS as exc:
            log.warning("Redis unreachable (%s): import job %s runs in a web thread", exc, job_id)
    _start_thread(job_id)


def _start_thread(job_id: int) -> None:
    threading.Thread(target=_thread_main, args=(job_id,), daemon=True).start()


def redis_client(read_timeout: float = 5.0):
    """A Redis client for settings.REDIS_URL, or None (database queue) when it is empty."""
    url = settings.REDIS_URL
    if not url:
        return None
    if redis is None:
        log.error("REDIS_URL is set but the redis package is missing: pip install lindung[redis]")
        return None
    return _connect(url, read_timeout)


@functools.cache
def _connect(url: str, read_timeout: float):
    """One client (and connection pool) per process; no network traffic until first use."""
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=read_timeout)


# What an unreachable or failing Redis raises (connection refused, timeout, restart).
REDIS_ERRORS: tuple[type[Exception], ...] = (OSError,) + ((redis.RedisError,) if redis else ())


def _thread_main(job_id: int) -> None:
    try:
        process(job_id)
    finally:
        close_old_connections()


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
    }
    job.message = ""


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


def recover_stale(now: float | None = None) -> int:
    """Mark jobs whose worker died (no progress for STALE_AFTER) as failed; data is unchanged."""
    now = now or time.time()
    count = 0
    for job in ImportJob.objects.filter(status__in=ImportJob.RUNNING):
        seen = read_progress(job.pk).get("at") or job.updated_at.timestamp()
        if now - seen > STALE_AFTER:
            _fail(job, "Proses impor terhenti di tengah jalan; database tidak berubah. Ulangi.")
            count += 1
    return count

"""`lindung run_jobs [--once]`: the background worker for import jobs.

Database queue (REDIS_URL empty): every `--interval` seconds, mark dead jobs failed and run
the waiting ones. Redis queue (REDIS_URL set): wait on the list `jobs.QUEUE_KEY` with BLPOP
(timeout `--interval`) and run each id at once; on every timeout, and at least every
`--interval` seconds while ids keep coming, also sweep the database the same way, so a lost
message or a Redis restart never strands a job. When Redis is unreachable the worker carries
on as a database queue and tries Redis again on the next turn.
"""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand

from lindung.funding import scenarios
from lindung.imports import jobs
from lindung.imports.models import ImportJob

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Jalankan antrean impor yang menunggu (dan tandai impor yang terhenti)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="proses antrean sekali lalu keluar")
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args, **options):
        self.start(options["interval"])
        if options["once"]:
            self.drain()
            self.sweep()
            return
        self.sweep()
        while True:
            self.step()

    def start(self, interval: float) -> None:
        self.interval, self.redis_down, self.last_sweep = interval, False, 0.0
        self.client = jobs.redis_client(read_timeout=interval + 10)

    def step(self) -> None:
        """One turn: run the next id from Redis, or sweep the database after a timeout."""
        job_id = self.pop()
        if job_id is not None:
            self.run(job_id)
        if job_id is None or time.monotonic() - self.last_sweep >= self.interval:
            self.sweep()

    def pop(self) -> int | None:
        """Next job id from Redis; None after the BLPOP timeout, or after sleeping the interval
        when there is no Redis (database queue) or it is unreachable."""
        if self.client is not None:
            try:
                item = self.client.blpop([jobs.QUEUE_KEY], timeout=self.interval)
            except jobs.REDIS_ERRORS as exc:
                if not self.redis_down:
                    log.warning("Redis unreachable (%s): polling the database instead", exc)
                    self.redis_down = True
            else:
                if self.redis_down:
                    log.warning("Redis reachable again: back to the Redis queue")
                    self.redis_down = False
                return None if item is None else _job_id(item[1])
        time.sleep(self.interval)
        return None

    def drain(self) -> None:
        """`--once` with Redis: run every id already on the list, without waiting."""
        if self.client is None:
            return
        try:
            while (item := self.client.lpop(jobs.QUEUE_KEY)) is not None:
                if (job_id := _job_id(item)) is not None:
                    self.run(job_id)
        except jobs.REDIS_ERRORS as exc:
            log.warning("Redis unreachable (%s): polling the database instead", exc)

    def sweep(self) -> None:
        """Mark dead jobs (and dead funding scenarios) failed, then run every waiting job."""
        self.last_sweep = time.monotonic()
        stale = jobs.recover_stale()
        if stale:
            self.stdout.write(f"{stale} impor terhenti ditandai gagal.")
        if stale := scenarios.recover_stale():
            self.stdout.write(f"{stale} skenario alokasi terhenti ditandai gagal.")
        waiting = list(
            ImportJob.objects.filter(status__in=ImportJob.WAITING)
            .order_by("created_at")
            .values_list("pk", flat=True)
        )
        for job_id in waiting:
            self.run(job_id)

    def run(self, job_id: int) -> None:
        job = jobs.process(job_id)  # None when someone else already claimed it
        if job is not None:
            self.stdout.write(f"Impor #{job.pk}: {job.get_status_display()}")


def _job_id(raw: bytes) -> int | None:
    try:
        return int(raw)
    except ValueError:
        log.warning("ignoring %r on the import queue: not a job id", raw)
        return None

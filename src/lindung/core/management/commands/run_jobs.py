"""`lindung run_jobs [--once]`: the background worker for every job kind (`core.jobqueue`):
imports, reports and allocation scenarios.

Database queue (REDIS_URL empty): every `--interval` seconds, mark dead jobs of every kind
failed and run the waiting ones, oldest first across kinds. Redis queue (REDIS_URL set): wait
on the lists `lindung:<kind>` (one per kind) with one BLPOP, starting with a different list each
turn so no kind starves another, and run each id at once; on every timeout, and at least every
`--interval` seconds while ids keep coming, also sweep the database the same way, so a lost
message or a Redis restart never strands a job. When Redis is unreachable the worker carries
on as a database queue and tries Redis again on the next turn.

While it runs (not with `--once`), a heartbeat file under MEDIA_ROOT/jobs/workers/ tells web
processes that a worker is alive, so without Redis they leave new jobs in the database for it
instead of running them in a web thread.
"""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand

from lindung.core import jobqueue

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Jalankan pekerjaan latar belakang yang menunggu (impor, laporan, skenario alokasi) "
        "dan tandai yang terhenti."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="proses antrean sekali lalu keluar")
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args, **options):
        self.start(options["interval"])
        if options["once"]:
            self.drain()
            self.sweep()
            return
        jobqueue.prune_heartbeats()
        heartbeat = jobqueue.Heartbeat(min(jobqueue.HEARTBEAT_EVERY, self.interval)).start()
        try:
            self.sweep()
            while True:
                self.step()
        finally:
            heartbeat.stop()

    def start(self, interval: float) -> None:
        self.interval, self.redis_down, self.last_sweep = interval, False, 0.0
        self.kinds = jobqueue.kinds()
        self.turn = 0
        self.client = jobqueue.redis_client(read_timeout=interval + 10)

    def step(self) -> None:
        """One turn: run the next id from Redis, or sweep the database after a timeout."""
        popped = self.pop()
        if popped is not None:
            self.run(*popped)
        if popped is None or time.monotonic() - self.last_sweep >= self.interval:
            self.sweep()

    def keys(self) -> list[str]:
        """The Redis lists, rotated by one each turn: BLPOP serves the first non-empty one."""
        keys = [k.key for k in self.kinds]
        self.turn = (self.turn + 1) % len(keys)
        return keys[self.turn :] + keys[: self.turn]

    def pop(self) -> tuple[jobqueue.Kind, int] | None:
        """Next (kind, id) from Redis; None after the BLPOP timeout, or after sleeping the
        interval when there is no Redis (database queue) or it is unreachable."""
        if self.client is not None:
            try:
                item = self.client.blpop(self.keys(), timeout=self.interval)
            except jobqueue.REDIS_ERRORS as exc:
                if not self.redis_down:
                    log.warning("Redis unreachable (%s): polling the database instead", exc)
                    self.redis_down = True
            else:
                if self.redis_down:
                    log.warning("Redis reachable again: back to the Redis queue")
                    self.redis_down = False
                return None if item is None else _entry(*item)
        time.sleep(self.interval)
        return None

    def drain(self) -> None:
        """`--once` with Redis: run every id already on the lists, without waiting."""
        if self.client is None:
            return
        try:
            for kind in self.kinds:
                while (raw := self.client.lpop(kind.key)) is not None:
                    if (entry := _entry(kind.key, raw)) is not None:
                        self.run(*entry)
        except jobqueue.REDIS_ERRORS as exc:
            log.warning("Redis unreachable (%s): polling the database instead", exc)

    def sweep(self) -> None:
        """Mark dead jobs of every kind failed, then run every waiting job, oldest first.

        Waiting jobs are never failed here: this worker is about to run them.
        """
        self.last_sweep = time.monotonic()
        waiting = []
        for kind in self.kinds:
            if stale := kind.recover(False):
                self.stdout.write(kind.stale_message.format(n=stale))
            waiting += [(at, kind.name, job_id, kind) for at, job_id in kind.waiting()]
        for _at, _name, job_id, kind in sorted(waiting, key=lambda w: w[:3]):
            self.run(kind, job_id)

    def run(self, kind: jobqueue.Kind, job_id: int) -> None:
        try:
            job = kind.process(job_id)  # None when someone else already claimed it
        except Exception:  # each kind records its own failure; the worker must carry on
            log.exception("%s job %s failed", kind.name, job_id)
            return
        if job is not None:
            self.stdout.write(kind.describe(job))


def _entry(key, raw) -> tuple[jobqueue.Kind, int] | None:
    kind = jobqueue.kind_for_key(key)
    try:
        job_id = int(raw)
    except ValueError:
        job_id = None
    if kind is None or job_id is None:
        log.warning("ignoring %r on the job queue %r: not a job id of a known kind", raw, key)
        return None
    return kind, job_id

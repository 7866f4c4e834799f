"""One dispatcher for every background job: imports, reports and allocation scenarios.

A job *kind* is a table whose rows carry their own status (the source of truth) plus four
functions, declared as `JOB_KIND = jobqueue.Kind(...)` in the owning module and registered
by name from the app's `ready()` (`jobqueue.register("reports", "lindung.coverage.reportjobs")`),
so this module knows no app and nothing heavy is imported until a job runs:

- `process(id)`: claim the waiting row with a conditional UPDATE and run it; returns the row,
  or None when it was not waiting any more (someone else ran it: a second delivery is a no-op);
- `waiting()`: `(queued_at, id)` of the rows waiting in the database;
- `recover(waiting)`: mark running rows without progress for STALE_AFTER as failed (their
  worker died); with `waiting=True` also rows still waiting after STALE_AFTER (only right when
  no worker is alive to run them); returns how many;
- `describe(row)`: one line for `run_jobs`' output.

`launch(kind, id)` hands a job over, once the transaction that created it has committed:
1. `REDIS_URL` set and Redis reachable: `RPUSH lindung:<kind> <id>` (one list per kind), for
   `run_jobs` to BLPOP;
2. else, when a `run_jobs` worker is alive (its heartbeat file under MEDIA_ROOT/jobs/workers/
   is fresh): nothing to do, the row is waiting in the database and the worker's sweep runs it
   within `--interval` seconds;
3. else a daemon thread in this (web) process, as before there was a worker.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connections

try:
    import redis
except ImportError:  # the optional `redis` extra is not installed
    redis = None

log = logging.getLogger(__name__)

STALE_AFTER = 15 * 60  # seconds without progress before a running job counts as dead
KEY_PREFIX = "lindung:"  # Redis list per kind: lindung:imports, lindung:reports, ...
HEARTBEAT_EVERY = 10.0  # seconds between a worker's heartbeats
HEARTBEAT_FRESH = 30.0  # a worker whose heartbeat is older counts as gone

# What an unreachable or failing Redis raises (connection refused, timeout, restart).
REDIS_ERRORS: tuple[type[Exception], ...] = (OSError,) + ((redis.RedisError,) if redis else ())


@dataclass(frozen=True)
class Kind:
    name: str
    process: Callable[[int], object | None]
    waiting: Callable[[], Iterable[tuple[dt.datetime, int]]]
    recover: Callable[[bool], int]
    describe: Callable[[object], str]
    stale_message: str  # "{n} ... ditandai gagal." printed by run_jobs when recover() found some

    @property
    def key(self) -> str:
        return KEY_PREFIX + self.name


_MODULES: dict[str, str] = {}  # kind name -> "module" (its JOB_KIND) or "module:attribute"


def register(name: str, where: str) -> None:
    _MODULES[name] = where


def kind(name: str) -> Kind:
    module, _, attribute = _MODULES[name].partition(":")
    job_kind = getattr(importlib.import_module(module), attribute or "JOB_KIND")
    assert job_kind.name == name, f"{_MODULES[name]} is kind {job_kind.name!r}, not {name!r}"
    return job_kind


def kinds() -> list[Kind]:
    return [kind(name) for name in _MODULES]


def kind_for_key(key: bytes | str) -> Kind | None:
    key = key.decode() if isinstance(key, bytes) else key
    name = key.removeprefix(KEY_PREFIX)
    return kind(name) if key.startswith(KEY_PREFIX) and name in _MODULES else None


# --- Handing a job over ------------------------------------------------------------------


def launch(name: str, job_id: int) -> str:
    """Queue the job on Redis, leave it to a live worker, or run it in a thread.

    Returns where it went: "redis", "database" or "thread".
    """
    client = redis_client()
    if client is not None:
        try:
            client.rpush(KEY_PREFIX + name, job_id)
            return "redis"
        except REDIS_ERRORS as exc:
            where = "is left to run_jobs" if worker_alive() else "runs in a web thread"
            log.warning("Redis unreachable (%s): %s job %s %s", exc, name, job_id, where)
    if worker_alive():
        return "database"
    _start_thread(name, job_id)
    return "thread"


def _start_thread(name: str, job_id: int) -> None:
    threading.Thread(
        target=_run_and_close, args=(name, job_id), name=f"{name}-{job_id}", daemon=True
    ).start()


def _run_and_close(name: str, job_id: int) -> None:
    try:
        run_in_thread(name, job_id)
    finally:
        # The thread dies here; a connection left open would outlive it on the server side.
        connections.close_all()


def run_in_thread(name: str, job_id: int) -> None:
    close_old_connections()
    try:
        kind(name).process(job_id)
    except Exception:  # a thread has nobody to report to; the row says what happened
        log.exception("%s job %s failed in its thread", name, job_id)
    finally:
        close_old_connections()


def redis_client(read_timeout: float = 5.0):
    """A Redis client for settings.REDIS_URL, or None (no Redis) when it is empty."""
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


# --- Worker heartbeat --------------------------------------------------------------------


def _workers_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "jobs" / "workers"


def heartbeat_path() -> Path:
    return _workers_dir() / f"{socket.gethostname()}-{os.getpid()}"


def beat() -> None:
    """Tell web processes that a worker is running (touch this process's heartbeat file)."""
    path = heartbeat_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


def stop_beating() -> None:
    heartbeat_path().unlink(missing_ok=True)


def worker_alive(now: float | None = None) -> bool:
    """Whether some `run_jobs` worker touched its heartbeat file in the last HEARTBEAT_FRESH s."""
    now = now or time.time()
    try:
        entries = list(os.scandir(_workers_dir()))
    except OSError:
        return False
    for entry in entries:
        try:
            if now - entry.stat().st_mtime <= HEARTBEAT_FRESH:
                return True
        except OSError:
            continue
    return False


class Heartbeat:
    """A daemon thread that beats every HEARTBEAT_EVERY s while the worker runs (also while it
    is busy with a long job, so web processes keep queueing instead of starting threads)."""

    def __init__(self, every: float = HEARTBEAT_EVERY):
        self.every, self.stopped = every, threading.Event()
        self.thread = threading.Thread(target=self._loop, name="jobs-heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        beat()
        self.thread.start()
        return self

    def _loop(self) -> None:
        while not self.stopped.wait(self.every):
            try:
                beat()
            except OSError as exc:
                log.warning("heartbeat not written: %s", exc)

    def stop(self) -> None:
        self.stopped.set()
        stop_beating()


def prune_heartbeats(older_than: float = 86400.0) -> None:
    """Remove heartbeat files of workers gone for a day (killed without cleaning up)."""
    now = time.time()
    try:
        entries = list(os.scandir(_workers_dir()))
    except OSError:
        return
    for entry in entries:
        try:
            if now - entry.stat().st_mtime > older_than:
                os.unlink(entry.path)
        except OSError:
            continue

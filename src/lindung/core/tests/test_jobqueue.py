"""The job dispatcher (core.jobqueue) and the `run_jobs` worker, on two probe kinds.

The probes stand in for imports, reports and scenarios, so these tests need no database; the
kinds' own behaviour is tested in their apps (imports/tests/test_queue.py,
coverage/tests/test_report_jobs.py, funding/tests/test_scenario_queue.py).
"""

import datetime as dt
import io
import logging
import os
import threading
import time
from types import SimpleNamespace

import fakeredis
import pytest
from django.core.management import call_command

from lindung.core import jobqueue
from lindung.core.management.commands.run_jobs import Command

RAN: list[tuple[str, int]] = []
WAITING: dict[str, list[tuple[dt.datetime, int]]] = {"probe_a": [], "probe_b": []}
FAILING: set[int] = set()


def _probe(name: str) -> jobqueue.Kind:
    def process(job_id: int):
        if job_id in FAILING:
            raise RuntimeError("boom")
        if any(ran == (name, job_id) for ran in RAN):
            return None  # already run: a second delivery is a no-op
        RAN.append((name, job_id))
        WAITING[name][:] = [w for w in WAITING[name] if w[1] != job_id]
        return SimpleNamespace(pk=job_id)

    return jobqueue.Kind(
        name=name,
        process=process,
        waiting=lambda: list(WAITING[name]),
        recover=lambda waiting: 0,
        describe=lambda job: f"{name} #{job.pk}",
        stale_message="{n} " + name,
    )


PROBE_A, PROBE_B = _probe("probe_a"), _probe("probe_b")


@pytest.fixture
def probes(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.REDIS_URL = ""
    monkeypatch.setattr(
        jobqueue, "_MODULES", {"probe_a": f"{__name__}:PROBE_A", "probe_b": f"{__name__}:PROBE_B"}
    )
    RAN.clear()
    FAILING.clear()
    for waiting in WAITING.values():
        waiting.clear()
    started = []
    monkeypatch.setattr(
        jobqueue, "_start_thread", lambda kind, job_id: started.append((kind, job_id))
    )
    return SimpleNamespace(threads=started)


@pytest.fixture
def fake_redis(settings, monkeypatch):
    settings.REDIS_URL = "redis://queue.test:6379/0"
    server = fakeredis.FakeServer()
    client = fakeredis.FakeRedis(server=server)
    monkeypatch.setattr(jobqueue, "_connect", lambda url, read_timeout: client)
    return SimpleNamespace(
        client=client,
        server=server,
        queued=lambda key: [int(v) for v in client.lrange(key, 0, -1)],
    )


def _worker(interval: float = 60.0) -> tuple[Command, io.StringIO]:
    out = io.StringIO()
    command = Command(stdout=out)
    command.start(interval)
    command.last_sweep = time.monotonic()  # no sweep due: only Redis delivers
    return command, out


def test_the_apps_register_three_kinds_with_one_redis_list_each():
    assert {k.name: k.key for k in jobqueue.kinds()} == {
        "imports": "lindung:imports",
        "reports": "lindung:reports",
        "scenarios": "lindung:scenarios",
    }


def test_launch_chooses_redis_then_a_live_worker_then_a_thread(probes, fake_redis, settings):
    assert jobqueue.launch("probe_a", 1) == "redis"
    assert fake_redis.queued("lindung:probe_a") == [1] and probes.threads == []
    settings.REDIS_URL = ""
    assert jobqueue.launch("probe_a", 2) == "thread"
    assert probes.threads == [("probe_a", 2)]
    jobqueue.beat()
    assert jobqueue.launch("probe_b", 3) == "database"  # the worker's sweep will run it
    assert probes.threads == [("probe_a", 2)] and fake_redis.queued("lindung:probe_b") == []
    assert RAN == []  # launching never runs anything in the caller


def test_unreachable_redis_falls_back_to_a_live_worker_or_a_thread(probes, fake_redis, caplog):
    fake_redis.server.connected = False
    with caplog.at_level(logging.WARNING, logger="lindung.core.jobqueue"):
        assert jobqueue.launch("probe_a", 1) == "thread"
        assert "Redis unreachable" in caplog.text and "runs in a web thread" in caplog.text
        jobqueue.beat()
        assert jobqueue.launch("probe_a", 2) == "database"
        assert "probe_a job 2 is left to run_jobs" in caplog.text
    assert probes.threads == [("probe_a", 1)]


def test_blpop_serves_the_kinds_in_turn(probes, fake_redis):
    for job_id in (1, 2, 3):
        fake_redis.client.rpush("lindung:probe_a", job_id)
    for job_id in (11, 12):
        fake_redis.client.rpush("lindung:probe_b", job_id)
    command, out = _worker()
    for _ in range(5):
        command.step()
    # Not a1, a2, a3 before any b: each turn starts with another list.
    assert RAN == [
        ("probe_b", 11),
        ("probe_a", 1),
        ("probe_b", 12),
        ("probe_a", 2),
        ("probe_a", 3),
    ]
    assert "probe_b #11" in out.getvalue()
    assert fake_redis.queued("lindung:probe_a") == fake_redis.queued("lindung:probe_b") == []


def test_a_malformed_entry_is_skipped_and_the_worker_goes_on(probes, fake_redis, caplog):
    fake_redis.client.rpush("lindung:probe_a", "x", 7)
    command, _out = _worker()
    with caplog.at_level(logging.WARNING):
        command.step()
        command.step()
    assert "ignoring b'x'" in caplog.text
    assert RAN == [("probe_a", 7)]


def test_the_sweep_runs_waiting_jobs_oldest_first_across_kinds(probes):
    t = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)
    WAITING["probe_a"] += [(t + dt.timedelta(minutes=2), 1)]
    WAITING["probe_b"] += [(t, 11), (t + dt.timedelta(minutes=3), 12)]
    out = io.StringIO()
    call_command("run_jobs", "--once", stdout=out)
    assert RAN == [("probe_b", 11), ("probe_a", 1), ("probe_b", 12)]
    assert out.getvalue().splitlines() == ["probe_b #11", "probe_a #1", "probe_b #12"]


def test_a_failing_job_does_not_stop_the_worker(probes, caplog):
    t = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)
    WAITING["probe_a"] += [(t, 1)]
    WAITING["probe_b"] += [(t + dt.timedelta(minutes=1), 11)]
    FAILING.add(1)
    with caplog.at_level(logging.ERROR):
        call_command("run_jobs", "--once", stdout=io.StringIO())
    assert RAN == [("probe_b", 11)]
    assert "probe_a job 1 failed" in caplog.text


def test_once_drains_every_list_and_a_second_delivery_is_a_no_op(probes, fake_redis):
    for key, job_id in (("lindung:probe_a", 1), ("lindung:probe_b", 11), ("lindung:probe_a", 1)):
        fake_redis.client.rpush(key, job_id)
    out = io.StringIO()
    call_command("run_jobs", "--once", stdout=out)
    assert RAN == [("probe_a", 1), ("probe_b", 11)]
    assert out.getvalue().count("probe_a #1") == 1
    assert fake_redis.queued("lindung:probe_a") == []


def test_a_thread_runs_the_job_and_swallows_its_failure(probes, caplog, monkeypatch):
    closed = []  # a thread's own database connection is closed before and after
    monkeypatch.setattr(jobqueue, "close_old_connections", lambda: closed.append(RAN[:]))
    jobqueue.run_in_thread("probe_a", 5)
    FAILING.add(6)
    with caplog.at_level(logging.ERROR):
        jobqueue.run_in_thread("probe_b", 6)  # must not raise: a thread has nobody to tell
    assert RAN == [("probe_a", 5)]
    assert "probe_b job 6 failed in its thread" in caplog.text
    assert closed == [[], [("probe_a", 5)], [("probe_a", 5)], [("probe_a", 5)]]


def test_the_worker_beats_while_it_loops_but_not_with_once(probes, monkeypatch):
    seen = []

    def step(self):
        seen.append(("loop", jobqueue.worker_alive()))
        raise KeyboardInterrupt

    def sweep(self):
        seen.append(("sweep", jobqueue.worker_alive()))

    monkeypatch.setattr(Command, "step", step)
    monkeypatch.setattr(Command, "sweep", sweep)
    call_command("run_jobs", "--once")
    assert seen == [("sweep", False)]  # a one-off run promises no worker to web processes
    with pytest.raises(KeyboardInterrupt):
        call_command("run_jobs", "--interval", "0.01")
    assert seen[1:] == [("sweep", True), ("loop", True)]
    assert not jobqueue.worker_alive()  # it cleaned up on the way out


def test_heartbeats_of_workers_gone_for_a_day_are_pruned(probes):
    jobqueue.beat()
    old = jobqueue.heartbeat_path().with_name("gone-host-1")
    old.touch()
    long_ago = time.time() - 2 * 86400
    os.utime(old, (long_ago, long_ago))
    jobqueue.prune_heartbeats()
    assert not old.exists() and jobqueue.heartbeat_path().exists()


@pytest.mark.django_db(transaction=True)
def test_a_job_thread_closes_its_own_connection_when_it_ends(monkeypatch):
    seen = {}

    def job(name, job_id):
        from django.db import connections

        wrapper = connections["default"]  # this thread's own, not a proxy to the caller's
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
        seen["connection"] = wrapper

    monkeypatch.setattr(jobqueue, "run_in_thread", job)
    started = []
    monkeypatch.setattr(jobqueue.threading, "Thread", _Recorded(started))
    jobqueue._start_thread("probe_a", 7)
    thread = started[0]
    thread.join(timeout=10)
    assert not thread.is_alive()
    wrapper = seen["connection"]
    # Closed, not left for the server to time out (SQLite keeps an in-memory test database open).
    assert wrapper.connection is None or wrapper.is_in_memory_db()


class _Recorded:
    """threading.Thread that remembers the threads it made."""

    def __init__(self, started):
        self.started = started
        self.thread_class = threading.Thread

    def __call__(self, *args, **kwargs):
        thread = self.thread_class(*args, **kwargs)
        self.started.append(thread)
        return thread

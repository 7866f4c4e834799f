"""Abuse-limit counters stay exact when many threads or processes count at once."""

import multiprocessing
import threading
import time

import pytest
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from lindung.core import ratelimit


def test_parse_rate():
    assert ratelimit.parse_rate("600/m") == (600, 60)
    assert ratelimit.parse_rate("30/15m") == (30, 900)
    assert ratelimit.parse_rate("5/h") == (5, 3600)
    for bad in ["", "600", "x/m", "10/15x", "10/"]:
        with pytest.raises(ValueError):
            ratelimit.parse_rate(bad)


@given(st.text(max_size=12))
def test_parse_rate_never_crashes_otherwise(text):
    try:
        limit, window = ratelimit.parse_rate(text)
    except ValueError:
        return
    assert limit >= 0 and window > 0


def _hammer(cache, key, threads, per_thread, limit):
    allowed = []
    barrier = threading.Barrier(threads)

    def run():
        barrier.wait()
        allowed.extend(ratelimit.hit(key, limit, 60, cache) for _ in range(per_thread))

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(allowed)


def test_exact_under_threads_in_memory():
    cache = LocMemCache("ratelimit-test", {})
    assert _hammer(cache, "t", threads=16, per_thread=50, limit=600) == 600


def test_exact_under_threads_in_file_cache(tmp_path):
    cache = FileBasedCache(str(tmp_path), {})
    assert _hammer(cache, "t", threads=8, per_thread=25, limit=150) == 150


def _process_hits(hits, queue):
    queue.put(sum(ratelimit.hit("p", 100, 60) for _ in range(hits)))


def test_exact_across_processes_in_the_configured_file_cache(tmp_path, settings):
    # gunicorn runs several processes sharing the file cache when Redis is not configured.
    settings.CACHES = {
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        },
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    procs = [context.Process(target=_process_hits, args=(40, queue)) for _ in range(5)]
    for p in procs:
        p.start()
    allowed = sum(queue.get(timeout=60) for _ in procs)
    for p in procs:
        p.join()
    assert allowed == 100


@pytest.mark.parametrize("kind", ["memory", "file"])
def test_window_reopens_and_release_gives_back(kind, tmp_path):
    cache = LocMemCache("w", {}) if kind == "memory" else FileBasedCache(str(tmp_path), {})
    assert [ratelimit.hit("w", 2, 1, cache) for _ in range(2)] == [True, True]
    ratelimit.release("w", cache)
    assert [ratelimit.hit("w", 2, 1, cache) for _ in range(2)] == [True, False]
    time.sleep(1.1)
    assert ratelimit.hit("w", 2, 1, cache) is True


def test_exact_with_redis():
    import fakeredis
    from django.core.cache.backends.redis import RedisCache

    server = fakeredis.FakeServer()
    cache = RedisCache("redis://fake", {"OPTIONS": {"connection_class": None}})
    cache._cache.get_client = lambda *a, **k: fakeredis.FakeRedis(server=server)
    assert _hammer(cache, "r", threads=8, per_thread=25, limit=150) == 150


def test_client_ip_trusts_only_the_proxy_entry(settings):
    rf = RequestFactory()
    settings.LINDUNG_PROXY_COUNT = 1
    forged = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", REMOTE_ADDR="127.0.0.1")
    assert ratelimit.client_ip(forged) == "203.0.113.9"
    assert ratelimit.client_ip(rf.get("/", REMOTE_ADDR="10.0.0.5")) == "10.0.0.5"
    settings.LINDUNG_PROXY_COUNT = 0
    assert ratelimit.client_ip(forged) == "127.0.0.1"
    # No address at all (a request built in code, e.g. force_login): None, which django-axes
    # stores as empty; a placeholder text broke its IP address column on PostgreSQL.
    assert ratelimit.client_ip(HttpRequest()) is None

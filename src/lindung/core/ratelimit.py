"""Exact request counters for abuse limits, shared by every server process.

A limit is a fixed window that opens at the first counted event: at most `limit` events are
allowed until `window` seconds after it. Counting is atomic so parallel clients cannot slip
past a limit: Redis (INCR) and the in-memory cache (locked) count atomically; the file cache,
used when Redis is not configured, reads and writes under an exclusive file lock, which holds
across the gunicorn processes of one machine.
"""

from __future__ import annotations

import contextlib
import fcntl
import math
import os
import time
from collections.abc import Iterator

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.filebased import FileBasedCache
from django.http import HttpRequest

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'600/m' -> (600, 60); '20/15m' -> (20, 900)."""
    count, _, period = rate.partition("/")
    unit = period[-1:]
    if unit not in _PERIODS or not count.isdigit():
        raise ValueError(f"Invalid rate: {rate!r}")
    multiple = int(period[:-1]) if period[:-1] else 1
    return int(count), multiple * _PERIODS[unit]


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client. Behind the nginx proxy (docs/deploy.md) it is the last entry
    nginx appended to X-Forwarded-For; the earlier entries come from the client and can be
    forged, so they are never trusted."""
    proxies = getattr(settings, "LINDUNG_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        entries = [e.strip() for e in forwarded.split(",") if e.strip()]
        if entries:
            return entries[-min(proxies, len(entries))]
    return request.META.get("REMOTE_ADDR") or None  # None: e.g. a request built in a test


def hit(key: str, limit: int, window: int, cache: BaseCache | None = None) -> bool:
    """Count one event under `key`; True while it is within the limit of its window."""
    return count(key, window, cache) <= limit


def count(key: str, window: int, cache: BaseCache | None = None) -> int:
    """Add one event under `key` and return how many its current window holds."""
    cache = cache or caches["ratelimit"]  # the backend itself, not the proxy that hides its class
    key = f"ratelimit:{key}"
    if not isinstance(cache, FileBasedCache):
        cache.add(key, 0, timeout=window)
        try:
            return cache.incr(key)
        except ValueError:  # the window ended between add and incr
            cache.add(key, 0, timeout=window)
            return cache.incr(key)
    with _file_lock(cache):
        now = time.time()
        ends, events = cache.get(key) or (now + window, 0)
        if now >= ends:
            ends, events = now + window, 0
        events += 1
        cache.set(key, (ends, events), timeout=max(1, math.ceil(ends - now)))
        return events


def release(key: str, cache: BaseCache | None = None) -> None:
    """Give back one event counted under `key` (an attempt that turned out legitimate)."""
    cache = cache or caches["ratelimit"]
    key = f"ratelimit:{key}"
    if not isinstance(cache, FileBasedCache):
        with contextlib.suppress(ValueError):  # the window has already ended
            cache.decr(key)
        return
    with _file_lock(cache):
        current = cache.get(key)
        if current:
            ends, events = current
            timeout = math.ceil(ends - time.time())
            if events > 0 and timeout > 0:
                cache.set(key, (ends, events - 1), timeout=timeout)


@contextlib.contextmanager
def _file_lock(cache: FileBasedCache) -> Iterator[None]:
    directory = cache._dir
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "ratelimit.lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

"""Worklist and home-page figures, cached until the data they count changes.

Regency-wide counts over a million memberships take seconds, and the landing page and the
worklist ask for them on every visit. A page's figures are cached per user, area, day and
language under the current *data generation*. Every write moves the generation on: model
signals of the domain apps (after commit), every successful POST/PUT/PATCH/DELETE through
`DataChangeMiddleware`, and `data_changed()` at the end of bulk work that bypasses signals
(imports, funding batches, background jobs). The next visit then recounts. MAX_AGE bounds how
long a write path that escapes all three could leave a figure stale.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

log = logging.getLogger(__name__)
T = TypeVar("T")

GENERATION_KEY = "lindung:data-generation"
MAX_AGE = 300  # seconds before an unchanged figure is recounted
FORMAT = "v2"  # of the cached entries: (computed at, value); a change here forgets old ones
KEEP_FOR = 4 * MAX_AGE  # seconds an unchanged figure may still be served while it is recounted
LOCK_SECONDS = 30  # longest wait for another request counting the same figure
# Apps whose records the figures count; saves of their models move the generation on.
WATCHED_APPS = frozenset(
    {"workers", "enrollment", "funding", "claims", "outreach", "areas", "coverage", "exchange"}
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Signing in and out writes sessions, not counted data: keep the figures.
SESSION_ONLY_VIEWS = frozenset({"login", "logout"})


def current_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A fresh or flushed cache: start from the clock so no older entry can match.
        cache.add(GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(GENERATION_KEY)
    return int(generation or 0)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # the key was evicted or never set
        cache.set(GENERATION_KEY, time.time_ns(), None)
    except Exception as exc:  # a cache outage must not fail the write that already happened
        log.warning("cached figures not invalidated: %s", exc)


def data_changed() -> None:
    """Figures counted so far are out of date. Inside a transaction the generation moves both
    now (this connection's own next read sees its writes) and again on commit (a request that
    counted in between, before the writes were visible, cached under a generation now gone).
    """
    _bump()
    if connection.in_atomic_block and not any(
        entry[1] is _bump for entry in connection.run_on_commit
    ):
        transaction.on_commit(_bump)  # once per transaction, however many rows it writes


def cached(name: str, user, area, compute: Callable[[], T]) -> T:
    """`compute()`, or its value from the cache when nothing was written since."""
    key = ":".join(
        (
            "lindung:figure",
            name,
            str(getattr(user, "pk", "")),
            getattr(area, "code", "") or "",
            timezone.localdate().isoformat(),
            get_language() or "",
        )
    )
    return remember(key, compute)


def remember(key: str, compute: Callable[[], T]) -> T:
    """`compute()` cached under `key` and the current generation.

    When many requests miss at once (a cold start, or just after a write), one counts and the
    others wait for its result instead of all running the same multi-second query. A figure
    older than MAX_AGE with no write since is recounted by one request while the others keep
    being served the last count.
    """
    try:
        full = f"{key}:{FORMAT}:{current_generation()}"
        entry = cache.get(full)
        if not _is_entry(entry):
            entry = None
        elif time.time() - entry[0] < MAX_AGE:
            return entry[1]
        counting = cache.add(full + ":lock", 1, LOCK_SECONDS)
    except Exception as exc:  # no cache (Redis down, unwritable directory): count directly
        log.warning("cached figures unavailable: %s", exc)
        return compute()
    if not counting:
        if entry is not None:
            return entry[1]  # nothing was written since: the last count, while one recounts
        entry = _wait_for(full)
        if entry is not None:
            return entry[1]
    try:
        value = compute()
        _store(full, value)
    finally:
        if counting:
            _forget(full + ":lock")
    return value


def _is_entry(entry) -> bool:
    return isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], float)


def _wait_for(full: str):
    deadline = time.monotonic() + LOCK_SECONDS
    try:
        while time.monotonic() < deadline:
            time.sleep(0.05)
            entry = cache.get(full)
            if _is_entry(entry):
                return entry
            if cache.get(full + ":lock") is None:
                return None
    except Exception:
        return None
    return None


def _store(full: str, value) -> None:
    try:
        cache.set(full, (time.time(), value), KEEP_FOR)
    except Exception as exc:
        log.warning("cached figures not stored: %s", exc)


def _forget(key: str) -> None:
    try:
        cache.delete(key)
    except Exception as exc:
        log.warning("cached figures lock not released: %s", exc)


def _model_written(sender, raw: bool = False, **kwargs) -> None:
    if not raw and sender._meta.app_label in WATCHED_APPS:
        data_changed()


class DataChangeMiddleware:
    """A successful change request through the web may have written anything counted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method not in SAFE_METHODS
            and response.status_code < 400
            and getattr(request.resolver_match, "url_name", None) not in SESSION_ONLY_VIEWS
        ):
            _bump()
        return response


def connect() -> None:
    post_save.connect(_model_written, dispatch_uid="figures_save")
    post_delete.connect(_model_written, dispatch_uid="figures_delete")

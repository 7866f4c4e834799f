"""Worklist and home-page figures, cached until the data they count changes.

Regency-wide counts over a million memberships take seconds, and the landing page and the
worklist ask for them on every visit. A page's figures are cached per user, area, day and
language under the current *data generation*. Every write moves the generation on: model
signals of the domain apps (after commit), every successful POST/PUT/PATCH/DELETE through
`DataChangeMiddleware`, and `data_changed()` at the end of bulk work that bypasses signals
(funding batches, background jobs) or `bulk_written(villages)` when its villages are known
(imports). The next visit then recounts. MAX_AGE bounds how
long a write path that escapes all three could leave a figure stale.

Per-area figures (`cached()`: home cards, worklists, dashboards) are keyed by *area
generations* instead: a model write moves on the generation of the record's area and of each
area above it (village, kecamatan, kabupaten, province), so a write in one village leaves every
other village's figures, and other kecamatans', in the cache. Writes whose area is unknown
(bulk work, `data_changed()`, a change request that sent no model signal) move on
ALL_AREAS_KEY, which every per-area key includes.

A slow figure of `remember()` (its last count took SLOW_SECONDS or more) is not recounted in
the request after a write: the request gets the last count, marked with its time
(`stale_since()`), and a background thread recounts it once. Per-area figures (`cached()`)
never are: they are summed from the per-village tallies, so a recount is cheap, and a figure
older than the last committed write in its area is never shown (under load a cheap count can
still take a second, which used to switch a page to its last count).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone, translation
from django.utils.translation import get_language

from lindung.core.areacodes import ancestor_codes

log = logging.getLogger(__name__)
T = TypeVar("T")

GENERATION_KEY = "lindung:data-generation"
ALL_AREAS_KEY = "lindung:area-generation:*"
AREA_KEY = "lindung:area-generation:"
MAX_AGE = 300  # seconds before an unchanged figure is recounted
FORMAT = "v2"  # of the cached entries: (computed at, value); a change here forgets old ones
KEEP_FOR = 4 * MAX_AGE  # seconds an unchanged figure may still be served while it is recounted
LOCK_SECONDS = 30  # longest wait for another request counting the same figure
# A figure whose last count took this long is recounted in the background after a write.
SLOW_SECONDS = 1.0
LATEST_FOR = 24 * 3600  # seconds the last count of a slow figure may stand in for a new one
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


def _bump_key(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # the key was evicted or never set
        cache.set(key, time.time_ns(), None)
    except Exception as exc:  # a cache outage must not fail the write that already happened
        log.warning("cached figures not invalidated: %s", exc)


def _bump_all_areas() -> None:
    _bump_key(ALL_AREAS_KEY)


def _bump_everything() -> None:
    _bump()
    _bump_all_areas()


def _bump_areas(codes: frozenset[str]) -> None:
    for code in codes:
        _bump_key(AREA_KEY + code)


def areas_changed(codes) -> None:
    """Records of these areas changed: their figures and their ancestors' are out of date,
    now and again on commit (see data_changed)."""
    areas = frozenset(a for code in codes if code for a in (code, *ancestor_codes(code), ""))
    if not areas:
        return
    _bump_areas(areas)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: _bump_areas(areas))


def area_generation(codes) -> str:
    """Generation of the figures of these areas: theirs and the all-areas one, read at once."""
    keys = [ALL_AREAS_KEY, *(AREA_KEY + c for c in sorted(set(codes)))]
    found = cache.get_many(keys)
    missing = [k for k in keys if k not in found]
    for key in missing:  # a fresh or flushed cache: start from the clock, as for GENERATION_KEY
        cache.add(key, time.time_ns(), None)
    if missing:
        found.update(cache.get_many(missing))
    return ".".join(str(found.get(k, 0)) for k in keys)


def _now_and_on_commit(bump: Callable[[], None]) -> None:
    """Run `bump` now and, inside a transaction, once more on its commit (once per
    transaction, however many rows it writes)."""
    bump()
    if connection.in_atomic_block and not any(
        entry[1] is bump for entry in connection.run_on_commit
    ):
        transaction.on_commit(bump)


def data_changed() -> None:
    """Figures counted so far are out of date. Inside a transaction the generation moves both
    now (this connection's own next read sees its writes) and again on commit (a request that
    counted in between, before the writes were visible, cached under a generation now gone).
    """
    _now_and_on_commit(_bump_everything)


def bulk_written(area_codes) -> None:
    """Bulk work that sends no signals wrote records of these areas only (an import's
    villages): their figures, their ancestors' and the list counts are out of date, now and
    again on commit; other villages' and kecamatans' figures stay cached."""
    codes = frozenset(c for c in area_codes if c)
    if not codes:
        return
    _request_state.signalled = True  # the request's change has known areas (the middleware)
    _now_and_on_commit(_bump)
    areas_changed(codes)


def cached(name: str, user, area, compute: Callable[[], T]) -> T:
    """`compute()`, or its value from the cache when nothing was written in the area since
    (the viewed area and the user's own scope)."""
    key, generation = _keyed(name, user, area)
    if generation is None:  # no cache: count directly
        return compute()
    return remember(key, compute, generation, stale_after_write=False)


def generation_key(name: str, user, area) -> str | None:
    """A key that changes whenever `cached(name, user, area, ...)` would count again: for
    what is made from those figures or records (a page's rendered figures, a list's rows).
    `area` is an Area or its code ("" = the user's scope). None without a cache."""
    key, generation = _keyed(name, user, area)
    return None if generation is None else f"{key}:{FORMAT}:{generation}"


def _keyed(name: str, user, area) -> tuple[str, str | None]:
    code = (area if isinstance(area, str) else getattr(area, "code", "")) or ""
    key = ":".join(
        (
            "lindung:figure",
            name,
            str(getattr(user, "pk", "")),
            code,
            timezone.localdate().isoformat(),
            get_language() or "",
        )
    )
    try:
        return key, area_generation(_areas_counted(user, code))
    except Exception as exc:
        log.warning("cached figures unavailable: %s", exc)
        return key, None


# Roles whose worklist also counts their whole scope, whatever area they are viewing (the BPJS
# branch office follows up every village it serves).
SCOPE_WIDE_ROLES = frozenset({"petugas_bpjs"})


def _areas_counted(user, code: str) -> list[str]:
    """Areas whose records a user's figures of area `code` count: the narrower of the area and
    the user's scope ('' = everywhere), and the scope itself for SCOPE_WIDE_ROLES."""
    scope = getattr(user, "scope_code", None) or ""
    narrower = code if not scope or code == scope or code.startswith(scope + ".") else scope
    if getattr(user, "role", "") in SCOPE_WIDE_ROLES:
        return [narrower, scope]
    return [narrower]


def remember(
    key: str,
    compute: Callable[[], T],
    generation: str | None = None,
    *,
    stale_after_write: bool = True,
) -> T:
    """`compute()` cached under `key` and the current generation.

    When many requests miss at once (a cold start, or just after a write), one counts and the
    others wait for its result instead of all running the same multi-second query. A figure
    older than MAX_AGE with no write since is recounted by one request while the others keep
    being served the last count. A slow figure is recounted in the background instead, and
    every request meanwhile gets its last count (even from before the write), unless
    `stale_after_write` is False: then a request after a write counts, or waits for the one
    request counting, however long the last count took.
    """
    try:
        full = f"{key}:{FORMAT}:{current_generation() if generation is None else generation}"
        entry = cache.get(full)
        if not _is_entry(entry):
            entry = None
        elif time.time() - entry[0] < MAX_AGE:
            return entry[1]
        latest = _latest(key) if stale_after_write else None
        counting = cache.add(full + ":lock", 1, LOCK_SECONDS)
    except Exception as exc:  # no cache (Redis down, unwritable directory): count directly
        log.warning("cached figures unavailable: %s", exc)
        return compute()
    slow = (
        stale_after_write
        and latest is not None
        and latest[2] >= SLOW_SECONDS
        and _background_allowed()
    )
    if not counting:
        if entry is not None:
            return entry[1]  # nothing was written since: the last count, while one recounts
        if slow:
            return _served_stale(latest)
        entry = _wait_for(full)
        if entry is not None:
            return entry[1]
    elif slow:
        _recount_later(key, full, compute)
        return _served_stale(latest) if entry is None else entry[1]
    try:
        value = _count(key, full, compute, keep_latest=stale_after_write)
    finally:
        if counting:
            _forget(full + ":lock")
    return value


def _count(key: str, full: str, compute: Callable[[], T], *, keep_latest: bool = True) -> T:
    started = time.perf_counter()
    value = compute()
    _store(full, value)
    if keep_latest:  # only figures that may be served stale read their last count
        _store_latest(key, value, time.perf_counter() - started)
    return value


def _recount_later(key: str, full: str, compute: Callable) -> None:
    """Recount in a thread with the request's language; the lock is released when done."""
    language = get_language()

    def run() -> None:
        try:
            with translation.override(language):
                _count(key, full, compute)
        except Exception:
            log.exception("background recount of %s failed", key)
        finally:
            _forget(full + ":lock")

    _spawn(run)


def _spawn(target: Callable[[], None]) -> None:
    def in_thread() -> None:
        try:
            target()
        finally:
            connections.close_all()  # this thread's own connections, not the request's

    threading.Thread(target=in_thread, name="figures-recount", daemon=True).start()


def _background_allowed() -> bool:
    return getattr(settings, "LINDUNG_FIGURES_BACKGROUND", True)


def _latest(key: str):
    """(computed at, value, seconds it took) of the last count under any generation."""
    entry = cache.get(f"{key}:{FORMAT}:latest")
    if isinstance(entry, tuple) and len(entry) == 3 and isinstance(entry[0], float):
        return entry
    return None


def _store_latest(key: str, value, cost: float) -> None:
    _cache_set(f"{key}:{FORMAT}:latest", (time.time(), value, cost), LATEST_FOR)


_request_state = threading.local()


def _served_stale(latest: tuple):
    since = getattr(_request_state, "stale_since", None)
    if since is None or latest[0] < since:
        _request_state.stale_since = latest[0]
    return latest[1]


def stale_since() -> dt.datetime | None:
    """Time of the oldest earlier count this request was served while a recount runs."""
    since = getattr(_request_state, "stale_since", None)
    return None if since is None else dt.datetime.fromtimestamp(since, tz=dt.UTC)


def reset_request_state() -> None:
    _request_state.stale_since = None
    _request_state.signalled = False


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
    _cache_set(full, (time.time(), value), KEEP_FOR)


def _cache_set(key: str, entry: tuple, timeout: int) -> None:
    try:
        cache.set(key, entry, timeout)
    except Exception as exc:  # a cache outage costs a recount, never the page
        log.warning("cached figures not stored: %s", exc)


def _forget(key: str) -> None:
    try:
        cache.delete(key)
    except Exception as exc:
        log.warning("cached figures lock not released: %s", exc)


def _area_of(instance) -> str | None:
    """The area code of a record, through its model's `scope_field` (None: unknown)."""
    path = getattr(type(instance), "scope_field", None)
    if not path:
        for name in ("village_id", "area_id"):  # models that hold their area directly
            if getattr(instance, name, None):
                return getattr(instance, name)
        return None
    *hops, last = path.split("__")
    obj = instance
    try:
        for hop in hops:
            obj = getattr(obj, hop)
        return getattr(obj, f"{last}_id", None)
    except Exception:  # a missing related record: treat as unknown
        return None


def _area_in_db(sender, instance) -> str | None:
    path = getattr(sender, "scope_field", None)
    if not path and any(f.attname == "village_id" for f in sender._meta.concrete_fields):
        path = "village"
    if not path or instance.pk is None:
        return None
    return sender._base_manager.filter(pk=instance.pk).values_list(path, flat=True).first()


def _watched(sender) -> bool:
    # History rows (simple_history) come with a write of their record, which is signalled.
    return sender._meta.app_label in WATCHED_APPS and not hasattr(sender, "instance_type")


def _model_before(sender, instance, raw: bool = False, **kwargs) -> None:
    # A record may move between areas: the area it leaves changes too.
    if not raw and _watched(sender):
        instance.__dict__["_figures_area_before"] = _area_in_db(sender, instance)


def _model_written(sender, instance=None, raw: bool = False, **kwargs) -> None:
    if raw or sender._meta.app_label not in WATCHED_APPS:
        return
    _request_state.signalled = True
    if not _watched(sender):
        _bump()
        return
    _now_and_on_commit(_bump)
    before = instance.__dict__.pop("_figures_area_before", None) if instance else None
    now = _area_of(instance) if instance is not None else None
    if now is None and before is None:
        _bump_all_areas()
        if connection.in_atomic_block:
            transaction.on_commit(_bump_all_areas)
        return
    also = getattr(instance, "figures_also_shown_in", None)  # records shown in other areas
    areas_changed({before, now, *(also() if callable(also) else ())} - {None})


class DataChangeMiddleware:
    """A successful change request through the web may have written anything counted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reset_request_state()
        response = self.get_response(request)
        if (
            request.method not in SAFE_METHODS
            and response.status_code < 400
            and getattr(request.resolver_match, "url_name", None) not in SESSION_ONLY_VIEWS
        ):
            _bump()
            if not getattr(_request_state, "signalled", False):
                _bump_all_areas()  # it wrote without signals: its area is unknown
        return response


def connect() -> None:
    pre_save.connect(_model_before, dispatch_uid="figures_pre_save")
    post_save.connect(_model_written, dispatch_uid="figures_save")
    post_delete.connect(_model_written, dispatch_uid="figures_delete")

"""Keep VillageTally rows equal to a count of the records, and read area figures from them.

* Writes: `apply()` adds the entries of a record after a write and subtracts those it had before
  (signals.py calls it in the same transaction as the write): a few statements per write.
* Bulk work (imports, demo data) and repair: `rebuild()` recounts all villages or some.
* Reads: `total()` sums one key over an area's villages (and a range of days).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q, Sum

from lindung.core.areacodes import ancestor_codes
from lindung.enrollment.models import Membership
from lindung.workers.models import Worker

from .entries import (
    Entry,
    membership_entries,
    membership_facts,
    worker_entries,
    worker_facts,
)
from .models import AreaTally, VillageTally

# Levels with their own sum rows (AreaTally): dots in the code, 1 kabupaten, 2 kecamatan.
SUMMED_LEVELS = (1, 2)

CHUNK = 20_000  # records per read when recounting


def apply(changes: Iterable[tuple[Iterable[Entry], Iterable[Entry]]]) -> None:
    """Add each change's new entries and subtract its old ones (same transaction as the write)."""
    delta: Counter = Counter()
    for old, new in changes:
        delta.update(new)
        delta.subtract(old)
    _add({k: v for k, v in delta.items() if v})


def rolled_up(counts: dict[Entry, int]) -> Counter:
    """Village counts summed into their kecamatan and kabupaten: (area, key, day) -> count."""
    out: Counter = Counter()
    for (village, key, day), n in counts.items():
        for code in ancestor_codes(village):
            if code.count(".") in SUMMED_LEVELS:
                out[(code, key, day)] += n
    return out


def _add(delta: dict[Entry, int]) -> None:
    if not delta:
        return
    q = connection.ops.quote_name
    table = q(VillageTally._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({q('village_id')}, {q('key')}, {q('day')}, {q('count')}) "
        f"VALUES (%s, %s, %s, %s) ON CONFLICT ({q('village_id')}, {q('key')}, {q('day')}) "
        f"DO UPDATE SET {q('count')} = {table}.{q('count')} + excluded.{q('count')}"
    )
    areas = q(AreaTally._meta.db_table)
    area_sql = (
        f"INSERT INTO {areas} ({q('area_id')}, {q('level')}, {q('key')}, {q('day')}, "
        f"{q('count')}) VALUES (%s, %s, %s, %s, %s) "
        f"ON CONFLICT ({q('area_id')}, {q('key')}, {q('day')}) "
        f"DO UPDATE SET {q('count')} = {areas}.{q('count')} + excluded.{q('count')}"
    )
    rows = [(village, key, day, n) for (village, key, day), n in sorted(delta.items())]
    # Sorted, so concurrent writers lock rows in one order (no deadlock between two villages
    # of one kecamatan); a move within a kecamatan sums to 0 there and is left out.
    area_rows = [
        (area, area.count("."), key, day, n)
        for (area, key, day), n in sorted(rolled_up(delta).items())
        if n
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        if area_rows:
            cursor.executemany(area_sql, area_rows)


def membership_changes(ids: Iterable[int], before: dict) -> dict:
    """Apply the difference between `before` (facts read before the write) and now; returns
    the facts now."""
    ids = list(ids)
    after = membership_facts(Q(pk__in=ids))
    apply(
        (
            membership_entries(before[pk]) if pk in before else (),
            membership_entries(after[pk]) if pk in after else (),
        )
        for pk in ids
    )
    return after


def rebuild(villages: Iterable[str] | None = None) -> int:
    """Recount the tallies of `villages` (all when None) from the records; returns rows written."""
    codes = None if villages is None else sorted(set(villages))
    counts: Counter = Counter()
    for model, facts, entries in (
        (Membership, membership_facts, membership_entries),
        (Worker, worker_facts, worker_entries),
    ):
        base = model.objects.all() if codes is None else model.objects.filter(village_id__in=codes)
        pks = base.order_by("pk").values_list("pk", flat=True)
        last = 0
        while True:
            bound = list(pks.filter(pk__gt=last)[CHUNK - 1 : CHUNK])
            where = Q(pk__gt=last) if not bound else Q(pk__gt=last, pk__lte=bound[0])
            if codes is not None:
                where &= Q(village_id__in=codes)
            for f in facts(where).values():
                counts.update(entries(f))
            if not bound:
                break
            last = bound[0]
    with transaction.atomic():
        stale = VillageTally.objects.all()
        if codes is not None:
            stale = stale.filter(village_id__in=codes)
        stale.delete()
        VillageTally.objects.bulk_create(
            (VillageTally(village_id=v, key=k, day=d, count=n) for (v, k, d), n in counts.items()),
            batch_size=5000,
        )
        _resum(codes)
    return len(counts)


def _resum(villages: list[str] | None) -> None:
    """Recompute the kecamatan and kabupaten rows above `villages` (all when None) from the
    village rows."""
    if villages is None:
        AreaTally.objects.all().delete()
        areas = {
            code
            for v in VillageTally.objects.values_list("village_id", flat=True).distinct()
            for code in ancestor_codes(v)
            if code.count(".") in SUMMED_LEVELS
        }
    else:
        areas = {c for v in villages for c in ancestor_codes(v) if c.count(".") in SUMMED_LEVELS}
        AreaTally.objects.filter(area_id__in=sorted(areas)).delete()
    for area in sorted(areas):
        sums = (
            VillageTally.objects.filter(in_area(area))
            .values_list("key", "day")
            .annotate(n=Sum("count"))
            .filter(n__gt=0)
        )
        AreaTally.objects.bulk_create(
            (
                AreaTally(area_id=area, level=area.count("."), key=k, day=d, count=n)
                for k, d, n in sums
            ),
            batch_size=5000,
        )


def recount(villages: Iterable[str] | None = None) -> Counter:
    """The tallies a full count gives now, without storing them (tests compare with the rows)."""
    counts: Counter = Counter()
    where = Q() if villages is None else Q(village_id__in=list(villages))
    for f in membership_facts(where).values():
        counts.update(membership_entries(f))
    for f in worker_facts(where).values():
        counts.update(worker_entries(f))
    return +counts


def stored(villages: Iterable[str] | None = None) -> Counter:
    qs = VillageTally.objects.exclude(count=0)
    if villages is not None:
        qs = qs.filter(village_id__in=list(villages))
    return Counter(
        {(v, k, d): n for v, k, d, n in qs.values_list("village_id", "key", "day", "count")}
    )


def stored_areas() -> Counter:
    """The kecamatan and kabupaten rows (tests compare them with `rolled_up(recount())`)."""
    qs = AreaTally.objects.exclude(count=0).values_list("area_id", "key", "day", "count")
    return Counter({(a, k, d): n for a, k, d, n in qs})


def in_area(code: str | None) -> Q:
    """Rows of the villages inside area `code` (a range of codes, so an index serves it)."""
    if not code:
        return Q()
    if code.count(".") >= 3:  # a village
        return Q(village_id=code)
    return Q(village_id__gt=code + ".", village_id__lt=code + "/")  # "/" sorts right after "."


def total(
    code: str | None,
    key: str | tuple[str, ...],
    since: dt.date | None = None,
    until: dt.date | None = None,
    before: dt.date | None = None,
) -> int:
    """Sum of `key` (or of several keys) over the villages of area `code`, on days in
    [since, until] (or < before)."""
    qs = _rows(code, key)
    if since is not None:
        qs = qs.filter(day__gte=since)
    if until is not None:
        qs = qs.filter(day__lte=until)
    if before is not None:
        qs = qs.filter(day__lt=before)
    return qs.aggregate(n=Sum("count"))["n"] or 0


def totals_up_to(
    code: str | None, key: str, since: dt.date, untils: Iterable[dt.date]
) -> dict[dt.date, int]:
    """total(code, key, since=since, until=u) for each day u, from one read of the days."""
    untils = sorted(set(untils))
    per_day = list(
        _rows(code, key)
        .filter(day__gte=since, day__lte=untils[-1])
        .values_list("day")
        .annotate(n=Sum("count"))
        .order_by()
    )
    return {u: sum(n for day, n in per_day if day <= u) for u in untils}


def _rows(code: str | None, key: str | tuple[str, ...]):
    """The tally rows whose sum is area `code`'s figure `key` (or the sum of several keys):
    its own sum rows where it has them (kecamatan, kabupaten), its regencies' for a province
    or everywhere, else villages."""
    keyed = Q(key__in=key) if isinstance(key, tuple) else Q(key=key)
    level = None if code is None else code.count(".")
    if level is None or level < min(SUMMED_LEVELS):
        qs = AreaTally.objects.filter(keyed, level=min(SUMMED_LEVELS))
        return qs.filter(area_id__gt=code + ".", area_id__lt=code + "/") if code else qs
    if level in SUMMED_LEVELS:
        return AreaTally.objects.filter(keyed, area_id=code)
    return VillageTally.objects.filter(keyed, in_area(code))


def day_reaching(
    code: str | None, key: str, count: int, *, after: dt.date, before: dt.date
) -> dt.date | None:
    """The first day on which the entries of `key` in area `code` dated after `after` and
    before `before` add up to `count` (None: they never do)."""
    seen = 0
    rows = _rows(code, key).filter(day__gt=after, day__lt=before, count__gt=0).order_by("day")
    for day, n in rows.values_list("day", "count").iterator(chunk_size=500):
        seen += n
        if seen >= count:
            return day
    return None


def active_on(code: str | None, day: dt.date) -> int:
    """Memberships protected on `day` (Membership.objects.active_on) in area `code`."""
    from .entries import ACTIVE_FROM, ACTIVE_TO

    # start <= day <= last  ==  (last >= day) minus (start > day), as start <= last: both sums
    # read only days from `day` on (a few months of rows), not every start since the beginning.
    after = day + dt.timedelta(days=1)
    return total(code, ACTIVE_TO, since=day) - total(code, ACTIVE_FROM, since=after)


NOWHERE = "-"  # an area code no village has: the user sees nothing there


def area_for(user, area) -> str | None:
    """The area whose tallies match scoped(records, user) narrowed to `area` (an Area, a code,
    or None: the user's whole scope)."""
    scope = getattr(user, "scope_code", None)
    if not getattr(user, "is_authenticated", False) or scope is None:
        return NOWHERE
    code = (area if isinstance(area, str) else getattr(area, "code", None)) or None
    if scope == "":
        return code
    if code is None or code == scope or code.startswith(scope + "."):
        return code or scope
    if scope.startswith(code + "."):
        return scope
    return NOWHERE


def workers_added(per_village: Iterable[tuple[str, int, int]]) -> None:
    """Workers inserted in bulk (imports): (village, how many, how many flagged) per village."""
    from .entries import WORKERS, WORKERS_FLAGGED
    from .models import NO_DAY

    delta: dict[Entry, int] = {}
    for village, n, flagged in per_village:
        delta[(village, WORKERS, NO_DAY)] = n
        if flagged:
            delta[(village, WORKERS_FLAGGED, NO_DAY)] = flagged
    _add(delta)

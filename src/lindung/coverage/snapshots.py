"""Maintain CoverageSnapshot / CoverageStatusCount from memberships.

Village rows are counted with one grouped query (one conditional count per month); every
ancestor (kecamatan, kabupaten, provinsi) is then rebuilt as the sum of its children's rows.
`refresh_villages()` is what signals and bulk writers call; `refresh_area()` rebuilds a whole
area (the `coverage_refresh` command, run daily so the running month follows the calendar).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from lindung.areas.models import Area, AreaLevel
from lindung.enrollment.models import PRE_ACTIVE, Membership

from .models import CoverageConfig, CoverageRefreshLog, CoverageSnapshot, CoverageStatusCount
from .periods import add_months, month_start, ref_day, today

# How far back monthly trends are kept (months, including the running one).
HISTORY_MONTHS = 36


def active_q(day: dt.date, prefix: str = "") -> Q:
    """Same rule as Membership.objects.active_on(day), as a Q (status filtered separately)."""
    return Q(**{f"{prefix}coverage_start__lte": day, f"{prefix}paid_until__gte": day}) & (
        Q(**{f"{prefix}coverage_end__isnull": True}) | Q(**{f"{prefix}coverage_end__gte": day})
    )


def lapse_risk_q(day: dt.date, days: int) -> Q:
    return active_q(day) & Q(paid_until__lte=day + dt.timedelta(days=days))


def counted_memberships():
    """Memberships that can ever count: past the registration pipeline, with a start date."""
    return Membership.objects.exclude(status__in=PRE_ACTIVE).filter(coverage_start__isnull=False)


def periods_to_keep(on: dt.date, first_start: dt.date | None) -> list[dt.date]:
    last = month_start(on)
    if first_start is None or first_start > on:
        return []
    first = max(month_start(first_start), add_months(last, -(HISTORY_MONTHS - 1)))
    out, cur = [], first
    while cur <= last:
        out.append(cur)
        cur = add_months(cur, 1)
    return out


def ancestors_of(code: str) -> list[str]:
    """'52.03.07.2012' -> ['52.03.07', '52.03', '52'] (nearest first)."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]


def _level(code: str) -> int:
    return code.count(".") + 1


SNAP = CoverageSnapshot._meta.db_table
STATUS = CoverageStatusCount._meta.db_table
MEMBER = Membership._meta.db_table
WORKER = "workers_worker"
SNAP_COLS = (
    "area_id, level, period, ref_day, sector_id, funding_type, active, lapse_risk, new_members"
)

# The same rule as Membership.objects.active_on(day) / active_q(), in SQL (tests compare them).
ACTIVE_SQL = (
    "m.coverage_start <= %(r)s AND m.paid_until >= %(r)s "
    "AND (m.coverage_end IS NULL OR m.coverage_end >= %(r)s)"
)


def _village_sql(where: str) -> str:
    """INSERT ... SELECT of one month's village rows (sparse: all-zero cells are skipped)."""
    active = f"CASE WHEN {ACTIVE_SQL} THEN 1 ELSE 0 END"
    lapse = f"CASE WHEN {ACTIVE_SQL} AND m.paid_until <= %(rl)s THEN 1 ELSE 0 END"
    new = "CASE WHEN m.coverage_start >= %(p)s AND m.coverage_start <= %(r)s THEN 1 ELSE 0 END"
    pre = ", ".join(f"'{s}'" for s in PRE_ACTIVE)
    return (
        f"INSERT INTO {SNAP} ({SNAP_COLS}) "
        f"SELECT m.village_id, {AreaLevel.DESA}, %(p)s, %(r)s, w.sector_id, m.funding_type, "
        f"SUM({active}), SUM({lapse}), SUM({new}) "
        f"FROM {MEMBER} m JOIN {WORKER} w ON w.id = m.worker_id "
        f"WHERE {where} AND m.status NOT IN ({pre}) AND m.coverage_start IS NOT NULL "
        "AND m.coverage_start <= %(r)s AND (m.paid_until >= %(p)s OR m.coverage_start >= %(p)s) "
        "GROUP BY m.village_id, w.sector_id, m.funding_type "
        f"HAVING SUM({active}) > 0 OR SUM({new}) > 0"
    )


def _write_villages(
    where: str, params: dict, on: dt.date, progress: Callable[[int, int], None] | None = None
) -> int:
    """Recount the villages matched by `where` (SQL on alias m) from scratch."""
    lapse_days = CoverageConfig.current().lapse_risk_days
    first = _first_start(where, params)
    mine = where.replace("m.village_id", "area_id")
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {SNAP} WHERE {mine}", params)
        cur.execute(f"DELETE FROM {STATUS} WHERE {mine}", params)
        rows = 0
        sql = _village_sql(where)
        periods = periods_to_keep(on, first)
        for done, period in enumerate(periods, start=1):
            day = ref_day(period, on)
            cur.execute(
                sql, {**params, "p": period, "r": day, "rl": day + dt.timedelta(days=lapse_days)}
            )
            rows += max(cur.rowcount, 0)
            if progress:
                progress(done, len(periods))
        cur.execute(
            f"INSERT INTO {STATUS} (area_id, level, status, count) "
            f"SELECT m.village_id, {AreaLevel.DESA}, m.status, COUNT(*) FROM {MEMBER} m "
            f"WHERE {where} GROUP BY m.village_id, m.status",
            params,
        )
    return rows


def _first_start(where: str, params: dict) -> dt.date | None:
    pre = ", ".join(f"'{s}'" for s in PRE_ACTIVE)
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT MIN(m.coverage_start) FROM {MEMBER} m WHERE {where} "
            f"AND m.status NOT IN ({pre})",
            params,
        )
        value = cur.fetchone()[0]
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return value


# Direct children through the indexed parent FK (a LIKE prefix needs a special index on PG).
CHILDREN = "SELECT code FROM areas_area WHERE parent_id = %(code)s"


def _rollup(code: str) -> None:
    """Rebuild one ancestor's rows as the sum of its direct children's rows (one statement)."""
    level = _level(code)
    params = {"code": code, "level": level}
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {SNAP} WHERE area_id = %(code)s", params)
        cur.execute(
            f"INSERT INTO {SNAP} ({SNAP_COLS}) "
            "SELECT %(code)s, %(level)s, period, MAX(ref_day), sector_id, funding_type, "
            "SUM(active), SUM(lapse_risk), SUM(new_members) "
            f"FROM {SNAP} WHERE area_id IN ({CHILDREN}) "
            "GROUP BY period, sector_id, funding_type",
            params,
        )
        cur.execute(f"DELETE FROM {STATUS} WHERE area_id = %(code)s", params)
        cur.execute(
            f"INSERT INTO {STATUS} (area_id, level, status, count) "
            "SELECT %(code)s, %(level)s, status, SUM(count) "
            f"FROM {STATUS} WHERE area_id IN ({CHILDREN}) GROUP BY status",
            params,
        )


def _existing_ancestors(codes: Iterable[str]) -> list[str]:
    """Ancestors of the given villages that exist as areas, deepest level first."""
    wanted = {a for code in codes for a in ancestors_of(code)}
    found = set(Area.objects.filter(code__in=wanted).values_list("code", flat=True))
    return sorted(found, key=lambda c: (-_level(c), c))


def refresh_villages(codes: Iterable[str], on: dt.date | None = None) -> None:
    """Recount the given villages and every area above them. Call after bulk membership writes."""
    codes = sorted({c for c in codes if c})
    if not codes:
        return
    on = on or today()
    with transaction.atomic():
        _lock(codes)
        for i in range(0, len(codes), 500):
            chunk = codes[i : i + 500]
            params = {f"v{k}": c for k, c in enumerate(chunk)}
            marks = ", ".join(f"%({k})s" for k in params)
            _write_villages(f"m.village_id IN ({marks})", params, on)
        for code in _existing_ancestors(codes):
            _rollup(code)


def refresh_village(code: str, on: dt.date | None = None) -> None:
    refresh_villages([code], on)


def refresh_area(
    code: str, on: dt.date | None = None, progress: Callable[[int, int], None] | None = None
) -> dict:
    """Recount every village inside `code` (one statement per month), then roll up."""
    on = on or today()
    started = timezone.now()
    area = Area.objects.get(code=code)
    villages = list(Area.objects.within(code).villages().values_list("code", flat=True))
    if area.level == AreaLevel.DESA:
        where, params = "m.village_id IN (%(v0)s)", {"v0": code}
    else:
        where, params = "m.village_id LIKE %(prefix)s", {"prefix": code + ".%"}
    with transaction.atomic():
        _lock(villages or [code])
        rows = _write_villages(where, params, on, progress)
        inner = Area.objects.within(code).filter(level__lt=AreaLevel.DESA)
        existing = set(
            Area.objects.filter(code__in=ancestors_of(code)).values_list("code", flat=True)
        )
        todo = set(inner.values_list("code", flat=True)) | existing
        for c in sorted(todo, key=lambda c: (-_level(c), c)):
            _rollup(c)
        CoverageRefreshLog.objects.create(
            area_id=code, ref_day=on, started_at=started, villages=len(villages), rows=rows
        )
    return {"area": code, "ref_day": on.isoformat(), "villages": len(villages), "rows": rows}


def _lock(codes: list[str]) -> None:
    """Serialise refreshes within a regency so concurrent rollups don't clash (PostgreSQL)."""
    regencies = sorted({".".join(c.split(".")[:2]) for c in codes})
    list(Area.objects.select_for_update().filter(code__in=regencies).values_list("code"))


# --- Incremental refresh from signals: collect villages per transaction, recount on commit. ---

_pending = threading.local()


def schedule(*codes: str | None) -> None:
    # One callback per call: the first to run recounts everything pending, later ones find
    # nothing. Codes left over from a rolled-back transaction are recounted harmlessly.
    pending: set[str] | None = getattr(_pending, "codes", None)
    if pending is None:
        pending = _pending.codes = set()
    pending.update(c for c in codes if c)
    transaction.on_commit(_flush)


def _flush() -> None:
    codes = getattr(_pending, "codes", None) or set()
    _pending.codes = None
    if codes:
        refresh_villages(codes)

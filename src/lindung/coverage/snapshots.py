"""Maintain CoverageSnapshot / CoverageStatusCount from memberships.

Cells are (area, month, sector, funding source); village cells are counted from memberships and
every ancestor (kecamatan, kabupaten, provinsi) holds the sum of its children.

* Saves: `apply_changes()` (called by the signals in the same transaction as the membership
  write) adds the membership's new contribution and subtracts its old one in the village and
  every ancestor: a few statements whatever the number of participants.
* Repair: `refresh_villages()` recounts villages and passes the difference up to the ancestors;
  `refresh_area()` (the `coverage_refresh` command, run daily so the running month follows the
  calendar) recounts a whole area with a few set-based statements.

Each village is counted "as of" a day: the `ref_day` of the latest CoverageRefreshLog of the
village or an ancestor. Incremental changes use that day too, so the snapshots always equal a
full recount as of the same day (tests check this on random sequences of changes).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from lindung.areas.models import Area, AreaLevel
from lindung.core.areacodes import ancestor_codes
from lindung.core.months import add_months_to_first, month_start
from lindung.enrollment.models import PRE_ACTIVE, Membership
from lindung.workers.models import Worker

from .models import CoverageConfig, CoverageRefreshLog, CoverageSnapshot, CoverageStatusCount
from .periods import ref_day, today

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
    first = max(month_start(first_start), add_months_to_first(last, -(HISTORY_MONTHS - 1)))
    out, cur = [], first
    while cur <= last:
        out.append(cur)
        cur = add_months_to_first(cur, 1)
    return out


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


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _date(mark: str = "%s") -> str:
    """A date parameter inside VALUES (PostgreSQL would type a bare literal as text)."""
    return f"CAST({mark} AS date)" if _pg() else mark


# --- Full recount (repair and the daily refresh) ------------------------------------------------

# Months per INSERT ... SELECT: each statement reads the memberships once and counts them for
# up to this many months (joined to a VALUES list of months).
MONTHS_PER_STATEMENT = 12


def _village_sql(where: str, months: int) -> str:
    """INSERT ... SELECT of the village rows of `months` months in one statement.

    Sparse: all-zero cells are skipped. Months come as parameters p0, r0, rl0, p1, ...
    (month start, day counted on, last day of the lapse-risk window).
    """
    active = f"CASE WHEN {ACTIVE_SQL} THEN 1 ELSE 0 END"
    lapse = f"CASE WHEN {ACTIVE_SQL} AND m.paid_until <= x.rl THEN 1 ELSE 0 END"
    new = "CASE WHEN m.coverage_start >= x.p AND m.coverage_start <= x.r THEN 1 ELSE 0 END"
    pre = ", ".join(f"'{s}'" for s in PRE_ACTIVE)
    # A derived table, not WITH: Python's sqlite3 gives no rowcount for statements led by WITH.
    values = " UNION ALL ".join(
        f"SELECT {_date(f'%(p{k})s')} AS p, {_date(f'%(r{k})s')} AS r, {_date(f'%(rl{k})s')} AS rl"
        for k in range(months)
    )
    return (
        f"INSERT INTO {SNAP} ({SNAP_COLS}) "
        f"SELECT m.village_id, {AreaLevel.DESA}, x.p, x.r, w.sector_id, m.funding_type, "
        f"SUM({active}), SUM({lapse}), SUM({new}) "
        f"FROM {MEMBER} m JOIN {WORKER} w ON w.id = m.worker_id "
        f"JOIN ({values}) x "
        "ON m.coverage_start <= x.r AND (m.paid_until >= x.p OR m.coverage_start >= x.p) "
        f"WHERE {where} AND m.status NOT IN ({pre}) AND m.coverage_start IS NOT NULL "
        "GROUP BY m.village_id, x.p, x.r, w.sector_id, m.funding_type "
        f"HAVING SUM({active}) > 0 OR SUM({new}) > 0"
    ).replace("%(r)s", "x.r")


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
        periods = periods_to_keep(on, first)
        for i in range(0, len(periods), MONTHS_PER_STATEMENT):
            chunk = periods[i : i + MONTHS_PER_STATEMENT]
            months = dict(params)
            for k, period in enumerate(chunk):
                day = ref_day(period, on)
                months.update(
                    {f"p{k}": period, f"r{k}": day, f"rl{k}": day + dt.timedelta(days=lapse_days)}
                )
            cur.execute(_village_sql(where, len(chunk)), months)
            rows += max(cur.rowcount, 0)
            if progress:
                progress(i + len(chunk), len(periods))
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


def _rollup_level(code: str, level: int) -> None:
    """Rebuild every area of `level` inside `code` from its children: one statement per table."""
    params = {"prefix": code + ".%", "level": level}
    inside = f"SELECT code FROM areas_area WHERE code LIKE %(prefix)s AND level = {level}"
    with connection.cursor() as cur:
        for table in (SNAP, STATUS):
            cur.execute(f"DELETE FROM {table} WHERE area_id IN ({inside})", params)
        cur.execute(
            f"INSERT INTO {SNAP} ({SNAP_COLS}) "
            "SELECT a.parent_id, %(level)s, s.period, MAX(s.ref_day), s.sector_id, "
            "s.funding_type, SUM(s.active), SUM(s.lapse_risk), SUM(s.new_members) "
            f"FROM {SNAP} s JOIN areas_area a ON a.code = s.area_id "
            "WHERE s.level = %(level)s + 1 AND s.area_id LIKE %(prefix)s "
            "AND a.parent_id IS NOT NULL "
            "GROUP BY a.parent_id, s.period, s.sector_id, s.funding_type",
            params,
        )
        cur.execute(
            f"INSERT INTO {STATUS} (area_id, level, status, count) "
            "SELECT a.parent_id, %(level)s, s.status, SUM(s.count) "
            f"FROM {STATUS} s JOIN areas_area a ON a.code = s.area_id "
            "WHERE s.level = %(level)s + 1 AND s.area_id LIKE %(prefix)s "
            "AND a.parent_id IS NOT NULL GROUP BY a.parent_id, s.status",
            params,
        )


def _existing_ancestors(codes: Iterable[str]) -> list[str]:
    """Ancestors of the given villages that exist as areas, deepest level first."""
    wanted = {a for code in codes for a in ancestor_codes(code)}
    found = set(Area.objects.filter(code__in=wanted).values_list("code", flat=True))
    return sorted(found, key=lambda c: (-_level(c), c))


def refresh_area(
    code: str, on: dt.date | None = None, progress: Callable[[int, int], None] | None = None
) -> dict:
    """Recount every village inside `code` (a few statements for all months), then roll up."""
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
        for level in range(AreaLevel.DESA - 1, area.level, -1):  # inner levels, deepest first
            _rollup_level(code, level)
        existing = Area.objects.filter(code__in=ancestor_codes(code)).values_list("code", flat=True)
        todo = set(existing) | ({code} if area.level < AreaLevel.DESA else set())
        for c in sorted(todo, key=lambda c: (-_level(c), c)):
            _rollup(c)
        CoverageRefreshLog.objects.create(
            area_id=code, ref_day=on, started_at=started, villages=len(villages), rows=rows
        )
    return {"area": code, "ref_day": on.isoformat(), "villages": len(villages), "rows": rows}


def _lock(codes: list[str]) -> None:
    """Serialise full refreshes with saves in the regency (PostgreSQL; saves take FOR SHARE)."""
    regencies = sorted({".".join(c.split(".")[:2]) for c in codes})
    list(Area.objects.select_for_update().filter(code__in=regencies).values_list("code"))


# --- Incremental: per-cell deltas ----------------------------------------------------------------


class State(NamedTuple):
    """What of a membership the snapshots depend on."""

    village: str
    sector: int
    funding: str
    status: str
    start: dt.date | None
    paid: dt.date | None
    end: dt.date | None
    worker: int | None = None


STATE_FIELDS = (
    "village_id",
    "worker__sector_id",
    "funding_type",
    "status",
    "coverage_start",
    "paid_until",
    "coverage_end",
    "worker_id",
)
# Membership attributes a State is made of (sector aside), in State order.
STATE_ATTRS = (
    "village_id",
    "funding_type",
    "status",
    "coverage_start",
    "paid_until",
    "coverage_end",
    "worker_id",
)


def state_after_save(instance: Membership, old: State | None) -> State | None:
    """The state just saved, from the instance itself when it holds plain values.

    The sector comes from the old state when the worker is the same (a worker's sector change
    has its own signal); otherwise, or when a field holds an expression (F()) or a date still
    as text, or is deferred, the database is read.
    """
    values = instance.__dict__
    plain = all(n in values and not hasattr(values[n], "resolve_expression") for n in STATE_ATTRS)
    dates = ("coverage_start", "paid_until", "coverage_end")
    if not plain or any(not isinstance(values[n], dt.date | None) for n in dates):
        return read_states([instance.pk]).get(instance.pk)
    if old is not None and old.worker == values["worker_id"]:
        sector = old.sector
    else:
        sector = (
            Worker.objects.filter(pk=values["worker_id"])
            .values_list("sector_id", flat=True)
            .first()
        )
    return State(
        values["village_id"],
        sector,
        values["funding_type"],
        values["status"],
        values["coverage_start"],
        values["paid_until"],
        values["coverage_end"],
        values["worker_id"],
    )


def read_states(ids: Iterable[int], lock: bool = False) -> dict[int, State]:
    """Current state of memberships in the database (locked FOR UPDATE inside a transaction)."""
    qs = Membership.objects.filter(pk__in=list(ids)).order_by()
    if lock and connection.features.has_select_for_update and connection.in_atomic_block:
        qs = qs.select_for_update(of=("self",))
    return {row[0]: State(*row[1:]) for row in qs.values_list("pk", *STATE_FIELDS)}


def contribution(s: State | None, on: dt.date, lapse_days: int) -> list[tuple]:
    """(period, ref_day, active, lapse_risk, new) of one membership: the SQL rules in Python."""
    if s is None or s.status in PRE_ACTIVE or s.start is None:
        return []
    last = month_start(on)
    period = max(month_start(s.start), add_months_to_first(last, -(HISTORY_MONTHS - 1)))
    out = []
    while period <= last:
        day = ref_day(period, on)
        active = (
            s.start <= day
            and s.paid is not None
            and s.paid >= day
            and (s.end is None or s.end >= day)
        )
        lapse = active and s.paid <= day + dt.timedelta(days=lapse_days)
        new = period <= s.start <= day
        if active or new:
            out.append((period, day, int(active), int(lapse), int(new)))
        period = add_months_to_first(period, 1)
    return out


class Drift(Exception):
    """Snapshot rows do not hold what a delta expects: recount instead."""


LAPSE_DEFAULT = CoverageConfig._meta.get_field("lapse_risk_days").default
LOG = CoverageRefreshLog._meta.db_table
CONFIG = CoverageConfig._meta.db_table


def _village_context(
    villages: Iterable[str],
) -> tuple[dict[str, tuple[dt.date | None, list[str]]], int]:
    """For each village: the day it is counted as of (None: never counted) and its existing
    ancestors; and the lapse-risk window. One query.

    On PostgreSQL the village and its ancestors are locked FOR SHARE: saves run side by side,
    a full refresh of the regency (FOR UPDATE) waits for them and they wait for it.
    """
    villages = list(villages)
    chains = {v: [v, *ancestor_codes(v)] for v in villages}
    codes = sorted({c for chain in chains.values() for c in chain})
    marks = ", ".join(["%s"] * len(codes))
    lock = " FOR SHARE OF a" if _pg() and connection.in_atomic_block else ""
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT a.code, l.ref_day, l.finished_at, l.id, "
            f"(SELECT c.lapse_risk_days FROM {CONFIG} c ORDER BY c.id LIMIT 1) "
            f"FROM areas_area a LEFT JOIN {LOG} l ON l.id = ("
            f"SELECT l2.id FROM {LOG} l2 WHERE l2.area_id = a.code "
            "ORDER BY l2.finished_at DESC, l2.id DESC LIMIT 1) "
            f"WHERE a.code IN ({marks}){lock}",
            codes,
        )
        rows = cur.fetchall()
    found = {code: (day, finished, pk) for code, day, finished, pk, _ in rows}
    lapse_days = next((r[4] for r in rows if r[4] is not None), LAPSE_DEFAULT)
    out = {}
    for v in villages:
        chain = [c for c in chains[v] if c in found]
        logs = [found[c] for c in chain if found[c][0] is not None]
        latest = max(logs, key=lambda x: (x[1], x[2]), default=(None,))
        on = _as_date(latest[0]) if latest[0] is not None else None
        out[v] = (on, [c for c in chain if c != v])
    return out, lapse_days


def apply_changes(changes: Iterable[tuple[State | None, State | None]]) -> None:
    """Move memberships from their old to their new state in every snapshot cell they touch.

    `changes` holds (old, new) pairs (None: did not exist / deleted). The village and each
    ancestor get new contribution - old contribution, per (month, sector, funding). Villages
    never counted yet are recounted instead (and are counted as of today from then on); if
    the rows do not hold what the delta expects, the villages are recounted (self-repair).
    """
    changes = [(old, new) for old, new in changes if old != new]
    if not changes:
        return
    villages = sorted({s.village for pair in changes for s in pair if s is not None})
    context, lapse_days = _village_context(villages)
    fresh = [v for v in villages if context[v][0] is None]
    cells: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, dt.date.min])
    statuses: dict[tuple, int] = defaultdict(int)
    for old, new in changes:
        for sign, s in ((-1, old), (1, new)):
            if s is None or s.village in fresh:
                continue
            on, ancestors = context[s.village]
            chain = [s.village, *ancestors]
            for code in chain:
                statuses[(code, s.status)] += sign
            for period, day, active, lapse, new_member in contribution(s, on, lapse_days):
                for code in chain:
                    cell = cells[(code, period, s.sector, s.funding)]
                    cell[0] += sign * active
                    cell[1] += sign * lapse
                    cell[2] += sign * new_member
                    cell[3] = max(cell[3], day)
    counted = [v for v in villages if v not in fresh]
    try:
        _apply_cells(cells)
        _apply_statuses(statuses)
    except Drift:
        # The rows drifted (a write behind the signals' back): recount the villages and
        # rebuild their ancestors from their children (this also overwrites any part of the
        # delta already applied).
        refresh_villages(counted, rebuild=True)
    if fresh:
        refresh_villages(fresh, today())


def _apply_cells(cells: dict[tuple, list]) -> None:
    up, down = [], []
    for (code, period, sector, funding), (a, lr, n, day) in sorted(cells.items()):
        if a or lr or n:
            row = (code, _level(code), period, day, sector, funding, a, lr, n)
            (down if min(a, lr, n) < 0 else up).append(row)
    if not (up or down):
        return
    greatest = "GREATEST" if _pg() else "MAX"
    with connection.cursor() as cur:
        for chunk in _chunks(up):
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cur.execute(
                f"INSERT INTO {SNAP} ({SNAP_COLS}) VALUES {values} "
                "ON CONFLICT (area_id, period, sector_id, funding_type) DO UPDATE SET "
                f"active = {SNAP}.active + excluded.active, "
                f"lapse_risk = {SNAP}.lapse_risk + excluded.lapse_risk, "
                f"new_members = {SNAP}.new_members + excluded.new_members, "
                f"ref_day = {greatest}({SNAP}.ref_day, excluded.ref_day)",
                [v for row in chunk for v in row],
            )
        for chunk in _chunks(down):
            # Cells losing a membership must exist: if not, the snapshots drifted.
            values = " UNION ALL ".join(
                [
                    f"SELECT %s AS area, {_date()} AS period, %s AS sector, %s AS funding, "
                    "%s AS a, %s AS lr, %s AS n"
                ]
                * len(chunk)
            )
            cur.execute(
                f"UPDATE {SNAP} SET active = {SNAP}.active + v.a, "
                f"lapse_risk = {SNAP}.lapse_risk + v.lr, new_members = {SNAP}.new_members + v.n "
                f"FROM ({values}) v WHERE {SNAP}.area_id = v.area AND {SNAP}.period = v.period "
                f"AND {SNAP}.sector_id = v.sector AND {SNAP}.funding_type = v.funding "
                # Never below zero: a cell short of what it loses has drifted.
                f"AND {SNAP}.active + v.a >= 0 AND {SNAP}.lapse_risk + v.lr >= 0 "
                f"AND {SNAP}.new_members + v.n >= 0",
                [v for row in chunk for v in (row[0], row[2], *row[4:])],
            )
            if cur.rowcount != len(chunk):
                raise Drift
        if not down:  # only a decrease can leave an all-zero cell
            return
        areas = sorted({row[0] for row in down})
        periods = sorted({row[2] for row in down})
        cur.execute(
            f"DELETE FROM {SNAP} WHERE area_id IN ({', '.join(['%s'] * len(areas))}) "
            f"AND period IN ({', '.join(['%s'] * len(periods))}) "
            "AND active = 0 AND lapse_risk = 0 AND new_members = 0",
            [*areas, *periods],
        )


def _apply_statuses(statuses: dict[tuple, int]) -> None:
    up = [(c, _level(c), s, n) for (c, s), n in sorted(statuses.items()) if n > 0]
    down = [(c, s, n) for (c, s), n in sorted(statuses.items()) if n < 0]
    if not (up or down):
        return
    with connection.cursor() as cur:
        for chunk in _chunks(up):
            cur.execute(
                f"INSERT INTO {STATUS} (area_id, level, status, count) VALUES "
                + ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
                + f" ON CONFLICT (area_id, status) DO UPDATE SET count = {STATUS}.count "
                "+ excluded.count",
                [v for row in chunk for v in row],
            )
        for chunk in _chunks(down):
            values = " UNION ALL ".join(["SELECT %s AS area, %s AS status, %s AS n"] * len(chunk))
            cur.execute(
                f"UPDATE {STATUS} SET count = {STATUS}.count + v.n FROM ({values}) v "
                f"WHERE {STATUS}.area_id = v.area AND {STATUS}.status = v.status "
                f"AND {STATUS}.count + v.n >= 0",
                [v for row in chunk for v in row],
            )
            if cur.rowcount != len(chunk):
                raise Drift
            areas = sorted({row[0] for row in chunk})
            cur.execute(
                f"DELETE FROM {STATUS} WHERE area_id IN ({', '.join(['%s'] * len(areas))}) "
                "AND count = 0",
                areas,
            )


def _chunks(rows: list, size: int = 400) -> Iterable[list]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _cells_of(codes: list[str]) -> tuple[dict[tuple, list], dict[tuple, int]]:
    """Snapshot rows of the given areas as {(area, period, sector, funding): [a, lr, n, day]}."""
    marks = ", ".join(["%s"] * len(codes))
    out = {}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT area_id, period, sector_id, funding_type, active, lapse_risk, new_members, "
            f"ref_day FROM {SNAP} WHERE area_id IN ({marks})",
            codes,
        )
        for area, period, sector, funding, a, lr, n, day in cur.fetchall():
            out[(area, _as_date(period), sector, funding)] = [a, lr, n, _as_date(day)]
        cur.execute(
            f"SELECT area_id, status, count FROM {STATUS} WHERE area_id IN ({marks})", codes
        )
        statuses = {(area, status): count for area, status, count in cur.fetchall()}
    return out, statuses


def _as_date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def refresh_villages(
    codes: Iterable[str], on: dt.date | None = None, *, rebuild: bool = False
) -> None:
    """Recount villages from their memberships and pass the difference up to every ancestor.

    Costs one recount of the villages (not of their kabupaten). Each village is counted as of
    `on`, else the day it was last counted, else today; a log row records that day.
    `rebuild` rebuilds the ancestors from all their children instead (slower; for drift).
    """
    codes = sorted({c for c in codes if c})
    if not codes:
        return
    started = timezone.now()
    with transaction.atomic():
        list(Area.objects.select_for_update().filter(code__in=codes).values_list("code"))
        context, _ = _village_context(codes)
        by_day: dict[dt.date, list[str]] = defaultdict(list)
        for code in codes:
            by_day[on or context[code][0] or today()].append(code)
        for day, group in sorted(by_day.items()):
            for i in range(0, len(group), 500):
                chunk = group[i : i + 500]
                _recount_and_pass_up(chunk, day, {c: context[c][1] for c in chunk}, rebuild)
                CoverageRefreshLog.objects.bulk_create(
                    CoverageRefreshLog(area_id=c, ref_day=day, started_at=started, villages=1)
                    for c in chunk
                )


def _recount_and_pass_up(
    villages: list[str], on: dt.date, ancestors: dict[str, list], rebuild: bool
) -> None:
    old_cells, old_statuses = _cells_of(villages)
    params = {f"v{k}": c for k, c in enumerate(villages)}
    marks = ", ".join(f"%({k})s" for k in params)
    _write_villages(f"m.village_id IN ({marks})", params, on)
    if rebuild:
        for code in _existing_ancestors(villages):
            _rollup(code)
        return
    new_cells, new_statuses = _cells_of(villages)
    cells: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, dt.date.min])
    for key in old_cells.keys() | new_cells.keys():
        old = old_cells.get(key, [0, 0, 0, dt.date.min])
        new = new_cells.get(key, [0, 0, 0, dt.date.min])
        village, period, sector, funding = key
        for code in ancestors[village]:
            cell = cells[(code, period, sector, funding)]
            for i in range(3):
                cell[i] += new[i] - old[i]
            cell[3] = max(cell[3], new[3])
    statuses: dict[tuple, int] = defaultdict(int)
    for key in old_statuses.keys() | new_statuses.keys():
        for code in ancestors[key[0]]:
            statuses[(code, key[1])] += new_statuses.get(key, 0) - old_statuses.get(key, 0)
    try:
        _apply_cells(cells)
        _apply_statuses(statuses)
    except Drift:
        # The ancestors themselves drifted: rebuild them from their children.
        for code in _existing_ancestors(villages):
            _rollup(code)


def refresh_village(code: str, on: dt.date | None = None) -> None:
    refresh_villages([code], on)

"""Benchmark: coverage dashboard on pre-aggregated snapshots vs the naive ORM aggregate.

    python -m bench coverage                                         # same, via the bench runner
    python bench/coverage_bench.py --participants 1000000            # SQLite, Lombok Timur
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_coverage \
        python bench/coverage_bench.py --participants 10000000 --area 52

Uses its own database (default var/bench_coverage.sqlite3; for PostgreSQL pass a DATABASE_URL to
a scratch database, which is created if missing). Generates workers and memberships in every
village under --area, runs a full snapshot refresh, then measures in the same run:
  * dashboard: server time of GET /cakupan/<area>/ (Django test client, whole view + template)
    with the figures cache emptied before each request (the first visit after a write), and
    of a repeat visit (served from that cache);
  * naive: the same figures (headline, 12-month trend, sector, funding, children) counted
    directly from memberships with ORM aggregates (--naive-timeout caps each statement on
    PostgreSQL; a capped run is reported as "> N s");
  * per save: the cost of one membership save (a payment: paid_until + 3 months) with the
    incremental snapshot deltas, median of --saves saves, against the same save with the
    coverage signals disconnected, the village recount + pass-up (`refresh_villages`) and the
    previous approach (recount the village one statement per month, rebuild every ancestor).
Median of --runs (>= 3) after one warm-up each. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def configure(db_url: str | None) -> None:
    os.environ["DATABASE_URL"] = db_url or f"sqlite:///{ROOT / 'var' / 'bench_coverage.sqlite3'}"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["DEBUG"] = "0"  # no query log while inserting millions of rows
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    if os.environ["DATABASE_URL"].startswith("postgres"):
        _ensure_pg_database(os.environ["DATABASE_URL"])
    import django

    django.setup()


def _ensure_pg_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def generate(area_code: str, n: int, seed: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from lindung.areas.models import Area
    from lindung.areas.services import load_areas
    from lindung.enrollment.models import FundingType, Membership
    from lindung.workers.models import Sector

    call_command("migrate", verbosity=0)
    load_areas(prefix=area_code.split(".")[0])
    have = Membership.objects.filter(village__code__startswith=area_code + ".").count()
    if have == n:
        print(f"reusing {have:,} memberships", file=sys.stderr)
        return
    if have:
        sys.exit(f"database already holds {have:,} memberships under {area_code}; use a new DB")
    sectors = list(Sector.objects.values_list("id", flat=True))
    if not sectors:
        for i, name in enumerate(["Petani", "Buruh tani", "Nelayan", "Pedagang", "Ojek"]):
            Sector.objects.create(code=f"bench-{i}", name=name, priority=i + 1)
        sectors = list(Sector.objects.values_list("id", flat=True))
    villages = list(Area.objects.within(area_code).villages().values_list("code", flat=True))
    funding = [f.value for f in FundingType]
    rnd = random.Random(seed)
    today = dt.date.today()
    t0 = time.perf_counter()
    worker_cols = (
        "nik,name,sex,birth_date,village_id,address,phone,sector_id,priority_group,"
        "verification_flags,version,created_at,updated_at"
    )
    member_cols = (
        "worker_id,village_id,status,end_reason,with_jht,kpj,declared_income,funding_type,"
        "payment_period_months,coverage_start,paid_until,coverage_end,version,created_at,"
        "updated_at"
    )
    extra_w, extra_m = _extra_columns(connection)
    worker_cols += "".join("," + c for c, _ in extra_w)
    member_cols += "".join("," + c for c, _ in extra_m)
    base_id = _next_id(connection, "workers_worker")
    batch = 100_000
    now = dt.datetime.now(dt.UTC)
    for start in range(0, n, batch):
        workers, members = [], []
        for i in range(start, min(n, start + batch)):
            village = villages[i % len(villages)]
            started = today - dt.timedelta(days=rnd.randint(0, 720))
            paid = started + dt.timedelta(days=rnd.randint(20, 900))
            ended = paid + dt.timedelta(days=90) if paid < today and rnd.random() < 0.3 else None
            status = "aktif" if paid >= today else ("berakhir" if ended else "menunggak")
            workers.append(
                (
                    f"{village.replace('.', '')[:6]}{i:010d}",
                    f"Pekerja {i}",
                    "L" if i % 2 else "P",
                    dt.date(1970 + i % 35, 1 + i % 12, 1 + i % 28),
                    village,
                    "",
                    "",
                    sectors[i % len(sectors)],
                    9,
                    "[]",
                    1,
                    now,
                    now,
                    *(v for _, v in extra_w),
                )
            )
            members.append(
                (
                    base_id + i,
                    village,
                    status,
                    "",
                    False,
                    "",
                    1_000_000,
                    funding[i % len(funding)],
                    1,
                    started,
                    paid,
                    ended,
                    1,
                    now,
                    now,
                    *(v for _, v in extra_m),
                )
            )
        with transaction.atomic():  # one commit per batch, not per row
            _copy(connection, "workers_worker", worker_cols, workers, first_id=base_id + start)
            _copy(connection, "enrollment_membership", member_cols, members)
        print(f"\r  generated {min(n, start + batch):,}/{n:,}", end="", file=sys.stderr)
    print(f"\n  generation {time.perf_counter() - t0:.0f} s", file=sys.stderr)


def _extra_columns(connection) -> tuple[list, list]:
    """NOT NULL columns other helpers may have added since this script was written."""
    from lindung.enrollment.models import Membership
    from lindung.workers.models import Worker

    known_w = {"id", "nik", "name", "sex", "birth_date", "village_id", "address", "phone"}
    known_w |= {"sector_id", "priority_group", "verification_flags", "version", "created_at"}
    known_w |= {"updated_at"}
    known_m = {"id", "worker_id", "village_id", "status", "end_reason", "with_jht", "kpj"}
    known_m |= {"declared_income", "funding_type", "payment_period_months", "coverage_start"}
    known_m |= {"paid_until", "coverage_end", "version", "created_at", "updated_at"}

    def extras(model, known):
        out = []
        for f in model._meta.concrete_fields:
            if f.column in known or f.null:
                continue
            default = f.get_default()
            if isinstance(default, list | dict):
                default = json.dumps(default)
            out.append((f.column, default))
        return out

    return extras(Worker, known_w), extras(Membership, known_m)


def _next_id(connection, table: str) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cur.fetchone()[0]


def _copy(connection, table: str, cols: str, rows: list[tuple], first_id: int | None = None):
    if first_id is not None:
        cols = "id," + cols
        rows = [(first_id + k, *r) for k, r in enumerate(rows)]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ",".join(["%s"] * len(cols.split(",")))
            cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
    if connection.vendor == "postgresql" and first_id is not None:
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )


def naive(area_code: str) -> dict:
    """Every dashboard figure counted straight from memberships (no snapshots)."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from lindung.accounts.scoping import area_q
    from lindung.areas.models import Area
    from lindung.core.months import add_months_to_first, month_start
    from lindung.coverage.periods import ref_day
    from lindung.enrollment.models import Membership

    today = dt.date.today()
    period = month_start(today)
    inside = Membership.objects.filter(area_q("village", area_code))
    out = {"head": inside.active_on(today).count()}
    out["trend"] = [
        inside.active_on(ref_day(add_months_to_first(period, -k))).count()
        for k in range(11, -1, -1)
    ]
    active = inside.active_on(today)
    out["sector"] = list(active.values("worker__sector_id").annotate(n=Count("id")))
    out["funding"] = list(active.values("funding_type").annotate(n=Count("id")))
    child_len = len(Area.objects.filter(parent_id=area_code).values_list("code", flat=True)[0])
    out["children"] = list(
        active.annotate(c=Substr("village_id", 1, child_len)).values("c").annotate(n=Count("id"))
    )
    return out


def timed(fn, runs: int, warm_up: bool = True) -> tuple[float, list[float]]:
    if warm_up:
        fn()  # warm-up (caches, connection)
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples), samples


def naive_capped(area_code: str, budget_s: float | None) -> float | None:
    """One naive run in ms, or None when it ran out of its time budget (PostgreSQL).

    Before each statement, statement_timeout is set to what is left of the budget, so a run
    stops after about `budget_s` seconds in all.
    """
    from django.db import OperationalError, connection, transaction

    t = time.perf_counter()
    deadline = t + (budget_s or 0)

    def cap(execute, sql, params, many, context):
        left_ms = int((deadline - time.perf_counter()) * 1000)
        if left_ms <= 0:
            raise OperationalError("statement timeout (budget spent)")
        execute(f"SET LOCAL statement_timeout = {left_ms}", None, False, context)
        return execute(sql, params, many, context)

    try:
        with transaction.atomic():
            if budget_s and connection.vendor == "postgresql":
                with connection.execute_wrapper(cap):
                    naive(area_code)
            else:
                naive(area_code)
    except OperationalError as exc:  # psycopg QueryCanceled is an OperationalError
        if "statement timeout" not in str(exc):
            raise
        return None
    return (time.perf_counter() - t) * 1000


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def per_save(area_code: str, saves: int, seed: int) -> dict:
    """Median cost of one membership save with incremental snapshots, and the alternatives."""
    from django.db import transaction
    from django.db.models.signals import post_save, pre_save

    from lindung.coverage import signals, snapshots
    from lindung.enrollment.models import Membership

    ids = list(
        Membership.objects.filter(village__code__startswith=area_code + ".", status="aktif")
        .order_by("pk")
        .values_list("pk", flat=True)[: saves * 97 : 97]
    )
    random.Random(seed).shuffle(ids)

    def one_save(pk: int) -> float:
        m = Membership.objects.get(pk=pk)
        t = time.perf_counter()
        with transaction.atomic():
            m.paid_until = m.paid_until + dt.timedelta(days=92)  # a 3-month payment
            m.save()
        return (time.perf_counter() - t) * 1000

    one_save(ids[-1])  # warm-up
    with_deltas = [one_save(pk) for pk in ids]
    pre_save.disconnect(dispatch_uid="cov_m_pre", sender=Membership)
    post_save.disconnect(dispatch_uid="cov_m_save", sender=Membership)
    try:
        without = [one_save(pk) for pk in ids]
    finally:
        signals.connect()
    # The second round bypassed the deltas: recount the touched villages so the database
    # stays consistent for the timings below (and for a later --reuse-snapshots run).
    touched = Membership.objects.filter(pk__in=ids).values_list("village_id", flat=True)
    villages = sorted(set(touched))
    snapshots.refresh_villages(villages)
    village = villages[0]

    def pass_up():
        snapshots.refresh_villages([village])

    def previous():
        # The code before the deltas: one statement per month, then rebuild every ancestor.
        months, snapshots.MONTHS_PER_STATEMENT = snapshots.MONTHS_PER_STATEMENT, 1
        try:
            with transaction.atomic():
                snapshots._write_villages(
                    "m.village_id IN (%(v0)s)", {"v0": village}, snapshots.today()
                )
                for code in snapshots._existing_ancestors([village]):
                    snapshots._rollup(code)
        finally:
            snapshots.MONTHS_PER_STATEMENT = months

    pass_up_ms, pass_up_samples = timed(pass_up, 5)
    previous_ms, previous_samples = timed(previous, 3)
    return {
        "saves": len(with_deltas),
        "save_with_deltas_ms_median": round(statistics.median(with_deltas), 2),
        "save_with_deltas_ms_p90": round(sorted(with_deltas)[int(len(with_deltas) * 0.9)], 2),
        "save_without_coverage_ms_median": round(statistics.median(without), 2),
        "village_memberships": Membership.objects.filter(village_id=village).count(),
        "village_recount_pass_up_ms_median": round(pass_up_ms, 1),
        "village_recount_pass_up_ms_samples": [round(x, 1) for x in pass_up_samples],
        "previous_village_recount_rollup_ms_median": round(previous_ms, 1),
        "previous_village_recount_rollup_ms_samples": [round(x, 1) for x in previous_samples],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--participants", type=int, default=1_000_000)
    ap.add_argument("--area", default="52.03")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--database-url")
    ap.add_argument("--saves", type=int, default=50, help="saves timed for the per-save cost")
    ap.add_argument("--naive-runs", type=int, help="naive aggregate runs (default: --runs)")
    ap.add_argument(
        "--naive-timeout", type=float, help="time budget (s) of one naive run (PostgreSQL)"
    )
    ap.add_argument(
        "--reuse-snapshots",
        action="store_true",
        help="skip the full refresh when re-measuring an already generated database",
    )
    args = ap.parse_args(argv)
    configure(args.database_url or os.environ.get("DATABASE_URL"))

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from lindung.accounts.models import Role, User
    from lindung.coverage.snapshots import refresh_area

    generate(args.area, args.participants, args.seed)
    t = time.perf_counter()
    if args.reuse_snapshots:
        from lindung.coverage.models import CoverageSnapshot

        refresh = {"rows": CoverageSnapshot.objects.count()}
        refresh_s = None
    else:
        print(f"  full refresh (load {load()})", file=sys.stderr)
        refresh = refresh_area(args.area)
        refresh_s = round(time.perf_counter() - t, 1)
        print(f"  full refresh {refresh_s} s", file=sys.stderr)
    user, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"role": Role.ADMIN_KABUPATEN, "area_id": args.area}
    )
    client = Client()
    client.force_login(user)
    url = f"/cakupan/{args.area}/"

    def dashboard():
        r = client.get(url, secure=True)
        assert r.status_code == 200, r.status_code

    def dashboard_after_a_write():
        # The figures cache (lindung/core/figures.py) would answer repeat visits without
        # reading the snapshots; the target is the first visit after a write.
        cache.clear()
        dashboard()

    load_before = load()
    dash_ms, dash_samples = timed(dashboard_after_a_write, args.runs)
    cached_ms, cached_samples = timed(dashboard, args.runs)
    naive_samples = []
    for k in range(args.runs if args.naive_runs is None else args.naive_runs):
        ms = naive_capped(args.area, args.naive_timeout)
        naive_samples.append(ms)
        print(f"  naive run {k + 1}: {ms} ms (load {load()})", file=sys.stderr)
        if ms is None:
            break
    capped = None in naive_samples or not naive_samples
    naive_ms = None if capped else statistics.median(naive_samples)
    saves = per_save(args.area, args.saves, args.seed) if args.saves else {}
    result = {
        "database": connection.vendor,
        "area": args.area,
        "participants": args.participants,
        "load_average_before_after": [load_before, load()],
        "full_refresh_s": refresh_s,
        "snapshot_rows": refresh["rows"],
        "dashboard_ms_median": round(dash_ms, 1),
        "dashboard_ms_samples": [round(s, 1) for s in dash_samples],
        "dashboard_cached_ms_median": round(cached_ms, 1),
        "dashboard_cached_ms_samples": [round(s, 1) for s in cached_samples],
        "naive_ms_median": (
            round(naive_ms, 1) if naive_ms else naive_samples and f"> {args.naive_timeout} s"
        ),
        "naive_ms_samples": [None if s is None else round(s, 1) for s in naive_samples],
        "speedup": round(naive_ms / dash_ms, 1) if naive_ms else None,
        **saves,
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: coverage dashboard on pre-aggregated snapshots vs the naive ORM aggregate.

    python -m bench coverage                                         # same, via the bench runner
    python bench/coverage_bench.py --participants 1000000            # SQLite, Lombok Timur
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_coverage \
        python bench/coverage_bench.py --participants 10000000 --area 52

Uses its own database (default var/bench_coverage.sqlite3; for PostgreSQL pass a DATABASE_URL to
a scratch database, which is created if missing). Generates workers and memberships in every
village under --area, runs a full snapshot refresh, then measures in the same run:
  * dashboard: server time of GET /cakupan/<area>/ (Django test client, whole view + template);
  * naive: the same figures (headline, 12-month trend, sector, funding, children) counted
    directly from memberships with ORM aggregates.
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
    from lindung.coverage.periods import add_months, month_start, ref_day
    from lindung.enrollment.models import Membership

    today = dt.date.today()
    period = month_start(today)
    inside = Membership.objects.filter(area_q("village", area_code))
    out = {"head": inside.active_on(today).count()}
    out["trend"] = [
        inside.active_on(ref_day(add_months(period, -k))).count() for k in range(11, -1, -1)
    ]
    active = inside.active_on(today)
    out["sector"] = list(active.values("worker__sector_id").annotate(n=Count("id")))
    out["funding"] = list(active.values("funding_type").annotate(n=Count("id")))
    child_len = len(Area.objects.filter(parent_id=area_code).values_list("code", flat=True)[0])
    out["children"] = list(
        active.annotate(c=Substr("village_id", 1, child_len)).values("c").annotate(n=Count("id"))
    )
    return out


def timed(fn, runs: int) -> tuple[float, list[float]]:
    fn()  # warm-up (caches, connection)
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples), samples


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--participants", type=int, default=1_000_000)
    ap.add_argument("--area", default="52.03")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--database-url")
    ap.add_argument(
        "--reuse-snapshots",
        action="store_true",
        help="skip the full refresh when re-measuring an already generated database",
    )
    args = ap.parse_args(argv)
    configure(args.database_url or os.environ.get("DATABASE_URL"))

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
        refresh = refresh_area(args.area)
        refresh_s = round(time.perf_counter() - t, 1)
    user, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"role": Role.ADMIN_KABUPATEN, "area_id": args.area}
    )
    client = Client()
    client.force_login(user)
    url = f"/cakupan/{args.area}/"

    def dashboard():
        r = client.get(url, secure=True)
        assert r.status_code == 200, r.status_code

    dash_ms, dash_samples = timed(dashboard, args.runs)
    naive_ms, naive_samples = timed(lambda: naive(args.area), args.runs)
    # One membership change: the incremental refresh a post_save triggers.
    from lindung.coverage.snapshots import refresh_villages
    from lindung.enrollment.models import Membership

    one = Membership.objects.filter(village__code__startswith=args.area + ".").first()
    inc_ms, _ = timed(lambda: refresh_villages([one.village_id]), 3)
    result = {
        "database": connection.vendor,
        "area": args.area,
        "participants": args.participants,
        "full_refresh_s": refresh_s,
        "snapshot_rows": refresh["rows"],
        "dashboard_ms_median": round(dash_ms, 1),
        "dashboard_ms_samples": [round(s, 1) for s in dash_samples],
        "naive_ms_median": round(naive_ms, 1),
        "naive_ms_samples": [round(s, 1) for s in naive_samples],
        "speedup": round(naive_ms / dash_ms, 1),
        "incremental_village_refresh_ms": round(inc_ms, 1),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Load with writers: readers behind nginx while writers pay, enrol and import (issue 23).

    python -m bench.writers_bench --database-url URL [--duration 120] [--runs 3]

An existing data set (the 1M demo, built with `lindung demo`) is served by gunicorn behind
nginx as in bench/load_bench.py. Each run has, at the same time:

- **readers**: wrk, 50 connections (users) who each wait `--think` ms (1-5 s) between
  requests, on the home page, worker list, membership list, their area's dashboard and
  worklist. `--readers-as admin` (default): all signed in as the demo admin (whole regency),
  the worst case, since every write anywhere renews the regency's figures. `--readers-as mix`:
  each request from one of the regency's users in the proportions of its staff (operators of
  34 villages, camats of 14 kecamatans, the admin with a weight of 2), including the writers'
  villages and kecamatans;
- **writers**: 5 processes, each in its own village of its own kecamatan: two record payments
  (12 months for an active, self-paying membership that runs out within 90 days), two enrol
  workers who have no membership, one imports a file of 500 new workers (the import service,
  commit). Each waits `--write-pause` ms between writes.

Staleness: before and after each committed write the writer reads, through nginx, the figure
the write changes as the village's operator and as the kecamatan's camat (home card «Pekerja
terdata» for imports, worklist badge «Didata, belum diverifikasi/diajukan» for enrolments,
«Habis masa bayar dalam 30/60/90 hari» for payments). The figure read after the commit must
equal the figure before it plus the write's change (only that writer writes in its kecamatan),
and the imported village's worker count must equal a count of its rows. A mismatch is a stale
figure. After the last run the admin's regency-wide «Pekerja terdata» is compared with a count
of every worker. Reported: readers' p50/p95/p99 and errors (wrk), writes per kind with their
time, figure checks and stale figures, load average. Writes are committed and kept: the data
set grows by a few thousand rows per run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench import load_bench as lb

WRITER_KINDS = ("payment", "payment", "enrol", "enrol", "import")
PASSWORD = "Bench-writers-2026"
BADGE = r'">\s*<h2>.*?<span class="badge \w+">(.*?)</span>'
FIGURES = {
    # kind: (page, pattern of the figure on that page)
    "import": ("/", r'<div class="label">Pekerja terdata</div>\s*<div class="value">(.*?)</div>'),
    "enrol": ("/daftar-kerja/", 'id="kepesertaan-belum-diajukan' + BADGE),
    "payment": ("/daftar-kerja/", 'id="kepesertaan-habis-masa-bayar' + BADGE),
}


def _number(html: str, pattern: str) -> int:
    match = re.search(pattern, html, re.S)
    if match is None:
        raise LookupError("figure not found on the page")
    return int(re.sub(r"<.*?>|\D", "", match.group(1)))


class Session:
    """One signed-in user talking to nginx (keep-alive not needed at a write's pace)."""

    def __init__(self, base: str, username: str):
        self.base = base
        status, self.cookie = lb._login(base, username, PASSWORD)
        if not self.cookie:
            raise RuntimeError(f"login of {username} failed (HTTP {status})")
        self.times: list[float] = []
        self.errors = 0

    def figure(self, kind: str) -> int:
        path, pattern = FIGURES[kind]
        request = urllib.request.Request(self.base + path)
        request.add_header("Cookie", f"sessionid={self.cookie}")
        started = time.perf_counter()
        try:
            html = urllib.request.urlopen(request, timeout=30).read().decode()
        except urllib.error.HTTPError:
            self.errors += 1
            raise
        self.times.append((time.perf_counter() - started) * 1000)
        return _number(html, pattern)


# --- set-up (in the parent, Django configured) ---------------------------------------------


def _setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(lb.ROOT / "src"))
    import django

    django.setup()


def _places(n: int) -> list[tuple[str, str]]:
    """(village, kecamatan) for each writer: the biggest village of n different kecamatans."""
    from django.db.models import Count

    from lindung.workers.models import Worker

    chosen: list[tuple[str, str]] = []
    for row in (
        Worker.objects.values("village_id").annotate(n=Count("id")).order_by("-n", "village_id")
    ):
        village = row["village_id"]
        kecamatan = village.rsplit(".", 1)[0]
        if all(kecamatan != k for _v, k in chosen):
            chosen.append((village, kecamatan))
        if len(chosen) == n:
            break
    return chosen


def _users(places: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """An operator desa and a camat per writer's place (bench accounts, fixed password)."""
    from lindung.accounts.models import Role, User

    names = []
    for village, kecamatan in places:
        pair = []
        for role, area, prefix in (
            (Role.OPERATOR_DESA, village, "bench-desa-"),
            (Role.CAMAT, kecamatan, "bench-camat-"),
        ):
            user, _created = User.objects.get_or_create(
                username=prefix + area, defaults={"role": role, "area_id": area}
            )
            user.role, user.area_id, user.is_active = role, area, True
            user.set_password(PASSWORD)
            user.save()
            pair.append(user.username)
        names.append(tuple(pair))
    return names


# Readers of `--readers-as mix`: how many villages' operators and kecamatans' camats, and the
# admin's weight (the demo admin's session counted this many times).
MIX_VILLAGES, MIX_KECAMATANS, MIX_ADMIN_WEIGHT = 34, 14, 2

MIX_LUA = """
local users = {%(users)s}
request = function()
  local user = users[math.random(#users)]
  local path = user[2][math.random(#user[2])]
  return wrk.format("GET", path, {Cookie = "sessionid=" .. user[1]})
end
"""


def _mix_users(places: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(username, area) of the mix's operators and camats: the writers' places first, then the
    biggest village of further kecamatans in turn (bench accounts, fixed password)."""
    from django.db.models import Count

    from lindung.accounts.models import Role, User
    from lindung.workers.models import Worker

    villages = [v for v, _k in places]
    kecamatans = [k for _v, k in places]
    by_size = (
        Worker.objects.values("village_id").annotate(n=Count("id")).order_by("-n", "village_id")
    )
    for row in by_size:
        village = row["village_id"]
        kecamatan = village.rsplit(".", 1)[0]
        if len(villages) < MIX_VILLAGES and village not in villages:
            villages.append(village)
        if len(kecamatans) < MIX_KECAMATANS and kecamatan not in kecamatans:
            kecamatans.append(kecamatan)
    chosen = [(Role.OPERATOR_DESA, v, "bench-desa-") for v in villages]
    chosen += [(Role.CAMAT, k, "bench-camat-") for k in kecamatans]
    out = []
    for role, area, prefix in chosen:
        user, _created = User.objects.get_or_create(
            username=prefix + area, defaults={"role": role, "area_id": area}
        )
        user.role, user.area_id, user.is_active = role, area, True
        user.set_password(PASSWORD)
        user.save()
        out.append((user.username, area))
    return out


def _mix_script(base: str, admin_session: str, users: list[tuple[str, str]], think: str) -> str:
    """The wrk script of `--readers-as mix`: sessions signed in now, each with its pages."""
    entries = [(admin_session, "52.03")] * MIX_ADMIN_WEIGHT
    for username, area in users:
        status, cookie = lb._login(base, username, PASSWORD)
        if not cookie:
            raise RuntimeError(f"login of {username} failed (HTTP {status})")
        entries.append((cookie, area))
    lua_users = []
    for cookie, area in entries:
        paths = [p.replace("/cakupan/52.03/", f"/cakupan/{area}/") for p in lb.PATHS]
        for path in paths:
            lb._check_pages(base, cookie, [path])
        lua_users.append("{" + f'"{cookie}", {{' + ", ".join(f'"{p}"' for p in paths) + "}}")
    script = MIX_LUA % {"users": ", ".join(lua_users)}
    # wrk's own request() is replaced; the delay and result parts are load_bench's
    return script + lb.LUA.split("end\n", 1)[1] % {"delay": lb._delay(think)}


# --- writers (child processes) ---------------------------------------------------------------


def _import_file(village: str, rows: int, rnd: random.Random) -> tuple[bytes, list[str]]:
    """A CSV of `rows` new workers of `village` (NIKs not yet registered)."""
    from lindung.areas.models import Area
    from lindung.workers.models import Worker
    from lindung.workers.nik import compose_nik

    area = Area.objects.select_related("parent").get(code=village)
    people: dict[str, tuple[dt.date, str]] = {}
    lines = ["No;No. KTP;Nama Lengkap;Jenis Kelamin;Tanggal Lahir;Desa/Kelurahan;Kecamatan"]
    while len(people) < rows:
        birth = dt.date(1965, 1, 1) + dt.timedelta(days=rnd.randrange(14000))
        sex = rnd.choice("LP")
        people[compose_nik(village[:8], birth, sex, rnd.randrange(5000, 10000))] = (birth, sex)
    taken = set(Worker.objects.filter(nik__in=list(people)).values_list("nik", flat=True))
    niks = sorted(set(people) - taken)
    for i, nik in enumerate(niks):
        birth, sex = people[nik]
        name = f"Uji Tulis {rnd.choice(['Ahmad', 'Baiq', 'Lalu', 'Nur', 'Siti'])} {i}"
        lines.append(f"{i + 1};{nik};{name};{sex};{birth:%d-%m-%Y};{area.name};{area.parent.name}")
    return ("\n".join(lines) + "\n").encode(), niks


def _write(kind: str, village: str, user, rnd: random.Random) -> int | None:
    """One committed write; returns the change it makes to the checked figure (None: nothing
    left to write)."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from lindung.enrollment import services as enrolment
    from lindung.enrollment.models import FundingType, Membership, MembershipStatus
    from lindung.imports.services import run_import
    from lindung.workers.models import Worker

    today = timezone.localdate()
    if kind == "payment":
        candidates = Membership.objects.filter(
            village_id=village,
            status=MembershipStatus.AKTIF,
            funding_type=FundingType.MANDIRI,
            paid_until__gte=today,
            paid_until__lte=today + dt.timedelta(days=90),
        ).order_by("paid_until", "id")[:20]
        for membership in candidates:
            try:
                enrolment.record_payment(membership, months=12, paid_on=today, by=user)
            except ValidationError:
                continue
            return -1
        return None
    if kind == "enrol":
        candidates = (
            Worker.objects.filter(village_id=village, deceased_date__isnull=True)
            .exclude(memberships__isnull=False)
            .order_by("id")[:20]
        )
        for worker in candidates:
            try:
                enrolment.enrol(worker, by=user, declared_income=rnd.choice([1_000_000, 1_500_000]))
            except ValidationError:
                continue
            return 1
        return None
    data, niks = _import_file(village, 500, rnd)
    before = Worker.objects.filter(village_id=village).count()
    outcome, _book = run_import(
        "tulis.csv", data, commit=True, scope_code=village, user=user, today=today
    )
    return Worker.objects.filter(village_id=village).count() - before


def _writer(args: tuple) -> dict:
    """One writer process: writes until the deadline, checking figures around each write."""
    kind, village, users, base, deadline, pause, seed, env = args
    _setup_django(env)
    from django.db import connections

    from lindung.accounts.models import User
    from lindung.workers.models import Worker

    rnd = random.Random(seed)
    user = User.objects.get(username=users[0])
    sessions = [Session(base, name) for name in users]
    out = {"kind": kind, "village": village, "writes": 0, "write_ms": [], "checks": 0}
    out.update(stale=[], read_errors=0, write_errors=[], exhausted=False)
    try:
        before = [s.figure(kind) for s in sessions]
        while time.time() < deadline:
            time.sleep(rnd.uniform(*pause) / 1000)
            started = time.perf_counter()
            try:
                change = _write(kind, village, user, rnd)
            except Exception as exc:  # a refused write is a result, not a crash of the bench
                out["write_errors"].append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            if change is None:
                out["exhausted"] = True
                break
            out["write_ms"].append((time.perf_counter() - started) * 1000)
            out["writes"] += 1
            # Read right after the commit, as each level's user.
            after = [s.figure(kind) for s in sessions]
            for level, (old, new) in enumerate(zip(before, after, strict=True)):
                out["checks"] += 1
                if new != old + change:
                    out["stale"].append(
                        {
                            "level": ("desa", "camat")[level],
                            "before": old,
                            "change": change,
                            "shown": new,
                        }  # fmt: skip
                    )
            if kind == "import":
                out["checks"] += 1
                truth = Worker.objects.filter(village_id=village).count()
                if after[0] != truth:
                    out["stale"].append({"level": "desa", "shown": after[0], "count": truth})
            before = after
    except (urllib.error.URLError, LookupError) as exc:
        out["read_errors"] += 1
        out["write_errors"].append(f"read: {exc}"[:200])
    finally:
        connections.close_all()
    out["read_ms"] = [t for s in sessions for t in s.times]
    out["read_errors"] += sum(s.errors for s in sessions)
    return out


def _writer_to(job: tuple, results) -> None:
    try:
        results.put(_writer(job))
    except Exception as exc:  # reported, so the run does not wait for a result forever
        failed = f"writer failed: {type(exc).__name__}: {exc}"[:300]
        results.put({"kind": job[0], "village": job[1], "writes": 0, "write_ms": [],
                     "checks": 0, "stale": [], "read_errors": 1, "read_ms": [],
                     "write_errors": [failed]})  # fmt: skip


# --- one run -------------------------------------------------------------------------------


def _run(args, base: str, session: str, script: str, places, users, env) -> dict:
    deadline = time.time() + args.duration
    wrk = subprocess.Popen(
        ["wrk", "-t2", f"-c{args.readers}", f"-d{args.duration}s", "--timeout", "10s",
         "-s", script, "-H", f"Cookie: sessionid={session}", base],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    pause = tuple(int(p) for p in args.write_pause.split("-"))
    jobs = [
        (kind, village, users[i], base, deadline, pause, args.seed + i, env)
        for i, (kind, (village, _k)) in enumerate(zip(WRITER_KINDS, places, strict=True))
    ]
    load_before = os.getloadavg()
    # Plain processes, not a Pool: the import service starts processes of its own.
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    procs = [ctx.Process(target=_writer_to, args=(job, results)) for job in jobs]
    for proc in procs:
        proc.start()
    writers = [results.get(timeout=args.duration + 600) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    stdout, stderr = wrk.communicate()
    match = re.search(r"RESULT (.*)", stdout)
    if not match:
        raise RuntimeError(stdout + stderr)
    r = {k: int(v) for k, v in (kv.split("=") for kv in match.group(1).split())}
    readers = {
        "rps": round(r["requests"] / (r["duration_us"] / 1e6), 2),
        "requests": r["requests"],
        "p50_ms": r["p50"] / 1000,
        "p95_ms": r["p95"] / 1000,
        "p99_ms": r["p99"] / 1000,
        "max_ms": r["max"] / 1000,
        "errors": r["errors_http"] + r["errors_socket"],
    }
    return {
        "readers": readers,
        "writers": writers,
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }


def _summary(run: dict) -> dict:
    writes: dict[str, list[float]] = {}
    for w in run["writers"]:
        writes.setdefault(w["kind"], []).extend(w["write_ms"])
    reads = [t for w in run["writers"] for t in w["read_ms"]]
    return {
        **run["readers"],
        "writes": {k: len(v) for k, v in writes.items()},
        "write_median_ms": {k: round(statistics.median(v), 1) for k, v in writes.items() if v},
        "checks": sum(w["checks"] for w in run["writers"]),
        "stale": sum(len(w["stale"]) for w in run["writers"]),
        "write_errors": sum(len(w["write_errors"]) for w in run["writers"]),
        "writer_read_errors": sum(w["read_errors"] for w in run["writers"]),
        "writer_read_p95_ms": (
            round(statistics.quantiles(reads, n=20)[-1], 1) if len(reads) > 1 else None
        ),
        "load": f"{run['load_before'][0]:.1f} → {run['load_after'][0]:.1f}",
    }  # fmt: skip


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench writers")
    parser.add_argument("--database-url", help="the data set to serve (a 1M demo)")
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--think", default="1000-5000", help="readers' pause (ms)")
    parser.add_argument("--write-pause", default="1000-3000", help="writers' pause (ms)")
    parser.add_argument("--duration", type=int, default=120)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=20)
    lb.add_gunicorn_workers(parser)
    parser.add_argument(
        "--readers-as",
        choices=("admin", "mix"),
        default="admin",
        help="readers signed in as the demo admin (default), or a mix of the regency's users",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write every run's figures here")
    args = parser.parse_args(argv)
    if not args.database_url:  # `python -m bench` runs every module without arguments
        print("writers_bench: needs --database-url of a demo data set; skipped", file=sys.stderr)
        return 0
    lb.LOG = sys.stderr
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            subprocess.run(["apt-get", "install", "-y", "-qq", tool], check=True)
    if not (lb.BIN / "gunicorn").exists():
        subprocess.run([str(lb.BIN / "pip"), "install", "-q", "gunicorn"], check=True)

    env = lb._env(args.database_url)
    cache_dir = tempfile.mkdtemp(prefix="lindung-writers-cache-")
    env["CACHE_DIR"] = cache_dir
    env["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="lindung-writers-media-")
    lb._run(env, "shell", "-c", lb.ENSURE_USERS)
    lb._run(env, "axes_reset")
    _setup_django(env)
    places = _places(len(WRITER_KINDS))
    users = _users(places)
    readers = _mix_users(places) if args.readers_as == "mix" else []
    from django.db import connections

    connections.close_all()

    port, app_port = lb._free_port(), lb._free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        lb.gunicorn_command(app_port, args.gunicorn_workers),
        env=env,
        cwd=lb.ROOT,
        stdout=sys.stderr,
    )
    front = lb._start_nginx(port, app_port)
    runs = []
    try:
        lb._wait(f"http://127.0.0.1:{app_port}/masuk/")
        lb._wait(base + "/masuk/")
        _status, session = lb._login(base, lb.DEMO_USER, lb.DEMO_PASSWORD)
        lb._check_pages(base, session)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
            if readers:
                fh.write(_mix_script(base, session, readers, args.think))
            else:
                paths = ", ".join(f'"{p}"' for p in lb.PATHS)
                fh.write(lb.LUA % {"paths": paths, "delay": lb._delay(args.think)})
            script = fh.name
        if args.warmup:
            lb._wrk(script, session, base, args.readers, args.warmup)
        for i in range(args.runs):
            run = _run(args, base, session, script, places, users, env)
            runs.append(run)
            print(f"run {i + 1}: {json.dumps(_summary(run))}", file=sys.stderr, flush=True)
            for w in run["writers"]:
                for problem in w["write_errors"][:3] + w["stale"][:3]:
                    print(f"  {w['kind']} {w['village']}: {problem}", file=sys.stderr)
        # Regency level, once the writers have stopped: the admin's figure against a count.
        from lindung.workers.models import Worker

        admin = Session.__new__(Session)
        admin.base, admin.cookie, admin.times, admin.errors = base, session, [], 0
        shown = admin.figure("import")
        counted = Worker.objects.count()  # the demo registers workers of 52.03 only
    finally:
        front.terminate()
        front.wait(timeout=30)
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(cache_dir, ignore_errors=True)

    summaries = [_summary(r) for r in runs]
    median = {
        k: statistics.median(s[k] for s in summaries) for k in ("rps", "p50_ms", "p95_ms", "p99_ms")
    }
    result = {
        "readers_as": args.readers_as,
        "places": places,
        "runs": summaries,
        "median": median,
        "errors": sum(s["errors"] + s["writer_read_errors"] for s in summaries),
        "stale": sum(s["stale"] for s in summaries),
        "checks": sum(s["checks"] for s in summaries),
        "regency_workers_shown": shown,
        "regency_workers_counted": counted,
        "stale_details": [st for r in runs for w in r["writers"] for st in w["stale"]][:20],
        "write_errors": [e for r in runs for w in r["writers"] for e in w["write_errors"]][:20],
    }
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps({"result": result, "runs": runs}, default=str))
    ok = result["errors"] == 0 and result["stale"] == 0 and shown == counted
    return 0 if ok and median["p95_ms"] < 500 else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

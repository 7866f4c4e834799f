# ruff: noqa: E501  (report table rows read better unwrapped)
"""Scaling suite (`make bench`): the same benchmarks at growing sizes, SQLite and PostgreSQL.

    python -m bench.suite                                   # 100k, 1M, 10M on both databases
    python -m bench.suite --sizes 100k,1M --runs 3          # what fits in an afternoon
    python -m bench.suite --sizes 20k --databases sqlite    # smoke run (a few minutes)
    python -m bench.suite --benches load --load-duration 10 --sizes 20k --runs 1 --no-write
    python -m bench.suite --report-only                     # redraw table + plot from the JSON

For every size N and database it builds a reproducible data set (seeded generators of the other
modules, one database per size under var/bench_scaling/ or `bench_scaling_<N>` on PostgreSQL,
reused when it already holds N rows) and runs, each in a fresh process, the benches named by
--benches (default, and what `make bench` runs: coverage,import,optimiser,load):

* coverage (`bench/coverage_bench.py --participants N --database-url ...`): dashboard time and,
  in the same run, the naive ORM aggregate of the same figures (the baseline), full refresh;
* import (`python -m bench.import_bench --worker ...`): validate + commit of an N-row CSV (the
  same file for both databases) into a fresh copy of a migrated database holding the Lombok
  Timur areas (a copied SQLite file, or `CREATE DATABASE ... TEMPLATE bench_import_template`
  on PostgreSQL), the dry run, and polars only reading the same file (the baseline); peak
  memory is the importing process's (the PostgreSQL server's is not in it); above the
  importer's one-file limit (lindung.imports.readers.MAX_ROWS, 2M rows) the rows come as files
  of that size committed one after the other into the same database; skipped above
  --import-max rows;
* storage: bytes per worker and per membership row (`pg_total_relation_size` on PostgreSQL,
  the `dbstat` table on SQLite), used by docs/national-scale.md;
* load (`bench/load_bench.py --database-url ...`): gunicorn + wrk against the coverage data set
  of the same size and database (built through the coverage bench first when it does not hold
  N memberships yet), 50 users with 1-5 s think time (the target mode: p95 < 500 ms, 0 errors),
  20 s warm-up, --runs runs of --load-duration seconds. There is no other web stack to compare
  with: the "ratio" is p95 against the 500 ms target;
* optimiser (`bench/funding_optimiser_bench.py --candidates N --no-mip`): HiGHS LP + rounding
  against the greedy allocator (the baseline) on the same generated instance, 254 villages. It
  uses no database, so it runs once per size, up to --optimiser-max candidates (memory: see
  OPTIMISER_MEMORY).

Medians of --runs runs. Every measurement is merged into bench/scaling_results.json (keyed by
bench, database and size; re-read before each save, so suite processes running at the same
time keep each other's results) so sizes can be run on different days; the "## Scaling" section of
bench/RESULTS.md and bench/scaling.png are redrawn from that file, with the load average at the
time of each measurement and the list of sizes that were not run. `--no-write` only prints.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "bench"
WORK = ROOT / "var" / "bench_scaling"
RESULTS_JSON = HERE / "scaling_results.json"
RESULTS_MD = HERE / "RESULTS.md"
PLOT = HERE / "scaling.png"
DEFAULT_SIZES = "100k,1M,10M"
PG_BASE = "postgres://postgres@127.0.0.1:5432"
WRITE = True  # --no-write: measure and print, leave bench/ untouched (smoke runs)
DEFAULT_BENCHES = "coverage,import,optimiser,load"
LOAD_TARGET_MS = 500  # p95 target of the load test (50 users, 0 errors)
LOAD_THINK = "1000-5000"  # ms between one user's requests: people reading pages
LOAD_WARMUP_S = 20
OPTIMISER_VILLAGES = 254
# Peak RSS of funding_optimiser_bench (--runs 1 --no-mip, both scenarios), measured 24 Nov 2026:
# 169 MiB at 20k, 230 MiB at 100k, 335 MiB at 300k candidates, i.e. about 0.5-0.8 KiB per
# candidate on top of ~150 MiB (Django, numpy, HiGHS). Used for the "not run" reason when no
# two sizes are stored to extrapolate from.
OPTIMISER_MEMORY = ((20_000, 169), (100_000, 230), (300_000, 335))


def parse_size(text: str) -> int:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"ukuran tidak dikenal: {text!r}")
    factor = {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()]
    return int(float(m.group(1)) * factor)


def label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def last_json(text: str) -> dict:
    """The last JSON object printed by a benchmark (pretty-printed or on one line)."""
    starts = [m.start() for m in re.finditer(r"(?m)^\{", text)]
    for start in reversed(starts):
        try:
            return json.loads(text[start:])
        except ValueError:
            continue
    raise ValueError("tidak ada hasil JSON dalam keluaran benchmark")


def run(cmd: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    print("  $", " ".join(cmd[1:]), flush=True)
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    if proc.returncode:
        raise RuntimeError(f"gagal ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return proc


def db_url(database: str, n: int) -> str:
    if database == "sqlite":
        return f"sqlite:///{WORK / f'coverage_{label(n)}.sqlite3'}"
    return f"{PG_BASE}/bench_scaling_{label(n).lower()}"


# --- coverage (both databases) ------------------------------------------------------------


def bench_coverage(database: str, n: int, runs: int, area: str, reuse: bool = False) -> dict:
    url = db_url(database, n)
    cmd = [sys.executable, str(HERE / "coverage_bench.py"), "--participants", str(n)]
    cmd += ["--runs", str(runs), "--seed", "1", "--area", area, "--database-url", url]
    if reuse:  # re-measure dashboard + naive aggregate; record() keeps the earlier refresh
        cmd += ["--reuse-snapshots", "--saves", "0"]
    started = time.perf_counter()
    load_before = load_average()
    proc = run(cmd)
    out = last_json(proc.stdout)
    gen = re.search(r"generation (\d+(?:\.\d+)?) s", proc.stderr)
    return {
        "dashboard_ms": out.get("dashboard_ms_median"),
        "dashboard_samples": out.get("dashboard_ms_samples"),
        "dashboard_cached_ms": out.get("dashboard_cached_ms_median"),
        "naive_ms": out.get("naive_ms_median"),
        "naive_samples": out.get("naive_ms_samples"),
        "ratio": out.get("speedup"),
        "full_refresh_s": out.get("full_refresh_s"),
        "generation_s": float(gen.group(1)) if gen else None,
        "wall_s": round(time.perf_counter() - started, 1),
        "load": f"{load_before} → {load_average()}",
        "storage": storage(database, url),
    }


def storage(database: str, url: str) -> dict:
    """Bytes per row of the worker and membership tables, indexes and TOAST included."""
    tables = ("workers_worker", "enrollment_membership")
    out = {}
    if database == "postgresql":
        import psycopg

        with psycopg.connect(url) as conn:
            conn.execute("ANALYZE workers_worker; ANALYZE enrollment_membership")
            for t in tables:
                rows = conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                total, heap = conn.execute(
                    "SELECT pg_total_relation_size(%s), pg_relation_size(%s)", (t, t)
                ).fetchone()
                out[t] = {"rows": rows, "total_bytes": total, "heap_bytes": heap,
                          "bytes_per_row": round(total / max(rows, 1), 1)}  # fmt: skip
    else:
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            for t in tables:
                rows = conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                names = [t] + [r[0] for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name=?", (t,))]  # fmt: skip
                marks = ",".join("?" * len(names))
                try:
                    total = conn.execute(
                        f"SELECT sum(pgsize) FROM dbstat WHERE name IN ({marks})", names
                    ).fetchone()[0]
                except sqlite3.OperationalError:  # SQLite built without dbstat
                    total = None
                out[t] = {"rows": rows, "total_bytes": total,
                          "bytes_per_row": round(total / max(rows, 1), 1) if total else None}  # fmt: skip
        finally:
            conn.close()
    return out


# --- import (both databases) -------------------------------------------------------------


LINDUNG = [sys.executable, "-c", "from lindung.cli import main; main()"]
PG_TEMPLATE = "bench_import_template"


def django_env(url: str) -> dict:
    return dict(os.environ, DATABASE_URL=url, DEBUG="0", SECRET_KEY="bench")


def pg_admin(sql: str) -> None:
    """One statement on the server's maintenance database (CREATE/DROP DATABASE)."""
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def import_template(database: str) -> str:
    """A migrated database with the Lombok Timur areas, copied for every import run: a SQLite
    file under var/bench_scaling/ (own copy: other runs may be using bench/import_bench's
    files at the same time) or the PostgreSQL database bench_import_template. Built once,
    then only brought up to date with `migrate` (a no-op when it is current)."""
    if database == "sqlite":
        db = WORK / "import_template.sqlite3"
        url, tmp = f"sqlite:///{db}", WORK / "import_template.tmp"
        done = db.exists()
    else:
        url = f"{PG_BASE}/{PG_TEMPLATE}"
        import psycopg

        with psycopg.connect(f"{PG_BASE}/postgres") as conn:
            done = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (PG_TEMPLATE,)
            ).fetchone()
    if done:
        run([*LINDUNG, "migrate", "-v0"], env=django_env(url))
        return str(db) if database == "sqlite" else url
    code = "from lindung.areas.services import load_areas; load_areas(prefix='52.03')"
    if database == "sqlite":
        tmp.unlink(missing_ok=True)
        build = f"sqlite:///{tmp}"
    else:  # built under another name and renamed when complete, like the SQLite file
        pg_admin(f'DROP DATABASE IF EXISTS "{PG_TEMPLATE}_tmp"')
        pg_admin(f'CREATE DATABASE "{PG_TEMPLATE}_tmp"')
        build = f"{PG_BASE}/{PG_TEMPLATE}_tmp"
    run([*LINDUNG, "migrate", "-v0"], env=django_env(build))
    run([*LINDUNG, "shell", "-c", code], env=django_env(build))
    if database == "sqlite":
        tmp.replace(db)
        return str(db)
    pg_admin(f'ALTER DATABASE "{PG_TEMPLATE}_tmp" RENAME TO "{PG_TEMPLATE}"')
    return url


@contextlib.contextmanager
def scratch_copy(database: str, template: str, name: str):
    """A fresh copy of the template for one run (file copy / CREATE DATABASE ... TEMPLATE),
    removed afterwards. Yields what `import_bench --worker` takes: a path or a URL."""
    if database == "sqlite":
        db = WORK / f"{name}.sqlite3"
        shutil.copy(template, db)
        try:
            yield str(db)
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
    else:
        name = f"bench_{name}"
        pg_admin(f'DROP DATABASE IF EXISTS "{name}"')  # left over by a killed run
        pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{PG_TEMPLATE}"')
        try:
            yield f"{PG_BASE}/{name}"
        finally:
            pg_admin(f'DROP DATABASE IF EXISTS "{name}"')


def import_file_rows() -> int:
    """Most rows the importer accepts in one file (it refuses bigger files)."""
    sys.path.insert(0, str(ROOT / "src"))
    from lindung.imports.readers import MAX_ROWS

    return MAX_ROWS


def generated_csv(name: str, n: int, seed: int = 4, start: int = 0) -> Path:
    """The seeded CSV of n rows, written once under var/bench_scaling/."""
    from bench import import_bench

    csv_file = WORK / name
    if not csv_file.exists():
        print(f"  membuat {csv_file.name} …", flush=True)
        partial = csv_file.with_suffix(".part")
        import_bench.write_csv(partial, n, seed, start)  # seeded: the same rows every time
        partial.replace(csv_file)
    return csv_file


def import_worker(mode: str, csv_file: Path, db: str) -> dict:
    proc = run([sys.executable, "-m", "bench.import_bench", "--worker", mode, str(csv_file), db, "0"])  # fmt: skip
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if mode != "polars" and not result.get("accepted"):
        raise RuntimeError(f"import of {csv_file.name} accepted no row: {result}")
    return result


def bench_import(database: str, n: int, runs: int) -> dict:
    if n > import_file_rows():
        return bench_import_in_files(database, n, runs)
    csv_file = generated_csv(f"workers_{label(n)}.csv", n)
    template = import_template(database)
    load_before = load_average()
    samples: dict[str, list[dict]] = {"commit": [], "dry": [], "polars": []}
    for i in range(runs):
        for mode in samples:
            with scratch_copy(database, template, f"import_run_{mode}_{i}") as db:
                samples[mode].append(import_worker(mode, csv_file, db))
    committed = samples["commit"][0]
    if committed.get("in_db") != committed.get("accepted"):
        raise RuntimeError(f"import {database}: {committed} (in_db != accepted)")

    def med(mode: str, key: str) -> float:
        return statistics.median(s[key] for s in samples[mode])

    commit_s, polars_s = med("commit", "seconds"), med("polars", "seconds")
    return {
        "rows": committed.get("rows"),
        "accepted": committed.get("accepted"),
        "commit_s": round(commit_s, 2),
        "commit_samples": [round(s["seconds"], 2) for s in samples["commit"]],
        "dry_s": round(med("dry", "seconds"), 2),
        "polars_s": round(polars_s, 3),
        "ratio": round(commit_s / polars_s, 1),
        "rows_per_s": round(n / commit_s),
        "peak_mib": round(max(med("commit", "peak_mib"), med("dry", "peak_mib"))),
        "csv_mib": round(csv_file.stat().st_size / 2**20, 1),
        "load": f"{load_before} → {load_average()}",
    }


def bench_import_in_files(database: str, n: int, runs: int) -> dict:
    """n rows above the one-file limit arrive as several village/kecamatan lists: files of the
    largest accepted size (different seeds and NIK serials), committed one after the other into
    the same database, so the last file is checked against and written next to the rows of all
    the earlier ones. No dry run (it would only repeat the first file's); the baseline is polars
    reading every file."""
    per_file = import_file_rows()
    count = -(-n // per_file)
    files = [
        generated_csv(f"workers_{label(n)}_{k + 1}of{count}.csv", per_file, 4 + k, k * per_file)
        for k in range(count)
    ]
    template = import_template(database)
    load_before = load_average()
    totals, per_run_files, peaks, accepted, in_db = [], [], [], 0, 0
    for i in range(runs):
        with scratch_copy(database, template, f"import_files_{i}") as db:
            seconds, accepted = [], 0
            for csv_file in files:
                result = import_worker("commit", csv_file, db)
                seconds.append(result["seconds"])
                peaks.append(result["peak_mib"])
                accepted += result["accepted"]
                if result["in_db"] != accepted:
                    raise RuntimeError(
                        f"import {database} {csv_file.name}: {result}, {accepted} accepted so far"
                    )
                in_db = result["in_db"]
        totals.append(sum(seconds))
        per_run_files.append(seconds)
    polars_s = sum(import_worker("polars", f, template)["seconds"] for f in files)
    commit_s = statistics.median(totals)
    median_run = per_run_files[totals.index(commit_s)] if commit_s in totals else per_run_files[0]
    return {
        "rows": n,
        "accepted": accepted,
        "in_db": in_db,
        "files": count,
        "file_rows": per_file,
        "file_s": [round(x, 2) for x in median_run],
        "commit_s": round(commit_s, 2),
        "commit_samples": [round(x, 2) for x in totals],
        "dry_s": None,
        "polars_s": round(polars_s, 3),
        "ratio": round(commit_s / polars_s, 1),
        "rows_per_s": round(n / commit_s),
        "peak_mib": round(max(peaks)),
        "csv_mib": round(sum(f.stat().st_size for f in files) / 2**20, 1),
        "load": f"{load_before} → {load_average()}",
    }


# --- load (both databases, on the coverage data set) ---------------------------------------


def dataset_ready(database: str, n: int, area: str) -> bool:
    """The coverage data set for (database, n) exists and holds n memberships under area: the
    test coverage_bench.generate() applies before reusing a database."""
    url = db_url(database, n)
    like = area + ".%"
    if database == "sqlite":
        import sqlite3

        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return False
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            have = conn.execute(
                "SELECT count(*) FROM enrollment_membership WHERE village_id LIKE ?", (like,)
            ).fetchone()[0]
        except sqlite3.OperationalError:  # no such table: a build that stopped early
            return False
        finally:
            conn.close()
        return have == n
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(f"{PG_BASE}/postgres") as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
    with psycopg.connect(url) as conn:
        try:
            have = conn.execute(
                "SELECT count(*) FROM enrollment_membership WHERE village_id LIKE %s", (like,)
            ).fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return False
    return have == n


def bench_load(database: str, n: int, runs: int, duration: int) -> dict:
    """load_bench.py on the coverage data set (which the caller has made sure exists)."""
    cmd = [sys.executable, str(HERE / "load_bench.py"), "--database-url", db_url(database, n)]
    cmd += ["--workers", str(n), "--runs", str(runs), "--duration", str(duration)]
    cmd += ["--warmup", str(LOAD_WARMUP_S), "--think", LOAD_THINK, "--json", "--no-append"]
    started = time.perf_counter()
    load_before = load_average()
    print("  $", " ".join(cmd[1:]), flush=True)
    # stderr (the text report, run by run) goes to the terminal: a run takes minutes.
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        out = last_json(proc.stdout)
    except ValueError:  # no result at all: server did not start, a page did not answer 200, …
        raise RuntimeError(f"gagal ({proc.returncode}): {' '.join(cmd)}") from None
    if proc.returncode:  # errors or no throttling: a result to record, not a crash
        print(f"  peringatan: load_bench keluar dengan kode {proc.returncode} "
              f"({out['errors']} errors, throttled {out['throttled']})", flush=True)  # fmt: skip
    med = out["median"]
    return {
        "rps": med["rps"],
        "p50_ms": med["p50_ms"],
        "p95_ms": med["p95_ms"],
        "p99_ms": med["p99_ms"],
        "errors": out["errors"],
        "p95_vs_target": round(med["p95_ms"] / LOAD_TARGET_MS, 3),
        "target_met": med["p95_ms"] < LOAD_TARGET_MS and out["errors"] == 0,
        "samples": out["runs"],
        "connections": out["connections"],
        "think_ms": out["think_ms"],
        "duration_s": out["duration_s"],
        "warmup_s": out["warmup_s"],
        "gunicorn_workers": out["gunicorn_workers"],
        "front": out.get("front", "none"),
        "login_codes": out["login_codes"],
        "throttled": out["throttled"],
        "wall_s": round(time.perf_counter() - started, 1),
        "load": f"{load_before} → {load_average()}",
    }


# --- optimiser (no database: once per size) ------------------------------------------------


def bench_optimiser(n: int, runs: int) -> dict:
    cmd = [sys.executable, str(HERE / "funding_optimiser_bench.py"), "--candidates", str(n)]
    cmd += ["--villages", str(OPTIMISER_VILLAGES), "--runs", str(runs), "--no-mip", "--json"]
    started = time.perf_counter()
    load_before = load_average()
    print("  $", " ".join(cmd[1:]), flush=True)
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if proc.returncode:
        raise RuntimeError(f"gagal ({proc.returncode}): {' '.join(cmd)}")
    out = last_json(proc.stdout)
    base = out["scenarios"]["base"]
    greedy, opt = base["greedy"], base["optimiser"]
    return {
        "villages": out["villages"],
        "pairs": base["pairs"],
        "greedy_s": greedy["wall_s"],
        "greedy_samples": greedy["wall_samples"],
        "optimiser_s": opt["wall_s"],
        "optimiser_samples": opt["wall_samples"],
        "ratio": base["ratio"],
        "objective_gain_pct": base["objective_gain_pct"],
        "funded_gain": base["funded_gain"],
        "greedy_funded": greedy["funded"],
        "optimiser_funded": opt["funded"],
        "certified_gap_pct": opt["certified_gap_pct"],
        "classes": opt["classes"],
        "peak_mib": out["peak_mib"],
        "scenarios": out["scenarios"],  # base budgets and all budgets cut by 20%
        "wall_s": round(time.perf_counter() - started, 1),
        "load": f"{load_before} → {load_average()}",
    }


# --- results ------------------------------------------------------------------------------


def load_results() -> dict:
    for attempt in range(10):
        if not RESULTS_JSON.exists():
            return {"measurements": {}}
        try:
            return json.loads(RESULTS_JSON.read_text(encoding="utf-8"))
        except ValueError:  # caught another process (older code) halfway through writing it
            if attempt == 9:
                raise
            time.sleep(1)
    raise AssertionError("unreachable")


def save_results(data: dict) -> None:
    if not WRITE:
        return
    # Written beside and renamed: a reader never sees half a file.
    tmp = RESULTS_JSON.with_name(f".{RESULTS_JSON.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")
    tmp.replace(RESULTS_JSON)


@contextlib.contextmanager
def results_lock():
    """Serialises read-merge-write of the JSON between suite processes running at once."""
    WORK.mkdir(parents=True, exist_ok=True)
    with open(WORK / "scaling_results.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def code_version() -> str:
    """HEAD commit, with '+dirty' when src/ or bench/ has uncommitted changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "bench/*.py"],
                               cwd=ROOT, capture_output=True, text=True).stdout.strip()  # fmt: skip
        return head + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


RECORDED: dict[str, dict] = {}  # this process's measurements (merged into a fresh read)


def record(data: dict, key: str, value: dict, runs: int) -> None:
    value["runs"] = runs
    value["measured_at"] = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    value["code"] = code_version()
    RECORDED[key] = value
    if WRITE and key.startswith("coverage/") and value.get("full_refresh_s") is None:
        # --reuse-snapshots: no refresh or generation this time; keep the last measured ones.
        earlier = load_results().get("measurements", {}).get(key, {})
        for field in ("full_refresh_s", "generation_s"):
            if earlier.get(field) is not None:
                value[field] = earlier[field]
                value.setdefault("refresh_measured_at", earlier.get("refresh_measured_at")
                                 or earlier.get("measured_at"))  # fmt: skip
    if not WRITE:
        data["measurements"][key] = value
        return
    # Another suite process may have saved since `data` was read: re-read the file and add
    # only this key, so neither process drops the other's measurements.
    with results_lock():
        fresh = load_results()
        fresh.setdefault("measurements", {})[key] = value
        save_results(fresh)
    data.clear()
    data.update(fresh)


def current_results() -> dict:
    """The file as it is now, with this process's measurements (kept only here on --no-write)."""
    data = load_results()
    data.setdefault("measurements", {}).update(RECORDED)
    return data


def fmt_ms(ms: float | None) -> str:
    if ms is None:
        return "–"
    return f"{ms / 1000:.1f} s" if ms >= 10_000 else f"{ms:,.0f} ms"


def files_note(r: dict) -> str:
    """'5 files × 2,000,000: 40.1, 44.0, … s; ' for an import made of several files."""
    if not r.get("files"):
        return ""
    times = ", ".join(f"{x:g}" for x in r["file_s"])
    return f"{r['files']} files × {r['file_rows']:,}: {times} s; "


def growth(value: float | None, first: float | None) -> str:
    if not value or not first:
        return ""
    return f" (×{value / first:.1f})"


def optimiser_memory(m: dict, n: int) -> str:
    """Why the optimiser did not run at n candidates: its peak memory extrapolated linearly
    from the two largest sizes stored (else from OPTIMISER_MEMORY, measured outside the suite)."""
    stored = sorted((int(k.rsplit("/", 1)[1]), v["peak_mib"]) for k, v in m.items()
                    if k.startswith("optimiser/") and v.get("peak_mib"))  # fmt: skip
    points, source = (stored, "the suite's runs") if len(stored) >= 2 else (
        list(OPTIMISER_MEMORY), "runs outside the suite")  # fmt: skip
    (n1, p1), (n2, p2) = points[-2:]
    estimate = p2 + (p2 - p1) / (n2 - n1) * (n - n2)
    measured = ", ".join(f"{p:,} MiB at {label(k)}" for k, p in points)
    return (
        f"peak memory {measured} ({source}), about {estimate / 1024:.1f} GiB at {label(n)} by "
        "linear extrapolation (not measured)"
    )


def section(
    data: dict, planned: list[int], databases: list[str], optimiser_max: int | None = None
) -> str:
    m = data["measurements"]
    names = {"sqlite": "SQLite (WAL)", "postgresql": "PostgreSQL"}
    cov_rows, imp_rows, sto_rows, missing = [], [], [], []
    load_rows, opt_rows, unthrottled = [], [], []
    login_codes: set[str] = set()
    for database in databases:
        first = None
        for n in planned:
            r = m.get(f"coverage/{database}/{n}")
            if not r:
                missing.append(f"coverage on {names[database]} at {label(n)}")
                continue
            first = first or r
            cov_rows.append(
                f"| {names[database]} | {n:,} | {fmt_ms(r['dashboard_ms'])}{growth(r['dashboard_ms'], first['dashboard_ms'])} | {fmt_ms(r.get('dashboard_cached_ms'))} | "
                f"{fmt_ms(r['naive_ms'])}{growth(r['naive_ms'], first['naive_ms'])} | ×{r['ratio']} | "
                f"{r['full_refresh_s']} s{' (' + r['refresh_measured_at'] + ')' if r.get('refresh_measured_at') else ''} | {'–' if r['generation_s'] is None else str(r['generation_s']) + ' s'} | {r['load']} | {r['measured_at']} {r.get('code', '')} |"
            )
            for table, s in r.get("storage", {}).items():
                if s.get("bytes_per_row"):
                    sto_rows.append(
                        f"| {names[database]} | {table} | {s['rows']:,} | {s['total_bytes'] / 2**20:,.0f} MiB | {s['bytes_per_row']:,.0f} |"
                    )
    for database in databases:
        first = None
        for n in planned:
            r = m.get(f"import/{database}/{n}")
            if not r:
                missing.append(f"import on {names[database]} at {label(n)}")
                continue
            first = first or r
            imp_rows.append(
                f"| {names[database]} | {n:,} ({files_note(r)}{r['csv_mib']} MiB) | {r['accepted']:,} | {r['commit_s']} s{growth(r['commit_s'], first['commit_s'])} | "
                f"{r['rows_per_s']:,}/s | {'–' if r['dry_s'] is None else str(r['dry_s']) + ' s'} | {r['polars_s']} s | ×{r['ratio']} | {r['peak_mib']:,} MiB | {r['load']} | {r['measured_at']} {r.get('code', '')} |"
            )
    for database in databases:
        for n in planned:
            r = m.get(f"load/{database}/{n}")
            if not r:
                missing.append(f"load on {names[database]} at {label(n)}")
                continue
            met = "met" if r["target_met"] else "missed"
            load_rows.append(
                f"| {names[database]} | {n:,} | {r['rps']:.1f} | {r['p50_ms']:,.0f} ms | {r['p95_ms']:,.0f} ms | "
                f"{r['p99_ms']:,.0f} ms | {r['errors']} | {r['p95_vs_target']:.2f} ({met}) | {r['load']} | {r['measured_at']} {r.get('code', '')} |"
            )
            if not r.get("throttled"):
                unthrottled.append(f"{names[database]} {label(n)}: {r.get('login_codes')}")
            login_codes.add(str(r.get("login_codes")))
    first = None
    for n in planned:
        r = m.get(f"optimiser/{n}")
        if not r:
            if optimiser_max is not None and n > optimiser_max:
                missing.append(
                    f"optimiser at {label(n)} (above --optimiser-max {label(optimiser_max)}: "
                    f"{optimiser_memory(m, n)}; pass --optimiser-max {label(n)} to run it)"
                )
            else:
                missing.append(f"optimiser at {label(n)}")
            continue
        first = first or r
        opt_rows.append(
            f"| {n:,} | {r['greedy_s']:.2f} s | {r['optimiser_s']:.2f} s{growth(r['optimiser_s'], first['optimiser_s'])} | "
            f"×{r['ratio']} | {r['objective_gain_pct']:+.2f} % | {r['funded_gain']:+,} ({r['greedy_funded']:,} → {r['optimiser_funded']:,}) | "
            f"{r['certified_gap_pct']:.4f} % | {r['peak_mib']:,} MiB | {r['load']} | {r['measured_at']} {r.get('code', '')} |"
        )
    runs = "/".join(sorted({str(v.get("runs", "?")) for v in m.values()}))
    load_runs = sorted(
        {(v["runs"], v["duration_s"]) for k, v in m.items() if k.startswith("load/")}
    )
    load_how = ", ".join(f"{r} × {d} s" for r, d in load_runs) or "--runs × --load-duration s"
    lines = [
        "## Scaling",
        "",
        f"`make bench` = `python -m bench.suite` (sizes {', '.join(label(n) for n in planned)}; "
        f"dashboard, naive aggregate, import, load and optimiser: median of {runs} runs; full refresh and "
        "generation: one run each; every benchmark in a fresh process; data sets are "
        "seeded and rebuilt identically; baselines measured in the same run; (×k) = growth "
        "against the smallest size measured). Load average (1, 5, 15 min) before → after each "
        f"measurement; the machine has {os.cpu_count()} cores shared with other work. Raw figures: "
        "`bench/scaling_results.json`; plot: `bench/scaling.png`.",
        "",
        "Coverage dashboard vs naive ORM aggregate (baseline), Kabupaten Lombok Timur (254 villages). "
        "Dashboard = server time of `GET /cakupan/52.03/` with the figures cache emptied before each request (the first visit after a write: reads the snapshots); "
        "repeat visit = the same page answered from the figures cache; a date under full refresh = measured in that earlier run (`--reuse-snapshots`):",
        "",
        "| database | participants | dashboard | repeat visit | naive aggregate | ratio | full refresh | generation | load | measured (code) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
        *cov_rows,
        "",
        "Import of a generated village-sheet CSV (the same file on both databases, each run into a fresh migrated database with the Lombok Timur areas), validate + commit vs polars only reading the file (baseline); peak memory is the importing process's max RSS (the PostgreSQL server's memory is not in it):",
        "",
        "| database | rows | accepted | validate + commit | rate | dry run | polars read | ratio | peak memory | load | measured (code) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
        *imp_rows,
        "",
        "Storage per row (table + indexes + TOAST; input for docs/national-scale.md):",
        "",
        "| database | table | rows | total | bytes/row |",
        "|---|---|---:|---:|---:|",
        *sto_rows,
        "",
        "Load (`bench/load_bench.py --database-url`): nginx (the proxy settings of deploy/nginx.conf) in front of gunicorn (as in deploy/gunicorn.conf.py) on 127.0.0.1, wrk, "
        f"50 users who each wait {LOAD_THINK.replace('-', '–')} ms between requests (the target mode), {LOAD_WARMUP_S} s warm-up, "
        f"median of {load_how}, signed in as the demo admin (whole regency), cycling through "
        "`/`, `/pekerja/`, `/kepesertaan/`, `/cakupan/52.03/`, `/daftar-kerja/` (each checked to answer 200 first). "
        "The data is the coverage data set of the same row (workers and memberships from `coverage_bench.py`, not "
        '`lindung demo`: no commitments, claims or change requests, so the worklist has less to count than in "Load" above). '
        "**No baseline:** there is no other web stack to measure against, so the last ratio is p95 / "
        f"{LOAD_TARGET_MS} ms, the target (p95 < {LOAD_TARGET_MS} ms and 0 errors = met), not a speed-up; "
        "errors = HTTP ≥ 400 and socket errors of all runs together:",
        "",
        f"| database | workers | req/s | p50 | p95 | p99 | errors | p95 / {LOAD_TARGET_MS} ms target | load | measured (code) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
        *load_rows,
        "",
    ]
    if load_rows:
        lines += [
            "Login brute force (7 wrong passwords for `bpjs` after the runs): "
            + (
                "not throttled in " + "; ".join(unthrottled)
                if unthrottled
                else "throttled in every row (HTTP codes " + " / ".join(sorted(login_codes)) + ")"
            )
            + ".",
            "",
        ]
    lines += [
        f"Funding optimiser (`bench/funding_optimiser_bench.py --no-mip`): HiGHS class LP + rounding vs the greedy "
        f"allocator (the baseline) on the same generated instance, {OPTIMISER_VILLAGES} villages, base budgets; "
        "ratio = optimiser wall / greedy wall (above 1 = the optimiser is slower; it buys the objective gain), "
        "certified gap = below the LP bound. It uses no database (the instance is built in memory from the tariff "
        "tables), so it runs once per size, not per database. Peak memory is the benchmark process's max RSS over "
        "both scenarios (the all-budgets-cut-by-20% scenario is in the JSON):",
        "",
        "| candidates | greedy wall | optimiser wall | ratio | objective gain | funded gain (greedy → optimiser) | certified gap | peak memory | load | measured (code) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
        *opt_rows,
        "",
    ]
    if missing:
        # not_run_note: what was measured outside the suite instead (kept across redraws).
        extra = data.get("not_run_note")
        lines += [
            "**Not run by the suite:** "
            + "; ".join(missing)
            + "."
            + (f" {extra}" if extra else ""),
            "",
        ]
    notes = data.get("notes")
    if notes:
        lines += [notes, ""]
    return "\n".join(lines)


def write_section(text: str) -> None:
    doc = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else "# Benchmark results\n"
    start = doc.find("## Scaling\n")
    if start >= 0:
        end = doc.find("\n## ", start + 1)
        doc = doc[:start] + text + (doc[end:] if end >= 0 else "")
    else:
        doc = doc.rstrip("\n") + "\n\n" + text
    RESULTS_MD.write_text(doc.rstrip("\n") + "\n", encoding="utf-8")


def plot(data: dict, databases: list[str]) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib tidak terpasang (pip install -e '.[bench]'); grafik dilewati.")
        return None
    m = data["measurements"]
    series = []
    for database in databases:
        for key, name in (("dashboard_ms", "dashboard"), ("naive_ms", "naive aggregate")):
            pts = sorted((int(k.rsplit("/", 1)[1]), v[key] / 1000) for k, v in m.items()
                         if k.startswith(f"coverage/{database}/") and v.get(key))  # fmt: skip
            series.append((f"{name} ({database})", pts))
        pts = sorted((int(k.rsplit("/", 1)[1]), v["full_refresh_s"]) for k, v in m.items()
                     if k.startswith(f"coverage/{database}/") and v.get("full_refresh_s"))  # fmt: skip
        series.append((f"full snapshot refresh ({database})", pts))
        pts = sorted((int(k.rsplit("/", 1)[1]), v["commit_s"]) for k, v in m.items()
                     if k.startswith(f"import/{database}/") and v.get("commit_s"))  # fmt: skip
        series.append((f"import validate+commit ({database})", pts))
        pts = sorted((int(k.rsplit("/", 1)[1]), v["p95_ms"] / 1000) for k, v in m.items()
                     if k.startswith(f"load/{database}/") and v.get("p95_ms"))  # fmt: skip
        series.append((f"load p95, 50 users ({database})", pts))
    # the optimiser uses no database: one line each for it and its greedy baseline
    no_db = {"optimiser_s": "optimiser (LP + rounding)", "greedy_s": "greedy allocator"}
    for key, name in no_db.items():
        pts = sorted((int(k.rsplit("/", 1)[1]), v[key]) for k, v in m.items()
                     if k.startswith("optimiser/") and v.get(key))  # fmt: skip
        series.append((name, pts))
    # polars only reads the file, no database: one line, from whichever runs measured it
    by_size: dict[int, list[float]] = {}
    for k, v in m.items():
        if k.startswith("import/") and k.split("/")[1] in databases and v.get("polars_s"):
            by_size.setdefault(int(k.rsplit("/", 1)[1]), []).append(v["polars_s"])
    series.append(
        (
            "polars read (import baseline)",
            sorted((n, statistics.median(t)) for n, t in by_size.items()),
        )
    )
    fig, ax = plt.subplots(figsize=(10, 5.5), dpi=110)
    ax.set_prop_cycle(color=plt.cm.tab20.colors)  # more lines than the default 10 colours
    for name, pts in series:
        if pts:
            style = "--" if "postgresql" in name else ":" if name in no_db.values() else "-"
            ax.plot([p[0] for p in pts], [p[1] for p in pts], style, marker="o", label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("workers / rows / candidates")
    ax.set_ylabel("seconds (median of runs; full refresh: one run; load: p95)")
    ax.set_title("Lindung: time against data size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(
        fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5)
    )  # beside, not on, the lines
    fig.tight_layout()
    fig.savefig(PLOT)
    plt.close(fig)
    return PLOT


def main(argv: list[str] | None = None) -> int:
    global PG_BASE, WRITE
    ap = argparse.ArgumentParser(prog="bench.suite", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help="e.g. 100k,1M,10M")
    ap.add_argument("--databases", default="sqlite,postgresql")
    ap.add_argument("--benches", default=DEFAULT_BENCHES, help=DEFAULT_BENCHES)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--import-max", type=parse_size, default=parse_size("10M"),
                    help="most rows imported (above 2M: in files of 2M rows into one database)")  # fmt: skip
    ap.add_argument("--load-duration", type=int, default=60, help="seconds of each load run")
    ap.add_argument("--reuse-snapshots", action="store_true",
                    help="coverage: re-measure dashboard and naive aggregate on existing data sets without a new full refresh (the last refresh figure is kept)")  # fmt: skip
    ap.add_argument("--optimiser-max", type=parse_size, default=parse_size("1M"),
                    help="most optimiser candidates (memory grows with them; see OPTIMISER_MEMORY)")  # fmt: skip
    ap.add_argument("--area", default="52.03",
                    help="coverage area; load measures /cakupan/52.03/ as the 52.03 admin")  # fmt: skip
    ap.add_argument("--postgres", default=PG_BASE,
                    help="server for the bench_scaling_<N> and bench_import_* databases (created when missing)")  # fmt: skip
    ap.add_argument("--report-only", action="store_true")
    ap.add_argument("--no-write", action="store_true",
                    help="print only: leave RESULTS.md, scaling_results.json and scaling.png alone")  # fmt: skip
    args = ap.parse_args(argv)
    PG_BASE = args.postgres.rstrip("/")
    WRITE = not args.no_write
    sizes = sorted(parse_size(s) for s in args.sizes.split(","))
    databases = [d.strip() for d in args.databases.split(",")]
    benches = {b.strip() for b in args.benches.split(",")}
    unknown = benches - set(DEFAULT_BENCHES.split(","))
    if unknown:
        ap.error(f"unknown benches: {', '.join(sorted(unknown))} (known: {DEFAULT_BENCHES})")
    WORK.mkdir(parents=True, exist_ok=True)
    data = load_results()
    if not args.report_only:
        for n in sizes:
            if "optimiser" in benches and n <= args.optimiser_max:
                print(f"== optimiser {label(n)} (load {load_average()}) ==", flush=True)
                record(data, f"optimiser/{n}", bench_optimiser(n, args.runs), args.runs)
            elif "optimiser" in benches:
                print(f"== optimiser {label(n)}: above --optimiser-max, not run ==", flush=True)
            for database in databases:
                if "coverage" in benches:
                    print(
                        f"== coverage {database} {label(n)} (load {load_average()}) ==", flush=True
                    )
                    record(
                        data,
                        f"coverage/{database}/{n}",
                        bench_coverage(database, n, args.runs, args.area, args.reuse_snapshots),
                        args.runs,
                    )
                if "import" in benches and n <= args.import_max:
                    print(f"== import {database} {label(n)} (load {load_average()}) ==", flush=True)
                    record(
                        data,
                        f"import/{database}/{n}",
                        bench_import(database, n, args.runs),
                        args.runs,
                    )
                if "load" in benches:
                    if not dataset_ready(database, n, args.area):
                        # Built (and measured) by the coverage bench, as when it runs first.
                        print(
                            f"== coverage {database} {label(n)}: data set for load ==", flush=True
                        )
                        record(
                            data,
                            f"coverage/{database}/{n}",
                            bench_coverage(database, n, args.runs, args.area),
                            args.runs,
                        )
                    print(f"== load {database} {label(n)} (load {load_average()}) ==", flush=True)
                    record(
                        data,
                        f"load/{database}/{n}",
                        bench_load(database, n, args.runs, args.load_duration),
                        args.runs,
                    )
    # Redrawn from the file as it is now: another suite process may have saved since.
    data = current_results()
    planned = sorted({*sizes, *(parse_size(s) for s in DEFAULT_SIZES.split(","))})
    # The report shows every database with results, not only the ones run now: a run of
    # `--databases postgresql` must not drop the SQLite rows from RESULTS.md and the plot.
    stored = {k.split("/")[1] for k in data["measurements"]}
    shown = [d for d in ("sqlite", "postgresql") if d in databases or d in stored]
    text = section(data, planned, shown, args.optimiser_max)
    print("\n" + text)
    png = plot(data, shown) if WRITE else None
    if png:
        print(f"grafik: {png.relative_to(ROOT)}")
    if not args.no_write:
        write_section(text)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv[1:]))

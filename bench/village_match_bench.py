"""Import-time possible duplicates across villages (issue 19): what the regency-wide pass costs.

    python -m bench village_match                       # 100k registry, 500 and 10,000 rows
    python -m bench village_match -- --registry 100000 --runs 3

A registry of --registry workers is committed once through the import (bench/import_bench.py's
generator); then a 500-row and a 10,000-row file of new people are previewed (dry run) with
the check as it is ("regency": the same-village blocks plus the regency pass through the
model's blocking rules) and with the regency pass switched off ("village only", the earlier
behaviour), alternating, each run in its own process, in the same run of this benchmark.
Databases and files live in var/bench_village_match/. `--database postgres://…` measures on
PostgreSQL (the database is emptied and filled).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import import_bench

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "bench_village_match"
MODES = ("village", "regency")


def worker(mode: str, file: str, db: str) -> None:
    import resource

    import_bench._setup_django(db)
    from lindung.imports import pipeline
    from lindung.imports.services import run_import

    if mode == "village":
        pipeline.regency_pairs = lambda *args, **kwargs: []
    load = os.getloadavg()[0]
    started = time.perf_counter()
    outcome, _ = run_import(Path(file).name, Path(file).read_bytes())
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pairs = len(outcome.pairs)
    cross = sum(1 for p in outcome.pairs if not p.other.in_file and p.other.village)
    print(json.dumps({"seconds": seconds, "peak_mib": peak, "pairs": pairs,
                      "registry_pairs": cross, "load": round(load, 2)}))  # fmt: skip


def _recreate(url: str) -> None:
    """Drop and create the PostgreSQL database (a flush would also drop the reference data
    that migrations seed)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _registry(size: int, database: str) -> str:
    """A database holding `size` committed workers; returns its path or URL."""
    WORK.mkdir(parents=True, exist_ok=True)
    import_bench.WORK = WORK
    if "://" in database:
        env = dict(os.environ, DATABASE_URL=database, DEBUG="0", SECRET_KEY="bench")
        lindung = [sys.executable, "-c", "from lindung.cli import main; main()"]
        _recreate(database)
        subprocess.run([*lindung, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        code = "from lindung.areas.services import load_areas; load_areas(prefix='52.03')"
        subprocess.run([*lindung, "shell", "-c", code], env=env, cwd=ROOT, check=True)
        target = database
    else:
        target = str(WORK / f"registry-{size}.sqlite3")
        if Path(target).exists():
            return target
        if not (WORK / f"registry-{size}.csv").exists():
            import_bench.write_csv(WORK / f"registry-{size}.csv", size, seed=4, start=0)
        shutil.copy(import_bench.template_db(), target)
    registry_file = WORK / f"registry-{size}.csv"
    if not registry_file.exists():
        import_bench.write_csv(registry_file, size, seed=4, start=0)
    cmd = [sys.executable, "-m", "bench.import_bench", "--worker", "commit",
           str(registry_file), target, str(size)]  # fmt: skip
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    return target


def _add_registry_copies(file: Path, registry_csv: Path, rows: int, share: float) -> int:
    """Append second entries of registered people, moved to another village, with two
    adjacent NIK serial digits swapped (the kind only the regency pass can find)."""
    import csv
    import random

    rnd = random.Random(rows)
    places = import_bench.villages()
    with registry_csv.open(encoding="utf-8-sig", newline="") as handle:
        registered = list(csv.reader(handle, delimiter=";"))[1:]
    copies = []
    for line in rnd.sample(registered, int(rows * share)):
        nik = line[1]
        if len(nik) != 16 or not nik.isdigit() or nik[13] == nik[14]:
            continue
        line = list(line)
        line[1] = nik[:13] + nik[14] + nik[13] + nik[15]
        _code, village, kecamatan = rnd.choice(places)
        line[5], line[6] = village, kecamatan
        copies.append(line)
    with file.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(copies)
    return len(copies)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registry", type=int, default=100_000)
    parser.add_argument("--rows", default="500,10000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", default="", help="postgres://… (default: SQLite files)")
    parser.add_argument("--worker", nargs=3, metavar=("MODE", "FILE", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(*args.worker)
        return 0
    db = _registry(args.registry, args.database)
    print(
        f"# registry of {args.registry:,} workers ready",
        "(PostgreSQL)" if args.database else "(SQLite)",
    )
    results = {}
    for rows in [int(r) for r in args.rows.split(",")]:
        # New people (serials after the registry's), with the generator's duplicate kinds.
        file = WORK / f"file-{rows}.csv"
        import_bench.write_csv(file, rows, seed=7, start=args.registry + 10_000)
        copies = _add_registry_copies(file, WORK / f"registry-{args.registry}.csv", rows, 0.02)
        print(f"# {rows} new rows + {copies} moved second entries of registered people")
        runs: dict[str, list[dict]] = {mode: [] for mode in MODES}
        for _ in range(args.runs):
            for mode in MODES:
                cmd = [sys.executable, "-m", "bench.village_match_bench", "--worker", mode,
                       str(file), db]  # fmt: skip
                proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
                if proc.returncode:
                    raise SystemExit(proc.stderr[-3000:])
                runs[mode].append(json.loads(proc.stdout.strip().splitlines()[-1]))
                print(f"  {rows} rows, {mode}: {runs[mode][-1]}", flush=True)
        results[rows] = runs
    print()
    print(
        "| file | check | median s (runs) | peak MiB | possible duplicates"
        " | of them in the registry | load |"
    )
    print("|---|---|---|---|---|---|---|")
    for rows, runs in results.items():
        for mode in MODES:
            items = runs[mode]
            secs = statistics.median(i["seconds"] for i in items)
            listed = ", ".join(f"{i['seconds']:.2f}" for i in items)
            print(
                f"| {rows:,} rows | {'village only' if mode == 'village' else 'regency'} | "
                f"{secs:.2f} ({listed}) | {statistics.median(i['peak_mib'] for i in items):,.0f} | "
                f"{items[0]['pairs']:,} | {items[0]['registry_pairs']:,} | "
                f"{statistics.median(i['load'] for i in items):.1f} |"
            )
        ratio = statistics.median(i["seconds"] for i in runs["regency"]) / statistics.median(
            i["seconds"] for i in runs["village"]
        )
        print(f"| {rows:,} rows | ratio regency / village only | {ratio:.2f} | | | | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

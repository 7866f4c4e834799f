# ruff: noqa: E501  (report table rows and name lists read better unwrapped)
"""Benchmark of the worker import (issue 4): rows/s for dry run and commit, peak memory, and
the ratio to (a) polars only reading the same file and (b) django-import-export importing the
same rows into the same model.

    python -m bench import                       # 1,000,000-row CSV + 100,000-row XLSX, 3 runs
    python -m bench import -- --rows 200000 --xlsx-rows 20000 --runs 3

Files and databases live in var/bench_import/ (generated once, reused). Every measurement runs
in a fresh subprocess (peak memory = that process's max RSS) against a copy of a migrated
SQLite database with the Lombok Timur areas; the commit runs start from an empty registry.
django-import-export (pip install django-import-export; benchmark only) is run on --iex-rows
clean rows, because at its speed a million rows would take hours; the ratio uses rows/s.

`python -m bench.import_bench --worker MODE FILE DB ROWS` is one measurement (MODE dry, commit,
polars or iex; DB a SQLite file or a postgres:// URL); bench/suite.py runs it on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "bench_import"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"

FIRST = [
    "Ahmad",
    "Baiq",
    "Lalu",
    "Siti",
    "Muhammad",
    "Nurul",
    "Rahmat",
    "Hadijah",
    "Zainal",
    "Sahnun",
    "Mardiah",
    "Jumadil",
    "Fathul",
    "Haerul",
    "Rukmini",
    "Sapturi",
    "Inaq",
    "Amaq",
    "Hasan",
    "Husni",
    "Saepul",
    "Zulkifli",
    "Rohimah",
    "Murniati",
]
LAST = [
    "Hidayat",
    "Zaini",
    "Aminah",
    "Hasanah",
    "Saleh",
    "Fauzi",
    "Marwan",
    "Rohani",
    "Sukri",
    "Hamdani",
    "Kartini",
    "Wardi",
    "Suhaili",
    "Murni",
    "Jaelani",
    "Nursiah",
    "Ilham",
    "Rahman",
    "Azhari",
    "Mulyadi",
    "Sahril",
    "Wahyuni",
]
JOBS = [
    "Buruh Tani",
    "buruh tani",
    "Petani Tembakau",
    "PETANI",
    "Pedagang",
    "Nelayan",
    "Wiraswasta",
    "Marbot Masjid",
    "Guru Ngaji",
    "Ojek",
    "Buruh Harian Lepas",
    "Tukang",
    "Pekerja Dapur MBG",
    "Kader Posyandu",
    "Ibu Rumah Tangga",
    "",
]
MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
HEADER = ["No", "No. KTP", "Nama Lengkap", "Jenis Kelamin", "Tanggal Lahir", "Desa/Kelurahan",
          "Kecamatan", "Pekerjaan", "Penghasilan", "No HP"]  # fmt: skip
EPOCH = dt.date(1899, 12, 30)


def _setup_django(db: str) -> None:
    """`db`: a SQLite file, or a database URL (postgres://..., used as it is)."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["DATABASE_URL"] = db if "://" in db else f"sqlite:///{db}"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    os.environ["MEDIA_ROOT"] = str(WORK / "media")
    import django

    django.setup()


# --- data ---------------------------------------------------------------------------------


def villages(regency: str = "52.03") -> list[tuple[str, str, str]]:
    sys.path.insert(0, str(ROOT / "src"))
    from lindung.areas.fixture import read_fixture

    rows = read_fixture(regency)
    kec = {code: name for code, name, *_ in rows if code.count(".") == 2}
    return [(code, name, kec[code[:8]]) for code, name, *_ in rows if code.count(".") == 3]


def generate(n: int, seed: int = 4, start: int = 0, regency: str = "52.03"):
    """Yield (clean, messy) rows: clean = typed values, messy = what a village sheet holds.
    `start`: row number (and NIK serial) of the first row, for the later files of a series."""
    sys.path.insert(0, str(ROOT / "src"))
    from lindung.workers.nik import compose_nik

    rnd = random.Random(seed)
    vill = villages(regency)
    people: list[tuple] = []
    for i in range(start, start + n):
        roll = rnd.random()
        if people and roll < 0.005:  # same NIK typed twice
            clean = rnd.choice(people)
            name = clean[1]
        elif people and roll < 0.008:  # the same person with a respelled name and another NIK
            base = rnd.choice(people)
            nik = base[0][:12] + f"{(int(base[0][12:]) % 9998) + 1:04d}"
            name = base[1].replace("Muhammad", "Muhamad").replace("h", "", 1)
            clean = (nik, name, *base[2:])
        else:
            sex = "L" if rnd.random() < 0.55 else "P"
            birth = dt.date(1960, 1, 1) + dt.timedelta(days=rnd.randrange(16400))
            code, vname, kname = rnd.choice(vill)
            nik = compose_nik(code[:8], birth, sex, i % 9999 + 1)
            name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
            if rnd.random() < 0.3:
                name = f"{name} {rnd.choice(LAST)}"
            income = rnd.choice(
                [None, 500_000, 750_000, 1_000_000, 1_500_000, 2_000_000, 3_250_000]
            )
            phone = "8" + str(rnd.randrange(10**9, 10**11))
            clean = (nik, name, sex, birth, code, vname, kname, rnd.choice(JOBS), income, phone)
            if len(people) < 50_000:
                people.append(clean)
            else:
                people[rnd.randrange(50_000)] = clean
        nik, name, sex, birth, code, vname, kname, job, income, phone = clean
        messy_nik = nik
        r = rnd.random()
        if r < 0.004:
            messy_nik = f"{int(nik) / 1e15:.5f}E+15"
        elif r < 0.006:
            messy_nik = nik[:15]
        shown_name = name.upper() if rnd.random() < 0.2 else name
        sex_text = rnd.choice(
            {"L": ["L", "Laki-laki", "l", "LK"], "P": ["P", "Perempuan", "p", "PR"]}[sex]
        )
        f = rnd.random()
        if f < 0.4:
            birth_text = birth.strftime("%d-%m-%Y")
        elif f < 0.6:
            birth_text = birth.strftime("%d/%m/%Y")
        elif f < 0.8:
            birth_text = birth.isoformat()
        elif f < 0.9:
            birth_text = str((birth - EPOCH).days)
        else:
            birth_text = f"{birth.day} {MONTHS[birth.month - 1]} {birth.year}"
        if rnd.random() < 0.003:
            birth_text = "31-02-" + str(birth.year)
        vtext = rnd.choice(["", "Desa ", "Ds. ", "DESA ", "Kel. "]) + rnd.choice(
            [vname, vname.upper(), vname.lower()]
        )
        if rnd.random() < 0.002:
            vtext = "Desa Tidak Ada"
        ktext = kname if rnd.random() < 0.5 else ""
        if income is None:
            itext = ""
        else:
            itext = rnd.choice(
                [
                    f"Rp {income:,}".replace(",", "."),
                    str(income),
                    f"{income / 1e6:g} jt".replace(".", ","),
                    f"Rp{income:,},-".replace(",", "."),
                ]
            )
        p = rnd.random()
        ptext = (
            "0" + phone
            if p < 0.5
            else ("+62 " + phone if p < 0.7 else ("" if p < 0.9 else phone[:5]))
        )
        messy = [
            str(i + 1),
            messy_nik,
            shown_name,
            sex_text,
            birth_text,
            vtext,
            ktext,
            job,
            itext,
            ptext,
        ]
        yield clean, messy


def write_csv(path: Path, n: int, seed: int = 4, start: int = 0, regency: str = "52.03") -> None:
    import csv

    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        for _clean, messy in generate(n, seed, start, regency):
            writer.writerow(messy)


def write_xlsx(path: Path, n: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Data")
    date_fmt = book.add_format({"num_format": "dd-mm-yyyy"})
    sheet.write_row(0, 0, HEADER)
    for r, (clean, messy) in enumerate(generate(n), start=1):
        for c, value in enumerate(messy):
            if c == 4 and r % 3 == 0 and not value.startswith("31-02"):
                sheet.write_datetime(r, c, dt.datetime.combine(clean[3], dt.time()), date_fmt)
            elif c == 8 and value.isdigit():
                sheet.write_number(r, c, int(value))
            else:
                sheet.write_string(r, c, value)
    book.close()


def template_db() -> Path:
    db = WORK / "template.sqlite3"
    if db.exists():
        return db
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{db}", DEBUG="0", SECRET_KEY="bench")
    lindung = [sys.executable, "-c", "from lindung.cli import main; main()"]
    subprocess.run([*lindung, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    code = "from lindung.areas.services import load_areas; load_areas(prefix='52.03')"
    subprocess.run([*lindung, "shell", "-c", code], env=env, check=True, cwd=ROOT)
    return db


# --- one measurement per subprocess -------------------------------------------------------


# Functions of one commit timed on their own (bench/import_growth_bench.py reads these):
# (module, attribute, label). Nested ones overlap their callers; the rest of "commit_outcome"
# is the history rows' INSERT ... SELECT and the transaction's COMMIT.
PHASES = [
    ("lindung.imports.pipeline", "_existing_niks", "nik_check"),
    ("lindung.imports.pipeline", "_registry_finder", "village_blocks_read"),
    ("lindung.imports.pipeline", "_find_possible_duplicates", "duplicate_check"),
    ("lindung.imports.dedup.RegencyCandidates", "load", "regency_read"),
    ("lindung.imports.pipeline", "regency_pairs", "regency_pass"),
    ("lindung.imports.services", "commit_outcome", "commit_outcome"),
    ("lindung.imports.commit", "with_name_words", "name_words"),
    ("lindung.imports.commit", "_copy_rows", "copy_workers"),
    ("lindung.imports.commit", "_queue_duplicates", "queue_duplicates"),
    ("lindung.imports.commit", "_tally_workers", "tallies"),
    ("lindung.imports.commit", "bulk_written", "data_changed"),
    ("lindung.imports.commit", "analyze", "analyze"),
]


def _time_phases() -> dict[str, float]:
    """Wrap the PHASES functions so each adds its wall time to the returned dict."""
    import functools
    import importlib

    spent: dict[str, float] = {}

    def timed(fn, label):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - start

        return wrapper

    for where, name, label in PHASES:
        try:
            owner = importlib.import_module(where)
        except ModuleNotFoundError:  # a class: module.Class
            module, _, cls = where.rpartition(".")
            owner = getattr(importlib.import_module(module), cls)
        setattr(owner, name, timed(getattr(owner, name), label))
    return spent


def worker(mode: str, file: str, db: str, rows: int) -> None:
    """One measurement, JSON on the last line of stdout. `db`: a SQLite file or a database URL
    (bench/suite.py passes a scratch PostgreSQL database); peak memory and CPU are this
    process's only, so on PostgreSQL the server's own work is not in them."""
    import resource

    _setup_django(db)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    result: dict = {}
    phases = _time_phases() if mode in {"dry", "commit"} else {}
    if mode in {"dry", "commit"}:
        from lindung.imports.services import run_import

        outcome, _ = run_import(Path(file).name, Path(file).read_bytes(), commit=mode == "commit")
        elapsed = time.perf_counter() - started  # the count below is the bench's, not the import's
        result = {
            k: v for k, v in outcome.as_json().items() if k in ("rows", "accepted", "rejected")
        }
        from lindung.workers.models import Worker

        result["in_db"] = Worker.objects.count()
    elif mode == "polars":
        import polars as pl

        if file.endswith(".csv"):
            result = {"rows": pl.read_csv(file, separator=";", infer_schema=False).height}
        else:  # the reader the import uses for spreadsheets (polars.read_excel needs fastexcel)
            from python_calamine import CalamineWorkbook

            sheet = CalamineWorkbook.from_path(file).get_sheet_by_index(0)
            result = {"rows": len(sheet.to_python(skip_empty_area=False)) - 1}
    elif mode == "iex":
        result = _django_import_export(rows)
    result["seconds"] = elapsed if mode in {"dry", "commit"} else time.perf_counter() - started
    if phases:
        result["phases"] = {label: round(s, 2) for label, s in phases.items()}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["peak_mib"] = usage.ru_maxrss / 1024
    # user + sys of the whole process (every thread), so the CPU cost is visible under load.
    result["cpu"] = usage.ru_utime + usage.ru_stime
    result["load"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    print(json.dumps(result))


def _django_import_export(n: int) -> dict:
    import tablib
    from import_export import fields, resources, widgets

    from lindung.workers.models import Sector, Worker

    sector = Sector.objects.order_by("pk").first()

    class WorkerResource(resources.ModelResource):
        village = fields.Field(attribute="village_id", column_name="village")
        sector = fields.Field(attribute="sector", column_name="sector",
                              widget=widgets.ForeignKeyWidget(Sector, "pk"))  # fmt: skip

        class Meta:
            model = Worker
            fields = (
                "nik",
                "name",
                "sex",
                "birth_date",
                "village",
                "sector",
                "monthly_income",
                "phone",
            )
            import_id_fields = ("nik",)

    data = tablib.Dataset(headers=["nik", "name", "sex", "birth_date", "village", "sector",
                                   "monthly_income", "phone"])  # fmt: skip
    seen = set()
    for clean, _messy in generate(n * 2):
        if clean[0] in seen:
            continue
        seen.add(clean[0])
        nik, name, sex, birth, code, _v, _k, _job, income, phone = clean
        data.append(
            [nik, name, sex, birth.isoformat(), code, sector.pk, income or "", "+62" + phone]
        )
        if len(data) >= n:
            break
    started = time.perf_counter()
    outcome = WorkerResource().import_data(
        data, dry_run=False, raise_errors=True, use_transactions=True
    )
    seconds = time.perf_counter() - started
    return {"rows": len(data), "imported": Worker.objects.count(), "iex_seconds": seconds,
            "totals": {k: v for k, v in outcome.totals.items() if v}}  # fmt: skip


def measure(mode: str, file: Path, runs: int, rows: int = 0) -> list[dict]:
    out = []
    for i in range(runs):
        db = WORK / f"run-{mode}-{i}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        shutil.copy(template_db(), db)
        cmd = [
            sys.executable,
            "-m",
            "bench.import_bench",
            "--worker",
            mode,
            str(file),
            str(db),
            str(rows),
        ]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if proc.returncode:
            raise SystemExit(f"{mode} gagal:\n{proc.stderr[-3000:]}")
        out.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(f"  {mode:6} {file.name}: {out[-1]}", flush=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
    return out


def median(items: list[dict], key: str) -> float:
    return statistics.median(i[key] for i in items)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="import_bench")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--iex-rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    csv_file = WORK / f"workers_{args.rows}.csv"
    xlsx_file = WORK / f"workers_{args.xlsx_rows}.xlsx"
    if not csv_file.exists():
        print(f"membuat {csv_file.name} …", flush=True)
        write_csv(csv_file, args.rows)
    if not xlsx_file.exists():
        print(f"membuat {xlsx_file.name} …", flush=True)
        write_xlsx(xlsx_file, args.xlsx_rows)
    template_db()
    iex = measure("iex", csv_file, args.runs, args.iex_rows)
    iex_rate = statistics.median(r["rows"] / r["iex_seconds"] for r in iex)
    lines, runs_lines, loads = [], [], []
    for file in (csv_file, xlsx_file):
        dry = measure("dry", file, args.runs)
        com = measure("commit", file, args.runs)
        pol = measure("polars", file, args.runs)
        loads += [x for r in (*dry, *com) for x in r["load"]]
        rows = dry[0]["rows"]
        commit_rate = rows / median(com, "seconds")
        lines.append(
            f"| {file.name} ({file.stat().st_size / 2**20:.0f} MiB) | {rows:,} | "
            f"{com[0]['accepted']:,} | {median(dry, 'seconds'):.1f} s ({rows / median(dry, 'seconds'):,.0f}/s) | "
            f"{median(dry, 'cpu'):.1f} s | "
            f"**{median(com, 'seconds'):.1f} s** ({commit_rate:,.0f}/s) | {median(com, 'cpu'):.1f} s | "
            f"{max(median(dry, 'peak_mib'), median(com, 'peak_mib')):,.0f} MiB | "
            f"{median(pol, 'seconds'):.2f} s (×{median(com, 'seconds') / median(pol, 'seconds'):.0f}) | "
            f"×{commit_rate / iex_rate:.0f} |"
        )
        for label, items in (("dry run", dry), ("validate + commit", com)):
            runs_lines.append(
                f"| {file.name} | {label} | "
                + ", ".join(f"{r['seconds']:.1f}" for r in items)
                + " | "
                + ", ".join(f"{r['cpu']:.1f}" for r in items)
                + " | "
                + ", ".join(f"{r['load'][0]:.1f}→{r['load'][1]:.1f}" for r in items)
                + " |"
            )
    table = "\n".join([
        "| file | rows | accepted | dry run (wall) | dry run (CPU) | validate + commit (wall) | validate + commit (CPU) | peak memory | read only: polars / calamine (commit ÷ read) | vs django-import-export (rows/s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *lines,
    ])  # fmt: skip
    runs_table = "\n".join([
        "| file | mode | wall per run (s) | CPU per run (s) | load average (1 min) at start→end |",
        "|---|---|---|---|---|",
        *runs_lines,
    ])  # fmt: skip
    section = (
        (
            "## Import\n\n"
            f"`python -m bench import` ({dt.datetime.now():%Y-%m-%d %H:%M}; {os.cpu_count()} cores, SQLite WAL, "
            f"median of {args.runs} runs, each in a fresh process; CPU = user + sys of that process, all threads; "
            f"peak = its max RSS). Load average during the runs: {min(loads):.1f}–{max(loads):.1f} "
            "(other helpers' test suites and benchmarks on the same 2 cores).\n\n"
            f"{table}\n\n"
            f"{runs_table}\n\n"
            f"django-import-export {_iex_version()} (default ModelResource, import_id_fields=nik, same "
            f"Worker model with history, clean typed rows, no normalisation): "
            f"{iex_rate:,.0f} rows/s on {args.iex_rows:,} rows (median of {args.runs}).\n"
        )
        .replace(",", "\u202f")
        .replace("\u202f ", ", ")
    )
    print("\n" + section)
    if not args.no_write:
        _write_section(section)
    return 0


def _iex_version() -> str:
    try:
        from importlib.metadata import version

        return version("django-import-export")
    except Exception:
        return "?"


def _write_section(section: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    start = text.find("## Import\n")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        raise SystemExit(main(sys.argv[1:]))

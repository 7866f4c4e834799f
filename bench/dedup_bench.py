# ruff: noqa: E501, SIM905  (generator tables and report rows read better unwrapped)
"""Benchmark: person matching (lindung.national.model) against exact-NIK matching and a plain
Splink model, on a seeded NTB-like registry the model was not written against.

    .venv/bin/python bench/dedup_bench.py [--records 100000] [--methods exact,plain,model]
    python -m bench dedup -- --records 100000

The generator (`generate`) makes people in the ten regencies of NTB (kecamatan codes, villages,
NIKs whose serial counts up per kecamatan and birth date, Sasak and Muslim names with titles),
then adds, for ~3% of rows, a second entry of someone in another village or regency with one
of six defects, and hard negatives that must not match: twins (same kecamatan, birth date and
family name, consecutive NIK serials), namesakes (the same name, another person) and father/son
(same name, same kecamatan, a generation apart). Each method runs in its own process (time and
peak memory are that process's, from reading the generated file to the list of pairs) with
DuckDB on 2 threads, and is scored on pairs: recall overall and per defect, precision, and the
hard negatives it wrongly joins.

`plain` is a Splink model without this project's knowledge: NIK by Levenshtein (exact, 1, 2
edits), whole name by Jaro-Winkler (0.92, 0.80), exact sex and birth date, a fixed prior of
1e-5, blocking on NIK, its first 12 digits, or birth date + first four letters of the name.
`--json` prints one JSON object on stdout; `--write` puts the table into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
WORK = ROOT / "var" / "bench_dedup"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"

# Regencies of NTB: code, kecamatan count, population weight (BPS 2023, thousands).
REGENCIES = [
    ("5201", 10, 736), ("5202", 12, 1062), ("5203", 21, 1400), ("5204", 24, 534),
    ("5205", 8, 256), ("5206", 18, 522), ("5207", 8, 155), ("5208", 5, 253),
    ("5271", 6, 438), ("5272", 5, 161),
]  # fmt: skip
MALE = ("Ahmad Ali Hasan Husen Abdullah Zainal Saiful Fathurrahman Abdurrahman Zulkifli Yusuf "
        "Rahmat Hamdan Sukri Marwan Wardi Jaelani Ilham Azhari Mulyadi Sahnun Suhaili Hamdani "
        "Sapturi Husni Amrullah Lukman Ridwan Salman Habibi Junaidi Mahsun Syamsul Khairul Arif "
        "Budi Agus Dedi Heri Joko Samsudin Nasrullah Kurniawan Syahril Taufik Hairul Rusdi "
        "Masnun Munawir Jumadil Sarapudin Hirsan Mustiadi Rusni Supardi Amir Mahrup Sahrul "
        "Mujahid Fauzan Hadi Rizal Sudirman Ramli Burhan Maksum Nasir Zakaria Umar Usman "
        "Ismail Ibrahim Yahya Idris Harun Musa Daud Sulaiman Khalid Bahrul Saleh").split()  # fmt: skip
FEMALE = ("Aminah Hasanah Rohani Kartini Nursiah Rukmini Hadijah Rohimah Murniati Mardiah Aini "
          "Hidayati Sumiati Sri Wahyuni Fitri Lestari Ratna Yuliana Sahnun Rahmawati Maesarah "
          "Zohriah Saodah Juariah Habibah Sumarni Rabiah Sukmawati Mariani Nurhayati Fatimah "
          "Zuhriah Hartini Musliah Suhartini Kamariah Nuraini Julaeha Salmah Herniwati Sulastri "
          "Marhamah Rahmah Baiti Umi Mahnun Ernawati Jumiati Parida Hikmah Mutmainah Rosdiana "
          "Nurlaila Halimah Zaenab Asiah Maryam Khairunnisa Sakinah Wardah Salwa Nadia Laila").split()  # fmt: skip
SURNAME = ("Hidayat Fauzi Hamdani Wardi Jaelani Ilham Azhari Mulyadi Basri Rahman Hakim Ridho "
           "Maulana Saputra Kurniawan Wijaya Pratama Hamzah Syukri Fikri Rizki Anwar Fadli Arif "
           "Zaini Majid Rasyid Kholik Hafiz Munir Nawawi Sanusi Mahmud Effendi Rosyidi Hanafi "
           "Maliki Syafii Hambali Subki Mansur Syarif Amin Bakri Thohir Mukhtar Hasyim Zubair "
           "Ghazali Junaidi Badri Qomari Sobri Faozan Marzuki Tamrin Sahidin Sapii Masrun").split()  # fmt: skip
RESPELL = {"muhammad": ["Muhamad", "Moh.", "M.", "Mohammad"], "ahmad": ["Achmad", "Akhmad"],
           "nurul": ["Nur"], "siti": ["St."], "zainal": ["Zaenal"], "saiful": ["Saepul", "Syaiful"],
           "yusuf": ["Yusup"], "fatimah": ["Patimah"], "hadijah": ["Khadijah"],
           "rohimah": ["Rahimah"], "zulkifli": ["Julkifli"]}  # fmt: skip
KINDS = ("transposed_nik", "nik_typo", "day_month_swap", "respelled_first", "dropped_title",
         "moved")  # fmt: skip
NEGATIVES = ("twins", "namesake", "father_son")
DUP_SHARE, NEG_SHARE = 0.03, 0.005  # rows that are duplicates; pairs per hard-negative kind


def nik_of(kec: str, birth: dt.date, sex: str, serial: int) -> str:
    day = birth.day + (40 if sex == "P" else 0)
    return f"{kec}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def typo(word: str, rnd: random.Random) -> str:
    """One vowel changed the way village sheets spell it (Saepul/Saipul, Rohani/Ruhani)."""
    swaps = {"a": "e", "e": "a", "i": "e", "u": "o", "o": "u"}
    spots = [i for i, c in enumerate(word) if c in swaps and i > 0]
    if not spots:
        return word + word[-1]
    i = rnd.choice(spots)
    return word[:i] + swaps[word[i]] + word[i + 1 :]


class Registry:
    def __init__(self, seed: int):
        self.rnd = random.Random(seed)
        self.rows: list[dict] = []
        self.serial: dict[tuple[str, str], int] = {}
        weights = [w for _, _, w in REGENCIES]
        self.regency_weights = weights

    def place(self, exclude_regency: str | None = None) -> tuple[str, str]:
        while True:
            code, kecs, _ = self.rnd.choices(REGENCIES, self.regency_weights)[0]
            if code != exclude_regency:
                break
        kec = f"{code}{self.rnd.randint(1, kecs):02d}"
        return kec, f"{kec}{2000 + self.rnd.randint(1, 12):04d}"

    def birth(self, lo: int = 1960, hi: int = 2006) -> dt.date:
        start = dt.date(lo, 1, 1)
        return start + dt.timedelta(days=self.rnd.randrange((dt.date(hi, 12, 31) - start).days))

    def name(self, sex: str, birth: dt.date) -> tuple[str, str]:
        rnd = self.rnd
        title = ""
        if sex == "L":
            r = rnd.random()
            title = "Lalu" if r < 0.08 else "H." if r < 0.12 and birth.year < 1980 else "Amaq" if r < 0.15 else ""  # fmt: skip
            first = "Muhammad" if rnd.random() < 0.15 else rnd.choice(MALE)
        else:
            r = rnd.random()
            title = "Baiq" if r < 0.08 else "Hj." if r < 0.11 and birth.year < 1980 else "Inaq" if r < 0.14 else ""  # fmt: skip
            first = "Siti" if rnd.random() < 0.12 else "Nurul" if rnd.random() < 0.07 else rnd.choice(FEMALE)  # fmt: skip
        pool = MALE if sex == "L" else FEMALE
        rest = [rnd.choice(pool)] if rnd.random() < 0.5 else []
        rest.append(rnd.choice(SURNAME))
        return title, " ".join([first, *rest])

    def add(self, kec: str, village: str, birth: dt.date, sex: str, title: str, given: str, **kw) -> dict:  # fmt: skip
        row = {
            "unique_id": f"r{len(self.rows)}",
            "regency": kec[:4],
            "village": village,
            "nik": self.next_nik(kec, birth, sex),
            "name": f"{title} {given}".strip(),
            "title": title,
            "given": given,
            "birth_date": birth.isoformat(),
            "sex": sex,
            **kw,
        }
        self.rows.append(row)
        return row

    def next_nik(self, kec: str, birth: dt.date, sex: str) -> str:
        """Serials count up per kecamatan and birth date (twins get consecutive ones)."""
        key = (kec, nik_of(kec, birth, sex, 0)[6:12])
        self.serial[key] = self.serial.get(key, 0) + 1
        return nik_of(kec, birth, sex, self.serial[key])

    def person(self) -> dict:
        sex = self.rnd.choice("LP")
        birth = self.birth()
        kec, village = self.place()
        title, given = self.name(sex, birth)
        return self.add(kec, village, birth, sex, title, given)


def duplicate(reg: Registry, kind: str, rnd: random.Random) -> dict | None:
    """A second entry of a random earlier person with one defect, or None to draw again."""
    orig = rnd.choice(reg.rows)
    if orig.get("copy_of") or orig.get("used"):
        return None
    nik, birth, title, given = orig["nik"], orig["birth_date"], orig["title"], orig["given"]
    if kind == "transposed_nik":
        spots = [i for i in range(15) if nik[i] != nik[i + 1]]
        i = rnd.choice(spots)
        nik = nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]
    elif kind == "nik_typo":
        i = rnd.randrange(16)
        nik = nik[:i] + rnd.choice([d for d in "0123456789" if d != nik[i]]) + nik[i + 1 :]
    elif kind == "day_month_swap":
        day = dt.date.fromisoformat(birth)
        if day.day > 12 or day.day == day.month:
            return None
        birth = day.replace(day=day.month, month=day.day).isoformat()
    elif kind == "respelled_first":
        words = given.split()
        options = RESPELL.get(words[0].lower())
        words[0] = rnd.choice(options) if options and rnd.random() < 0.7 else typo(words[0], rnd)
        given = " ".join(words)
    elif kind == "dropped_title":
        if not title:
            return None
        title = ""
    exclude = orig["regency"] if kind == "moved" or rnd.random() < 0.6 else None
    kec, village = reg.place(exclude_regency=exclude)
    name = f"{title} {given}".strip()
    if rnd.random() < 0.3:
        name = name.upper()
    orig["used"] = True
    row = {
        **orig,
        "unique_id": f"r{len(reg.rows)}",
        "regency": village[:4],
        "village": village,
        "nik": nik,
        "name": name,
        "birth_date": birth,
        "copy_of": orig["unique_id"],
        "kind": kind,
    }
    reg.rows.append(row)
    return row


def negatives(reg: Registry, kind: str, rnd: random.Random) -> tuple[dict, dict]:
    a = reg.person()
    if kind == "twins":
        birth = dt.date.fromisoformat(a["birth_date"])
        kec = a["nik"][:6]
        words = a["given"].split()
        pool = MALE if a["sex"] == "L" else FEMALE
        first = rnd.choice([w for w in pool if w.lower() != words[0].lower()])
        b = reg.add(kec, a["village"], birth, rnd.choice("LP") if rnd.random() < 0.3 else a["sex"],
                    a["title"], " ".join([first, *words[1:]]))  # fmt: skip
    elif kind == "namesake":
        kec, village = reg.place()
        b = reg.add(kec, village, reg.birth(), a["sex"], a["title"], a["given"])
    else:  # father_son: the son keeps the father's name; the father went on the hajj
        sex = "L"
        son_birth = reg.birth(1985, 2006)
        father_birth = son_birth - dt.timedelta(days=rnd.randint(20 * 365, 38 * 365))
        kec, village = a["nik"][:6], a["village"]
        given = a["given"]
        b = reg.add(kec, village, father_birth, sex, "H.", given)
        a.update(sex=sex, title="")
        a["nik"] = reg.next_nik(kec, son_birth, sex)
        a["birth_date"] = son_birth.isoformat()
        a["name"] = given
    a["negative"] = b["negative"] = kind
    return a, b


def generate(n: int, seed: int = 19) -> tuple[list[dict], dict[tuple[str, str], str], dict]:
    """Rows, true pairs -> defect, hard-negative pairs -> kind."""
    reg = Registry(seed)
    rnd = random.Random(seed + 1)
    n_dup = int(n * DUP_SHARE)
    n_neg = int(n * NEG_SHARE)
    neg_pairs: dict[tuple[str, str], str] = {}
    for kind in NEGATIVES:
        for _ in range(n_neg):
            a, b = negatives(reg, kind, rnd)
            neg_pairs[tuple(sorted((a["unique_id"], b["unique_id"])))] = kind
    while len(reg.rows) < n - n_dup:
        reg.person()
    truth: dict[tuple[str, str], str] = {}
    i = 0
    while len(truth) < n_dup:
        row = duplicate(reg, KINDS[i % len(KINDS)], rnd)
        if row is not None:
            truth[tuple(sorted((row["unique_id"], row["copy_of"])))] = row["kind"]
            i += 1
    return reg.rows, truth, neg_pairs


# --- methods ---------------------------------------------------------------------------------


def run_exact(records: list[dict]) -> set[tuple[str, str]]:
    by_nik: dict[str, list[str]] = {}
    for r in records:
        by_nik.setdefault(r["nik"], []).append(r["unique_id"])
    pairs = set()
    for ids in by_nik.values():
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                pairs.add(tuple(sorted((a, b))))
    return pairs


def plain_settings():
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    nik = cl.LevenshteinAtThresholds("nik", [1, 2])
    name = cl.JaroWinklerAtThresholds("name", [0.92, 0.80])
    sex = cl.ExactMatch("sex")
    birth = cl.ExactMatch("birth_date")
    nik.configure(m_probabilities=[0.70, 0.20, 0.05, 0.05], u_probabilities=[1e-7, 1e-4, 1e-3, 1 - 1.1001e-3])  # fmt: skip
    name.configure(m_probabilities=[0.60, 0.30, 0.09, 0.01], u_probabilities=[0.002, 0.01, 0.05, 0.938])  # fmt: skip
    sex.configure(m_probabilities=[0.98, 0.02], u_probabilities=[0.5, 0.5])
    birth.configure(m_probabilities=[0.95, 0.05], u_probabilities=[1 / 15000, 1 - 1 / 15000])
    return SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("substr(nik, 1, 12)"),
            block_on("nik"),
            block_on("birth_date", "substr(name, 1, 4)"),
        ],  # fmt: skip
        comparisons=[nik, name, sex, birth],
        probability_two_random_records_match=1e-5,
    )


def run_plain(records: list[dict]) -> set[tuple[str, str]]:
    import pyarrow as pa
    from splink import Linker

    from lindung.core.personnames import normalise
    from lindung.national import model

    cache: dict = {}

    def norm(name: str) -> str:
        if name not in cache:
            cache[name] = " ".join(w for w in normalise(name).core.split())
        return cache[name]

    cols = ("unique_id", "nik", "birth_date", "sex")
    data = {c: [r[c] for r in records] for c in cols}
    data["name"] = [norm(r["name"]) for r in records]
    api = model.duckdb_api()
    linker = Linker(api.register(pa.table(data)), plain_settings(), log_level="WARNING")
    frame = linker.inference.predict(threshold_match_probability=0.95)
    rel = frame.as_duckdbpyrelation().project("unique_id_l, unique_id_r").fetchall()
    return {tuple(sorted((a, b))) for a, b in rel}


def run_model(records: list[dict]) -> set[tuple[str, str]]:
    from lindung.national import model

    return {(p.left, p.right) for p in model.predict(records)}


METHODS = {"exact": run_exact, "plain": run_plain, "model": run_model}
LABELS = {"exact": "exact NIK", "plain": "plain Splink", "model": "lindung.national.model"}


def worker(method: str, path: str) -> dict:
    import pyarrow.parquet as pq

    started = time.perf_counter()
    cpu = time.process_time()
    table = pq.read_table(path, columns=["unique_id", "regency", "nik", "name", "birth_date", "sex"])  # fmt: skip
    # The model reads Arrow columns as they are; the other methods take one dict per record.
    records = table if method == "model" else table.to_pylist()
    pairs = METHODS[method](records)
    return {
        "pairs": sorted(pairs),
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def score(pairs: set, truth: dict, neg: dict) -> dict:
    found = pairs & truth.keys()
    per_kind = {}
    for kind in KINDS:
        total = sum(1 for k in truth.values() if k == kind)
        hit = sum(1 for p in found if truth[p] == kind)
        per_kind[kind] = hit / total if total else None
    false = {kind: sum(1 for p in pairs if neg.get(p) == kind) for kind in NEGATIVES}
    return {
        "predicted": len(pairs),
        "true_pairs": len(truth),
        "recall": len(found) / len(truth),
        "precision": len(found) / len(pairs) if pairs else 1.0,
        "recall_by_kind": per_kind,
        "false_by_negative": false,
        "negatives": {kind: sum(1 for k in neg.values() if k == kind) for kind in NEGATIVES},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--methods", default="exact,plain,model")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--write", action="store_true", help="add the table to bench/RESULTS.md")
    ap.add_argument("--worker", nargs=2, metavar=("METHOD", "PARQUET"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return 0
    import pyarrow as pa
    import pyarrow.parquet as pq

    WORK.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    rows, truth, neg = generate(args.records, args.seed)
    path = WORK / f"records_{args.records}_{args.seed}.parquet"
    cols = ("unique_id", "regency", "village", "nik", "name", "birth_date", "sex")
    pq.write_table(pa.table({c: [r[c] for r in rows] for c in cols}), path)
    print(f"# Person matching: {len(rows):,} records, {len(truth):,} true pairs, generated in "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)  # fmt: skip
    results = {}
    for method in args.methods.split(","):
        runs = []
        for _ in range(args.runs):
            env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
            cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", method, str(path)]
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
            if proc.returncode:
                print(proc.stderr[-3000:], file=sys.stderr)
                return 1
            out = json.loads(proc.stdout.strip().splitlines()[-1])
            runs.append(out)
        pairs = {tuple(p) for p in runs[0]["pairs"]}
        result = score(pairs, truth, neg)
        result["seconds"] = statistics.median(r["seconds"] for r in runs)
        result["seconds_runs"] = [round(r["seconds"], 2) for r in runs]
        result["peak_mib"] = statistics.median(r["peak_mib"] for r in runs)
        results[method] = result
        print(line(method, result), file=sys.stderr, flush=True)
    report = {"records": len(rows), "seed": args.seed, "runs": args.runs,
              "load": os.getloadavg()[0], "methods": results}  # fmt: skip
    if args.json:
        print(json.dumps(report))
    if args.write:
        write(report)
    return 0


def line(method: str, r: dict) -> str:
    kinds = " ".join(f"{k}={v:.3f}" for k, v in r["recall_by_kind"].items() if v is not None)
    false = " ".join(f"{k}={v}" for k, v in r["false_by_negative"].items())
    return (f"{LABELS[method]:24} recall {r['recall']:.4f} precision {r['precision']:.4f} "
            f"pairs {r['predicted']:,} {r['seconds']:.1f} s {r['peak_mib']:,.0f} MiB | {kinds} | "
            f"hard negatives joined: {false}")  # fmt: skip


def write(report: dict) -> None:
    n = report["records"]
    head = f"### {n:,} records (seed {report['seed']}, {report['runs']} run(s), load {report['load']:.1f})"  # fmt: skip
    rows = [head, "",
            "| method | recall | precision | pairs | time | peak memory | " + " | ".join(KINDS) + " | " + " | ".join(f"{k} joined" for k in NEGATIVES) + " |",  # fmt: skip
            "|---" * (6 + len(KINDS) + len(NEGATIVES)) + "|"]  # fmt: skip
    for method, r in report["methods"].items():
        kinds = " | ".join(f"{r['recall_by_kind'][k]:.3f}" for k in KINDS)
        false = " | ".join(f"{r['false_by_negative'][k]} of {r['negatives'][k]}" for k in NEGATIVES)  # fmt: skip
        rows.append(f"| {LABELS[method]} | {r['recall']:.4f} | {r['precision']:.4f} | {r['predicted']:,} | "
                    f"{r['seconds']:.1f} s | {r['peak_mib']:,.0f} MiB | {kinds} | {false} |")  # fmt: skip
    runs = "; ".join(f"{LABELS[m]} {', '.join(f'{t:.2f}' for t in r['seconds_runs'])} s" for m, r in report["methods"].items())  # fmt: skip
    rows[2:2] = [f"Runs (wall): {runs}.", ""]
    block = "\n".join(rows) + "\n"
    text = RESULTS.read_text(encoding="utf-8")
    marker = "## Person matching"
    if marker not in text:
        text += f"\n{marker}\n\n"
    start = text.index(marker)
    end = text.find("\n## ", start + 1)
    section = text[start:] if end < 0 else text[start:end]
    key = f"### {n:,} records"
    if key in section:
        s = section.index(key)
        e = section.find("\n### ", s + 1)
        section = section[:s] + block + ("" if e < 0 else section[e:])
    else:
        section = section.rstrip("\n") + "\n\n" + block
    text = text[:start] + section + ("" if end < 0 else text[end:])
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

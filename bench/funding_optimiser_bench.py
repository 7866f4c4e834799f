"""Benchmark: funding optimiser (HiGHS class LP + rounding) vs the greedy baseline.

254 villages x 300,000 candidates, sources = Dana Desa per village (70% of villages), APBD
(8 months, desil 1-4), DBHCHT (tobacco sectors), APBD provinsi and one CSR programme. Costs come
from the real tariff tables (enrollment migrations are applied to a throw-away SQLite database)
and weights from the seeded WeightPolicy. Reports objective values and times (median of runs)
for both methods in the same run, plus the optimality gap against the exact class MIP on
smaller instances.

    .venv/bin/python bench/funding_optimiser_bench.py [--candidates 300000] [--runs 3]
    python -m bench funding -- --runs 3
    .venv/bin/python bench/funding_optimiser_bench.py --candidates 100000 --no-mip --json

`--json` prints one JSON object on stdout (the text report goes to stderr), with the peak
memory (max RSS) of the process; `--no-mip` skips the exact-MIP gap section (minutes).
`bench/suite.py` runs it with both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def setup_django() -> None:
    """A throw-away SQLite database with all migrations (tariffs, weight policy). When another
    benchmark in the same process already set Django up, its database is used as it is."""
    import django
    from django.apps import apps
    from django.core.management import call_command

    if not apps.ready:
        tmp = tempfile.mkdtemp(prefix="lindung-bench-")
        os.environ.setdefault("DEBUG", "1")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
        django.setup()
    call_command("migrate", verbosity=0)


SECTORS = [  # (code, priority, share) — codes as seeded by the workers app
    ("petani-tembakau", 1, 0.10),
    ("buruh-tani-tembakau", 1, 0.05),
    ("pelaku-umkm", 2, 0.10),
    ("pekerja-dapur-mbg", 3, 0.02),
    ("marbot-masjid", 4, 0.03),
    ("buruh-tani", 5, 0.35),
    ("nelayan", 5, 0.05),
    ("ojek", 5, 0.05),
    ("pedagang", 5, 0.10),
    ("lainnya", 9, 0.15),
]


def make_instance(n: int, villages: int, seed: int, cut: float = 0.0):
    from lindung.funding import optimiser as opt
    from lindung.funding.services import CostCalculator, active_policy, weight_of

    rng = np.random.default_rng(seed)
    calc = CostCalculator()
    policy = active_policy()
    sector = rng.choice(len(SECTORS), n, p=[s[2] for s in SECTORS])
    desil = rng.choice(11, n, p=[0.1] + [0.09] * 10)  # 0 = unknown
    village = rng.integers(0, villages, n)
    incomes = np.array([1_000_000, 1_500_000, 2_000_000, 3_000_000])
    income = incomes[rng.choice(4, n, p=[0.8, 0.1, 0.06, 0.04])]
    jht = rng.random(n) < 0.05
    weight_table = {
        (s, d): weight_of(policy, SECTORS[s][0], SECTORS[s][1], d or None)
        for s in range(len(SECTORS))
        for d in range(11)
    }
    weights = np.fromiter(
        (weight_table[(s, d)] for s, d in zip(sector, desil, strict=True)), np.int64, n
    )
    tobacco = np.isin(sector, [0, 1])
    transport = np.asarray([calc.is_transport(SECTORS[s][0]) for s in sector])
    profile_keys, prof = np.unique(
        np.stack([income, jht, transport], axis=1), axis=0, return_inverse=True
    )
    prof = prof.ravel()
    year = 2026

    def costs(ftype: str, start: dt.date, months: int) -> np.ndarray:
        table = np.asarray(
            [
                calc.cost(
                    int(k[0]),
                    start,
                    months,
                    with_jht=bool(k[1]),
                    funding_type=ftype,
                    transport=bool(k[2]),
                )
                for k in profile_keys
            ],
            dtype=np.int64,
        )
        return table[prof]

    unit = calc.cost(
        1_000_000, dt.date(year, 1, 1), 12, with_jht=False, funding_type="APBD", transport=False
    )
    pc, ps, pk, budgets = [], [], [], []
    idx = np.arange(n)
    # Dana Desa for 70% of villages, own residents only, 6 or 12 months.
    dd_villages = rng.choice(villages, int(villages * 0.7), replace=False)
    per_village = np.bincount(village, minlength=villages)
    for v in dd_villages:
        months = int(rng.choice([6, 12]))
        members = idx[village == v]
        c = costs("DANA_DESA", dt.date(year, 13 - months, 1), months)
        pc.append(members)
        ps.append(np.full(len(members), len(budgets)))
        pk.append(c[members])
        budgets.append(int(per_village[v] * rng.uniform(0.1, 0.3)) * unit * months // 12)

    def add(mask, ftype, start, months, share):
        members = idx[mask]
        c = costs(ftype, start, months)
        pc.append(members)
        ps.append(np.full(len(members), len(budgets)))
        pk.append(c[members])
        budgets.append(int(n * share) * unit * months // 12)

    add((desil >= 1) & (desil <= 4), "APBD", dt.date(year, 5, 1), 8, 0.15)
    add(tobacco, "DBHCHT", dt.date(year, 1, 1), 12, 0.10)
    add(np.ones(n, bool), "APBD_PROVINSI", dt.date(year, 1, 1), 12, 0.05)
    add(village < villages // 7, "CSR", dt.date(year, 1, 1), 12, 0.02)
    budgets = (np.asarray(budgets, dtype=np.float64) * (1 - cut)).astype(np.int64)
    return opt.Instance(
        weights, budgets, np.concatenate(pc), np.concatenate(ps), np.concatenate(pk)
    )


def timed_runs(fn, runs: int):
    """Median wall-clock and CPU seconds (CPU is reported too: shared CI machines are noisy)."""
    wall, cpu, result = [], [], None
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu), wall, result


def _pct(new: int, old: int) -> float:
    return round(100 * (new - old) / old, 3) if old else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=300_000)
    parser.add_argument("--villages", type=int, default=254)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--mip-time", type=float, default=60.0)
    parser.add_argument("--no-mip", action="store_true", help="skip the exact-MIP gap section")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args(argv)
    # With --json, stdout carries only the JSON object, so a caller can parse it; the text
    # report and HiGHS's banner (written by C code to file descriptor 1) go to stderr.
    out = sys.stderr if args.json else sys.stdout
    json_out = None
    if args.json:
        sys.stdout.flush()
        json_out = os.fdopen(os.dup(1), "w")
        os.dup2(2, 1)

    def say(*parts: object) -> None:
        print(*parts, file=out, flush=True)

    setup_django()
    from lindung.funding import optimiser as opt

    say(f"# Funding optimiser: {args.villages} villages x {args.candidates:,} candidates")
    scenarios: dict[str, dict] = {}
    for key, label, cut in (
        ("base", "base budgets", 0.0),
        ("cut20", "all budgets cut by 20%", 0.2),
    ):
        t0 = time.perf_counter()
        inst = make_instance(args.candidates, args.villages, args.seed, cut)
        build = time.perf_counter() - t0
        say(
            f"\n## {label}: {inst.m} sources, {len(inst.pair_src):,} eligible pairs "
            f"(instance built in {build:.1f} s)"
        )
        g_med, g_cpu, g_times, g = timed_runs(lambda inst=inst: opt.greedy(inst), args.runs)
        s_med, s_cpu, s_times, s = timed_runs(lambda inst=inst: opt.solve(inst), args.runs)
        assert not opt.check(inst, g.assign) and not opt.check(inst, s.assign)
        g_funded, s_funded = int((g.assign >= 0).sum()), int((s.assign >= 0).sum())
        say(
            f"greedy   : objective {g.objective:,}  funded {g_funded:,}  "
            f"median {g_med:.2f} s wall / {g_cpu:.2f} s CPU  runs {[round(t, 2) for t in g_times]}"
        )
        say(
            f"optimiser: objective {s.objective:,}  funded {s_funded:,}  "
            f"median {s_med:.2f} s wall / {s_cpu:.2f} s CPU  "
            f"runs {[round(t, 2) for t in s_times]}  "
            f"classes {s.classes:,}  LP bound {s.upper_bound:,.0f}  "
            f"certified gap {100 * (s.gap or 0):.4f}%"
        )
        say(
            f"optimiser vs greedy: {100 * (s.objective - g.objective) / g.objective:+.2f}% "
            f"objective, {s_funded - g_funded:+,} funded"
        )
        scenarios[key] = {
            "label": label,
            "sources": inst.m,
            "pairs": len(inst.pair_src),
            "build_s": round(build, 2),
            "greedy": {
                "objective": g.objective,
                "funded": g_funded,
                "wall_s": round(g_med, 3),
                "cpu_s": round(g_cpu, 3),
                "wall_samples": [round(t, 3) for t in g_times],
            },
            "optimiser": {
                "objective": s.objective,
                "funded": s_funded,
                "wall_s": round(s_med, 3),
                "cpu_s": round(s_cpu, 3),
                "wall_samples": [round(t, 3) for t in s_times],
                "classes": s.classes,
                "upper_bound": s.upper_bound,
                "certified_gap_pct": round(100 * (s.gap or 0), 5),
            },
            "ratio": round(s_med / g_med, 2) if g_med else None,
            "objective_gain_pct": _pct(s.objective, g.objective),
            "funded_gain": s_funded - g_funded,
        }
        del inst, g, s  # the next scenario's instance would otherwise sit next to this one

    mip: list[dict] = []
    if not args.no_mip:
        say("\n## Optimality gap of LP+rounding against the exact class MIP (HiGHS)")
        for n, v in ((5_000, 20), (30_000, 60), (100_000, 254)):
            inst = make_instance(n, v, args.seed + n, 0.0)
            t0 = time.perf_counter()
            exact = opt.solve(inst, exact=True, mip_gap=1e-9, time_limit=args.mip_time)
            te = time.perf_counter() - t0
            lp = opt.solve(inst)
            best = max(exact.objective, lp.objective)
            bound = min(exact.upper_bound, lp.upper_bound)
            gap = 100 * (best - lp.objective) / best
            proven = 100 * (bound - lp.objective) / bound
            greedy_obj = opt.greedy(inst).objective
            say(
                f"{v} villages x {n:,}: MIP {exact.objective:,} ({te:.1f} s, bound "
                f"{exact.upper_bound:,.0f})  LP+round {lp.objective:,} ({lp.seconds:.1f} s)  "
                f"gap to best known {gap:.4f}%  proven gap <= {proven:.4f}%  "
                f"greedy {greedy_obj:,}"
            )
            mip.append(
                {"candidates": n, "villages": v, "mip_objective": exact.objective,
                 "mip_s": round(te, 2), "lp_objective": lp.objective,
                 "gap_to_best_pct": round(gap, 5), "proven_gap_pct": round(proven, 5),
                 "greedy_objective": greedy_obj}
            )  # fmt: skip

    # ru_maxrss is in KiB on Linux: the whole process (Django, numpy, HiGHS), both scenarios.
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say(f"\npeak memory (max RSS of this process): {peak_mib:,.0f} MiB")
    if json_out is not None:
        result = {
            "candidates": args.candidates,
            "villages": args.villages,
            "runs": args.runs,
            "seed": args.seed,
            "peak_mib": round(peak_mib),
            "scenarios": scenarios,
            "mip_gap": mip or None,
        }
        print(json.dumps(result, ensure_ascii=False), file=json_out, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Does an import slow down as the registry grows? (issue 23, item 5)

`python bench/import_growth_bench.py ROWS FILES [DIR]` builds the PostgreSQL database
lindung_growth afresh (Lombok Timur areas), commits FILES seeded files of ROWS rows one after
the other (CSV files written under DIR, outside the repo), and prints one JSON line per file:
its commit time, the seconds of each step of the import (`import_bench.PHASES`), the load
average, and a probe of the regency pass of the duplicate check
(`bench/import_growth_probe.py`: how many registry rows it reads for 100k file-like records).

With `--regencies` file k holds people of the k-th regency of West Nusa Tenggara (52.01,
52.02, ...) and is imported as that regency's deployment would (LINDUNG_REGENCY_CODE): the
registry grows as in one national database, while each regency's own registry stays the size
of one file. Without it every file goes to Lombok Timur (52.03), which at 5 x 2M rows is seven
times that regency's whole population.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import import_bench, suite  # noqa: E402

NAME = "lindung_growth"


REGENCIES = ["52.01", "52.02", "52.03", "52.04", "52.05", "52.06", "52.07", "52.08"]


def main(rows: int, files: int, out: Path, spread: bool = False) -> None:
    out.mkdir(parents=True, exist_ok=True)
    db = f"{suite.PG_BASE}/{NAME}"
    suite.pg_admin(f'DROP DATABASE IF EXISTS "{NAME}"')
    suite.pg_admin(f'CREATE DATABASE "{NAME}"')
    env = suite.django_env(db)
    prefix = "52" if spread else "52.03"
    areas = f"from lindung.areas.services import load_areas; load_areas(prefix='{prefix}')"
    subprocess.run([*suite.LINDUNG, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*suite.LINDUNG, "shell", "-c", areas], env=env, check=True, cwd=ROOT)
    for k in range(files):
        regency = REGENCIES[k % len(REGENCIES)] if spread else "52.03"
        csv_file = out / f"growth_{rows}_{k + 1}{'_' + regency if spread else ''}.csv"
        if not csv_file.exists():
            import_bench.write_csv(csv_file, rows, 4 + k, k * rows, regency)
        file_env = {**os.environ, "LINDUNG_REGENCY_CODE": regency}
        load = os.getloadavg()[0]
        cmd = [sys.executable, "-m", "bench.import_bench", "--worker", "commit"]
        cmd += [str(csv_file), db, "0"]
        run = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=file_env)
        result = json.loads(run.stdout.strip().splitlines()[-1])
        probe = subprocess.run([sys.executable, str(ROOT / "bench" / "import_growth_probe.py")],
                               capture_output=True, text=True, cwd=ROOT,
                               env={**env, "LINDUNG_REGENCY_CODE": regency})  # fmt: skip
        line = {
            "file": k + 1,
            "regency": regency,
            "seconds": round(result["seconds"], 1),
            "in_db": result["in_db"],
            "load": [round(load, 1), round(os.getloadavg()[0], 1)],
            "phases": result.get("phases", {}),  # seconds per step of the import
            "probe": json.loads(probe.stdout.strip().splitlines()[-1])
            if probe.returncode == 0
            else probe.stderr[-300:],  # fmt: skip
        }
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--regencies"]
    main(
        int(args[0]),
        int(args[1]),
        Path(args[2] if len(args) > 2 else "/tmp/lindung-growth"),
        spread="--regencies" in sys.argv,
    )

"""Does an import slow down as the registry grows? (issue 23, item 5)

`python bench/import_growth_bench.py ROWS FILES [DIR]` builds the PostgreSQL database
lindung_growth afresh (Lombok Timur areas), commits FILES seeded files of ROWS rows one after
the other (CSV files written under DIR, outside the repo), and prints one JSON line per file:
its commit time, the seconds of each step of the import (`import_bench.PHASES`), the load
average, and a probe of the regency pass of the duplicate check
(`bench/import_growth_probe.py`: how many registry rows it reads for 100k file-like records).
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


def main(rows: int, files: int, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    db = f"{suite.PG_BASE}/{NAME}"
    suite.pg_admin(f'DROP DATABASE IF EXISTS "{NAME}"')
    suite.pg_admin(f'CREATE DATABASE "{NAME}"')
    env = suite.django_env(db)
    areas = "from lindung.areas.services import load_areas; load_areas(prefix='52.03')"
    subprocess.run([*suite.LINDUNG, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*suite.LINDUNG, "shell", "-c", areas], env=env, check=True, cwd=ROOT)
    for k in range(files):
        csv_file = out / f"growth_{rows}_{k + 1}.csv"
        if not csv_file.exists():
            import_bench.write_csv(csv_file, rows, 4 + k, k * rows)
        load = os.getloadavg()[0]
        cmd = [sys.executable, "-m", "bench.import_bench", "--worker", "commit"]
        cmd += [str(csv_file), db, "0"]
        run = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        result = json.loads(run.stdout.strip().splitlines()[-1])
        probe = subprocess.run([sys.executable, str(ROOT / "bench" / "import_growth_probe.py")],
                               capture_output=True, text=True, cwd=ROOT, env=env)  # fmt: skip
        line = {
            "file": k + 1,
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
    main(
        int(sys.argv[1]),
        int(sys.argv[2]),
        Path(sys.argv[3] if len(sys.argv) > 3 else "/tmp/lindung-growth"),
    )

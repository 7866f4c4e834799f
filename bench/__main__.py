"""Run every benchmark module `bench/<name>_bench.py` (each exposes `main(argv) -> int`).

python -m bench                 # all benchmarks with their default sizes
python -m bench import          # only modules whose name contains "import"
python -m bench import -- --rows 20000   # arguments after -- go to each module's main()
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover(filters: list[str]) -> list[str]:
    names = sorted(p.stem for p in HERE.glob("*_bench.py"))
    return [n for n in names if not filters or any(f in n for f in filters)]


def main(argv: list[str]) -> int:
    if "--" in argv:
        split = argv.index("--")
        filters, passthrough = argv[:split], argv[split + 1 :]
    else:
        filters, passthrough = argv, []
    names = discover(filters)
    if not names:
        print("Tidak ada modul benchmark yang cocok.", file=sys.stderr)
        return 1
    failed = 0
    for name in names:
        print(f"== {name} ==", flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        code = module.main(passthrough)
        failed += bool(code)
        print(f"== {name}: selesai dalam {time.perf_counter() - started:.1f} dtk (kode {code}) ==")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

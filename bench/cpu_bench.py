"""CPU time per request of the busiest pages, this code against a baseline checkout, same run.

    LINDUNG_HOME=DIR python -m bench.cpu_bench --baseline ../main/src [--rounds 5] [--requests 20]

Wall-clock load tests are noisy on a shared 2-core machine; the CPU time a request costs its
process (`time.process_time`, Django test client, figures cache kept: repeat visits, which
is what a loaded server mostly serves) is not much affected by the other processes. Each
round starts one process per code (`--baseline` is a `src` directory of the old code, this
checkout's `src` is the other), alternating which goes first; every process logs in the demo
admin kabupaten, a camat and the operator desa of the largest village (as pages_bench does),
warms each page up, then requests it `--requests` times and reports the median CPU time. The
report is the median over rounds per page and the ratio after / before.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

PAGES = {
    "Beranda": "/",
    "Daftar kerja": "/daftar-kerja/",
    "Pekerja": "/pekerja/",
    "Kepesertaan": "/kepesertaan/",
    "Cakupan": "/cakupan/{area}/",
}
HERE = Path(__file__).resolve().parent.parent / "src"


def measure(requests: int) -> dict:
    """Runs in the child process: {role: {page: median ms of CPU}} and the query counts."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lindung.accounts.models import Role, User
    from lindung.workers.models import Worker

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    biggest = (
        Worker.objects.values("village_id").annotate(n=Count("id")).order_by("-n").first() or {}
    )
    village = biggest.get("village_id", "")
    kecamatan = village.rsplit(".", 1)[0]
    regency = settings.LINDUNG_REGENCY_CODE
    # Users made by pages_bench or an earlier run of this bench are reused; made once if missing.
    users = {
        "admin kabupaten": User.objects.filter(role=Role.ADMIN_KABUPATEN, area_id=regency).first(),
        "camat": User.objects.filter(role=Role.CAMAT, area_id=kecamatan).first()
        or User.objects.get_or_create(
            username=f"bench-camat-{kecamatan}", role=Role.CAMAT, area_id=kecamatan
        )[0],
        "operator desa": User.objects.filter(role=Role.OPERATOR_DESA, area_id=village).first()
        or User.objects.get_or_create(
            username=f"bench-desa-{village}", role=Role.OPERATOR_DESA, area_id=village
        )[0],
    }
    areas = {"admin kabupaten": regency, "camat": kecamatan, "operator desa": village}
    Client().get("/masuk/")  # start-up (URL map, templates) is not a page's cost
    out: dict = {"cpu": {}, "queries": {}, "bytes": {}}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        for label, path in PAGES.items():
            path = path.format(area=areas[role])
            for _ in range(3):  # warm: figures cached, templates compiled
                response = client.get(path)
                assert response.status_code == 200, (role, path, response.status_code)
            times = []
            for _ in range(requests):
                started = time.process_time()
                client.get(path)
                times.append((time.process_time() - started) * 1000)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            key = f"{label} | {role}"
            out["cpu"][key] = statistics.median(times)
            out["queries"][key] = len(queries)
            # The page's HTML without its per-request CSRF token: equal before and after.
            html = re.sub(rb"[A-Za-z0-9]{64}", b"T", response.content)
            out["bytes"][key] = f"{len(response.content)} #{hashlib.sha1(html).hexdigest()[:8]}"
    return out


def run_child(src: Path, requests: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    code = f"import json, bench.cpu_bench as b; print(json.dumps(b.measure({requests})))"
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code],
        env={**env, "PYTHONPATH": f"{src}{os.pathsep}{HERE.parent}"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, required=True, help="src directory of the old code")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    codes = {"before": args.baseline.resolve(), "after": HERE}
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    load = [os.getloadavg()[0]]
    for i in range(args.rounds):
        order = ["before", "after"] if i % 2 == 0 else ["after", "before"]
        for name in order:
            runs[name].append(run_child(codes[name], args.requests))
        load.append(os.getloadavg()[0])
        print(f"round {i + 1}/{args.rounds} done, load {load[-1]:.1f}", file=sys.stderr)
    keys = list(runs["after"][0]["cpu"])
    table = {}
    for key in keys:
        before = statistics.median(r["cpu"][key] for r in runs["before"])
        after = statistics.median(r["cpu"][key] for r in runs["after"])
        table[key] = {
            "before_ms": round(before, 2),
            "after_ms": round(after, 2),
            "ratio": round(after / before, 3),
            "queries": (runs["before"][0]["queries"][key], runs["after"][0]["queries"][key]),
            "bytes": (runs["before"][0]["bytes"][key], runs["after"][0]["bytes"][key]),
        }
    total_before = sum(v["before_ms"] for v in table.values())
    total_after = sum(v["after_ms"] for v in table.values())
    if args.json:
        print(json.dumps({"pages": table, "load": load}, indent=1))
        return
    print(
        "| page | role | before ms CPU | after ms CPU | after/before | queries | bytes #HTML hash |"
    )
    print("|---|---|---:|---:|---:|---|---|")
    for key, v in table.items():
        page, role = key.split(" | ")
        print(
            f"| {page} | {role} | {v['before_ms']:.2f} | {v['after_ms']:.2f} | {v['ratio']:.2f} "
            f"| {v['queries'][0]} → {v['queries'][1]} | {v['bytes'][0]} → {v['bytes'][1]} |"
        )
    print(
        f"| **all** | | {total_before:.1f} | {total_after:.1f} | "
        f"{total_after / total_before:.2f} | | |"
    )
    print(f"\nload average during the run: {min(load):.1f}–{max(load):.1f}")


if __name__ == "__main__":
    main()

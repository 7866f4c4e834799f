"""First-visit time of the home, worklist and coverage pages per role (Django test client).

    DEBUG=1 LINDUNG_HOME=DIR python -m bench.pages_bench [--runs 5] [--database-url URL]

For the demo admin kabupaten, a camat and the operator desa of the largest village: each page
is requested with the figures cache emptied first (the first visit of the day or after a
write), `--runs` times (the median is reported, and the first of them), then `--runs` times
with the cache kept (repeat visits). Server time only (no network, no browser).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--database-url")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db.models import Count
    from django.test import Client

    from lindung.accounts.models import Role, User
    from lindung.workers.models import Worker

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    biggest = (
        Worker.objects.values("village_id").annotate(n=Count("id")).order_by("-n").first() or {}
    )
    village = biggest.get("village_id", "")
    kecamatan = village.rsplit(".", 1)[0]
    users = {
        "admin kabupaten": User.objects.filter(role=Role.ADMIN_KABUPATEN, area_id="52.03").first(),
        "camat": User.objects.filter(role=Role.CAMAT, area_id=kecamatan).first()
        or User.objects.filter(role=Role.CAMAT).first(),
        "operator desa": User.objects.filter(role=Role.OPERATOR_DESA, area_id=village).first(),
    }
    if users["operator desa"] is None:  # the demo's operator works elsewhere: one for this village
        users["operator desa"] = User.objects.create(
            username=f"bench-desa-{village}", role=Role.OPERATOR_DESA, area_id=village
        )
    if users["camat"] is not None and users["camat"].area_id != kecamatan:
        users["camat"] = User.objects.create(
            username=f"bench-camat-{kecamatan}", role=Role.CAMAT, area_id=kecamatan
        )
    pages = {"Beranda /": "/", "Daftar kerja": "/daftar-kerja/", "Cakupan 52.03": "/cakupan/52.03/"}
    # The process's first request loads Django's URL map, templates and translations: not a
    # cost of the figures. One anonymous request (the login page) pays it.
    from django.urls import reverse

    Client().get(reverse("login"))
    results = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        for label, path in pages.items():
            if path.startswith("/cakupan/") and role != "admin kabupaten":
                continue
            cold, warm = [], []
            for _ in range(args.runs):
                cache.clear()
                started = time.perf_counter()
                response = client.get(path)
                cold.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (role, path, response.status_code)
            for _ in range(args.runs):
                started = time.perf_counter()
                client.get(path)
                warm.append((time.perf_counter() - started) * 1000)
            results[(role, label)] = {
                "first_ms": cold[0],
                "cold_median_ms": statistics.median(cold),
                "warm_median_ms": statistics.median(warm),
                "user": user.username,
                "area": user.area_id,
            }
            r = results[(role, label)]
            print(
                f"{role:16} {label:14} first {r['first_ms']:8.0f} ms"
                f"  cold median {r['cold_median_ms']:8.0f} ms"
                f"  warm median {r['warm_median_ms']:6.0f} ms  ({user.area_id})",
                file=sys.stderr,
                flush=True,
            )
    if args.json:
        print(json.dumps({f"{r}|{p}": v for (r, p), v in results.items()}))


if __name__ == "__main__":
    main()

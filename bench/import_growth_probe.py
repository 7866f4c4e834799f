"""How many registry rows the regency pass of the duplicate check reads for a large file.

Run by bench/import_growth_bench.py with DATABASE_URL set: the last 100k registered workers,
each with the last NIK digit changed, stand for a file; prints registry size, the seconds of
`RegencyCandidates.load`, the rows it read and the candidates it kept."""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
import django  # noqa: E402

django.setup()
from django.conf import settings  # noqa: E402

from lindung.imports import dedup  # noqa: E402
from lindung.workers.models import Worker  # noqa: E402

n = Worker.objects.count()
fields = ("nik", "name", "birth_date", "sex")
latest = Worker.objects.order_by("-id").values_list(*fields)[:100_000]
finder = dedup.DuplicateFinder(n)
records = [
    finder._record(-i, nik[:15] + ("1" if nik[15] == "0" else "0"), name, born, sex)
    for i, (nik, name, born, sex) in enumerate(latest)
]
candidates = dedup.RegencyCandidates(finder, settings.LINDUNG_REGENCY_CODE)
read = 0
add = candidates._add


def counted(rows, wanted, seen):
    def each():
        global read
        for row in rows:
            read += 1
            yield row

    return add(each(), wanted, seen)


candidates._add = counted
start = time.perf_counter()
candidates.load(records)
seconds = time.perf_counter() - start
kept = len({c.key for group in candidates.by_key.values() for c in group})
print(json.dumps({"registry": n, "load_s": round(seconds, 2), "rows_read": read, "kept": kept}))

"""Measure each hostile upload of the corpus: how long the refusal takes, how much the reading
process grows, and what the reader would have done without the guard (in a 2 GiB child).

    .venv/bin/python bench/hostile_uploads.py      (figures for the README's reliability table)
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
os.environ.setdefault("DEBUG", "1")


def _rss_peak_mib() -> float:
    with open("/proc/self/status") as status:
        return int(status.read().split("VmHWM:")[1].split()[0]) / 1024


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def main() -> None:
    import django

    django.setup()
    from lindung.core import filesafety, sandbox
    from lindung.core.spreadsheet import read_rows
    from lindung.core.tests.hostile_corpus import TABLES
    from lindung.imports.readers import read_sheet, read_table

    print("| file | bytes | refused in | process peak | message | unguarded reader |")
    for name, build in TABLES.items():
        data = build()
        base = _rss_peak_mib()
        _reset_peak()
        started = time.perf_counter()
        messages = set()
        for read in (read_table, read_rows):
            try:
                read(name, data)
                messages.add("ACCEPTED")
            except filesafety.SpreadsheetError as exc:
                messages.add(str(exc)[:60])
        took = (time.perf_counter() - started) / 2
        grew = max(0.0, _rss_peak_mib() - base)
        raw = ""
        if data.startswith(filesafety.ZIP_MAGIC):
            started = time.perf_counter()
            try:
                table = sandbox.run(read_sheet, data, memory_mb=2048, timeout=120)
                raw = f"read {table.frame.height} rows"
            except sandbox.ReaderCrashed as exc:
                raw = f"child {exc.reason}"
            except filesafety.SpreadsheetError as exc:
                raw = f"error: {str(exc)[:40]}"
            raw += f" after {time.perf_counter() - started:.1f} s"
        print(
            f"| {name} | {len(data):,} | {took * 1000:.0f} ms | +{grew:.0f} MiB | "
            f"{' / '.join(sorted(messages))} | {raw} |"
        )


if __name__ == "__main__":
    main()

"""The committed Kemendagri 300.2.2-2138/2025 region list (see data/SOURCE.md). No Django here."""

from __future__ import annotations

import csv
import gzip
import io
from functools import lru_cache
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "data" / "kemendagri_2025.csv.gz"


@lru_cache(maxsize=1)
def _all_rows() -> tuple[tuple[str, str, str, str], ...]:
    text = gzip.decompress(FIXTURE.read_bytes()).decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    next(reader)
    return tuple(tuple(r) for r in reader)  # type: ignore[misc]


def read_fixture(prefix: str | None = None) -> list[tuple[str, str, str, str]]:
    """Rows (code, name, kind, postal_code) of the fixture, optionally only under `prefix`."""
    rows = list(_all_rows())
    if prefix:
        parts = prefix.split(".")
        ancestors = {".".join(parts[:i]) for i in range(1, len(parts))}
        rows = [
            r for r in rows if r[0] == prefix or r[0].startswith(prefix + ".") or r[0] in ancestors
        ]
    return rows  # type: ignore[return-value]

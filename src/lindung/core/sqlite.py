"""SQLite tuning shared by the bulk writers (demo data, imports)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def large_sqlite_cache(kib: int = 256 * 1024) -> Iterator[None]:
    """A larger page cache on this connection for the duration of a bulk write, then the old
    size again (connections are kept between requests: the web worker that ran an import must
    not keep 256 MB of cache). SQLite keeps only 2 MB by default; inserting 100,000s of rows
    into tables with random-key indexes (NIK, name) then rereads the same pages over and over."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")

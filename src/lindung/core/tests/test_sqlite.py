"""The bulk writers' larger SQLite page cache is given back when they finish."""

import pytest
from django.db import connection

from lindung.core.sqlite import large_sqlite_cache


def cache_size() -> int | None:
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return cursor.fetchone()[0]


def test_cache_is_larger_inside_and_restored_after(db):
    before = cache_size()
    with large_sqlite_cache(4096):
        inside = cache_size()
    assert inside == (-4096 if connection.vendor == "sqlite" else None)
    assert cache_size() == before


def test_cache_is_restored_when_the_bulk_write_fails(db):
    before = cache_size()
    with pytest.raises(RuntimeError), large_sqlite_cache(8192):
        raise RuntimeError("import failed")
    assert cache_size() == before

"""Planner statistics after bulk writes (PostgreSQL).

A table filled by COPY or a bulk INSERT has no statistics until autovacuum gets to it, and in
the meantime the planner takes it for nearly empty: measured at 1M memberships, the regency
worklist took 5.7 s before ANALYZE and ~1 s after it. Bulk writers (demo data, large imports)
call `analyze()` when they are done. SQLite plans without such statistics: a no-op there.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Model


def analyze(*models: type[Model]) -> bool:
    """ANALYZE these models' tables (every table when none is given) on PostgreSQL; returns
    whether it ran. Allowed inside a transaction, where it also sees the rows written by it."""
    if connection.vendor != "postgresql":
        return False
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}".rstrip())
    return True

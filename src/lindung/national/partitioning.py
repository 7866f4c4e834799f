"""Regency-partitioned layout of workers and memberships for one PostgreSQL serving many regencies.

`partition_sql()` writes the DDL from the Django models (column types as PostgreSQL would create
them, whatever database Django is connected to), so the layout follows the models when they
change. `apply()` runs it on PostgreSQL in one transaction, optionally copying the current rows.

Layout, in its own schema (default `nasional`) next to the tables Django manages:

* `workers_worker` and `enrollment_membership`, each `PARTITION BY LIST (regency_code)` with one
  partition per regency (`52.03` = Kabupaten Lombok Timur), no default partition: a row of an
  unknown regency is refused instead of landing in a catch-all.
* `regency_code` leads every primary and unique key, because PostgreSQL can only enforce
  uniqueness on a partitioned table when the key contains the partition column. NIK is therefore
  unique *per regency*; the same NIK in two regencies is what `lindung.national.dedup` finds.
* A membership lives in the partition of its worker's regency: the foreign key is
  `(regency_code, worker_id)`, which keeps a worker and its memberships together, the same
  co-location a Citus distribution on `regency_code` gives.
* Areas, sectors and users stay unpartitioned and are referenced as they are (in Citus they
  become reference tables, copied to every node).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import models

from lindung.enrollment.models import Membership
from lindung.workers.models import Worker

SCHEMA = "nasional"
KEY = "regency_code"
KEY_TYPE = "varchar(5)"  # "52.03"


class PartitionError(Exception):
    pass


def pg_connection():
    """A PostgreSQL DatabaseWrapper for type names (no connection is opened)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return connection
    from django.db.backends.postgresql.base import DatabaseWrapper

    settings = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "",
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "OPTIONS": {},
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TEST": {},
    }
    return DatabaseWrapper(settings)


def partition_name(table: str, regency: str) -> str:
    return f"{table}_p{regency.replace('.', '_')}"


def _check_regencies(regencies: Iterable[str]) -> list[str]:
    codes = sorted(set(regencies))
    if not codes:
        raise PartitionError("Tidak ada kabupaten/kota untuk dipartisi.")
    bad = [c for c in codes if len(c) != 5 or c[2] != "." or not (c[:2] + c[3:]).isdigit()]
    if bad:
        raise PartitionError(f"Kode kabupaten/kota tidak sah: {', '.join(bad)}")
    return codes


def _columns(model: type[models.Model], pg) -> list[tuple[str, str]]:
    """(column, definition) for every concrete field, typed for PostgreSQL."""
    out = []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            seq = f"{SCHEMA}.{model._meta.db_table}_id_seq"
            out.append((field.column, f"bigint NOT NULL DEFAULT nextval('{seq}')"))
            continue
        definition = field.db_type(pg)
        check = field.db_check(pg)
        if not field.null:
            definition += " NOT NULL"
        if check:
            definition += f" CHECK ({check})"
        out.append((field.column, definition))
    return out


def _foreign_keys(model: type[models.Model]) -> list[str]:
    """References to unpartitioned tables (areas, sectors, users) as Django defines them."""
    out = []
    for field in model._meta.concrete_fields:
        if not field.is_relation or field.related_model in (Worker, Membership):
            continue
        target = field.related_model._meta
        out.append(
            f"FOREIGN KEY ({field.column}) REFERENCES {target.db_table} "
            f"({target.get_field(field.target_field.name).column}) DEFERRABLE INITIALLY DEFERRED"
        )
    return out


def _indexes(model: type[models.Model]) -> list[tuple[str, ...]]:
    """The model's secondary indexes; on the parent they are created in every partition."""
    out: list[tuple[str, ...]] = []
    for field in model._meta.concrete_fields:
        if (field.db_index or field.is_relation) and not field.unique and not field.primary_key:
            out.append((field.column,))
    for index in model._meta.indexes:
        out.append(tuple(model._meta.get_field(f.lstrip("-")).column for f in index.fields))
    return list(dict.fromkeys(out))


def _like_indexes(model: type[models.Model]) -> list[tuple[str, str]]:
    """Django adds a pattern-ops index to every indexed text column on PostgreSQL, so that
    `LIKE 'prefix%'` (NIK search, area scoping by village code) can use an index under a
    non-C collation; the layout does the same."""
    out = []
    for field in model._meta.concrete_fields:
        if field.primary_key or not (field.db_index or field.unique or field.is_relation):
            continue
        kind = field.target_field.get_internal_type() if field.is_relation else None
        kind = kind or field.get_internal_type()
        if kind == "CharField":
            out.append((field.column, "varchar_pattern_ops"))
        elif kind == "TextField":
            out.append((field.column, "text_pattern_ops"))
    return out


def _table_sql(model, pg, regencies: Sequence[str], extra: list[str]) -> list[str]:
    table = model._meta.db_table
    cols = _columns(model, pg)
    body = [f"{KEY} {KEY_TYPE} NOT NULL", *(f"{c} {d}" for c, d in cols)]
    body.append(f"PRIMARY KEY ({KEY}, id)")
    for field in model._meta.concrete_fields:
        if field.unique and not field.primary_key:
            body.append(f"UNIQUE ({KEY}, {field.column})")
    body += extra + _foreign_keys(model)
    statements = [
        f"CREATE SEQUENCE {SCHEMA}.{table}_id_seq AS bigint",
        f"CREATE TABLE {SCHEMA}.{table} (\n    "
        + ",\n    ".join(body)
        + f"\n) PARTITION BY LIST ({KEY})",
    ]
    for cols_ in _indexes(model):
        name = f"{table}_{'_'.join(cols_)}"[:55] + "_idx"
        statements.append(f"CREATE INDEX {name} ON {SCHEMA}.{table} ({', '.join(cols_)})")
    for column, ops in _like_indexes(model):
        statements.append(
            f"CREATE INDEX {table}_{column}_like ON {SCHEMA}.{table} ({column} {ops})"
        )
    for code in regencies:
        statements.append(
            f"CREATE TABLE {SCHEMA}.{partition_name(table, code)} "
            f"PARTITION OF {SCHEMA}.{table} FOR VALUES IN ('{code}')"
        )
    return statements


def partition_sql(regencies: Iterable[str]) -> list[str]:
    """Every statement of the layout, in order."""
    codes = _check_regencies(regencies)
    pg = pg_connection()
    worker_table = Worker._meta.db_table
    statements = [f"CREATE SCHEMA {SCHEMA}"]
    # A worker belongs to the regency of their village: village codes are "52.03.07.2012".
    statements += _table_sql(Worker, pg, codes, [f"CHECK (left(village_id, 6) = {KEY} || '.')"])
    statements += _table_sql(
        Membership,
        pg,
        codes,
        [f"FOREIGN KEY ({KEY}, worker_id) REFERENCES {SCHEMA}.{worker_table} ({KEY}, id)"],
    )
    return statements


def copy_sql() -> list[str]:
    """Copy the current (unpartitioned) rows into the layout and move the sequences on."""
    w, m = Worker._meta.db_table, Membership._meta.db_table
    wcols = ", ".join(f.column for f in Worker._meta.concrete_fields)
    mcols = ", ".join(f.column for f in Membership._meta.concrete_fields)
    mcols_src = ", ".join(f"m.{f.column}" for f in Membership._meta.concrete_fields)
    return [
        f"INSERT INTO {SCHEMA}.{w} ({KEY}, {wcols}) SELECT left(village_id, 5), {wcols} "
        f"FROM public.{w}",
        # Memberships follow their worker's regency (co-location), not the membership's village.
        f"INSERT INTO {SCHEMA}.{m} ({KEY}, {mcols}) SELECT left(w.village_id, 5), {mcols_src} "
        f"FROM public.{m} m JOIN public.{w} w ON w.id = m.worker_id",
        f"SELECT setval('{SCHEMA}.{w}_id_seq', (SELECT COALESCE(MAX(id), 0) + 1 FROM {SCHEMA}.{w}),"
        " false)",
        f"SELECT setval('{SCHEMA}.{m}_id_seq', (SELECT COALESCE(MAX(id), 0) + 1 FROM {SCHEMA}.{m}),"
        " false)",
    ]


def regencies_in_use() -> list[str]:
    """Regencies that have villages in the area table (all 514 once the regions are loaded)."""
    from lindung.areas.models import Area, AreaLevel

    return list(
        Area.objects.filter(level=AreaLevel.KABUPATEN)
        .order_by("code")
        .values_list("code", flat=True)
    )


def apply(regencies: Iterable[str], *, copy: bool = False, replace: bool = False, using="default"):
    """Create the layout (and copy the rows) on PostgreSQL in one transaction."""
    from django.db import connections, transaction

    connection = connections[using]
    if connection.vendor != "postgresql":
        raise PartitionError(
            "Partisi per kabupaten hanya tersedia di PostgreSQL; gunakan --sql untuk melihat DDL."
        )
    statements = partition_sql(regencies)
    if copy:
        statements += copy_sql()
    with transaction.atomic(using=using), connection.cursor() as cur:
        if replace:
            cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        for sql in statements:
            cur.execute(sql)
    return statements


def partition_sizes(using="default") -> list[tuple[str, str, int, int]]:
    """(parent, partition, rows, bytes incl. indexes and TOAST) for every partition."""
    from django.db import connections

    out = []
    with connections[using].cursor() as cur:
        cur.execute(
            "SELECT p.relname, c.relname, pg_total_relation_size(c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
            "JOIN pg_namespace n ON n.oid = p.relnamespace "
            "WHERE n.nspname = %s AND p.relkind = 'p' ORDER BY 1, 2",
            [SCHEMA],
        )
        for parent, child, size in cur.fetchall():
            cur.execute(f"SELECT count(*) FROM {SCHEMA}.{child}")
            out.append((parent, child, cur.fetchone()[0], size))
    return out

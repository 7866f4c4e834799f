"""Writing an import's accepted rows: one transaction, bulk inserts in chunks.

A million rows through the ORM would build a million model instances; instead rows go
straight to `executemany` with values prepared once per distinct value, and the history
rows (django-simple-history) are copied from the inserted rows by INSERT ... SELECT.
Everything happens inside one `transaction.atomic()`, so an exception or a killed process at
any point leaves the database as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from lindung.core.dbstats import analyze
from lindung.core.figures import bulk_written
from lindung.core.personnames import first_last
from lindung.core.sqlite import large_sqlite_cache
from lindung.workers.models import Worker

from .dedup import Pair
from .models import ImportJob, PossibleDuplicate
from .pipeline import Outcome
from .sheets import SHEET_STRIDE

CHUNK = 5000
# From this many rows, and when the table holds fewer than BULK_REBUILD_RATIO x as many, the
# SQLite indexes are rebuilt after the insert instead of updated row by row (measured on the
# bench: 1 M rows into an empty registry, 19.1 s -> 13.6 s CPU in SQLite).
BULK_MIN_ROWS = 20000
BULK_REBUILD_RATIO = 2
SQLITE_CACHE_KIB = 256 * 1024
# From this many rows an import refreshes the planner statistics (PostgreSQL): autovacuum
# would get there later, meanwhile the next reads are planned on the old row counts.
ANALYZE_ROWS = 10_000
Progress = Callable[[str, int, int], None]


def _after_chunk(done: int) -> None:
    """Hook between chunks (tests raise here to simulate a crash in the middle of a commit)."""


def _drop_indexes_for_bulk(cursor, total: int) -> list[str]:
    """SQLite, large import into a smaller table: drop the plain (non-unique) indexes of the
    worker and history tables and return the statements that recreate them.

    Inserting a million rows into a B-tree index in random key order (name, village, birth
    date) costs more than building the index once from sorted data. SQLite's DDL is
    transactional: the drop, the inserts and the rebuild commit together or not at all, and
    readers keep seeing the old tables and indexes until the commit.
    """
    if connection.vendor != "sqlite" or total < BULK_MIN_ROWS:
        return []
    statements: list[str] = []
    tables = {
        Worker._meta.db_table: "id",
        Worker.history.model._meta.db_table: "history_id",
    }
    for table, key in tables.items():
        qn = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({qn(key)}) FROM {qn(table)}")
        existing = cursor.fetchone()[0] or 0
        if existing * BULK_REBUILD_RATIO > total:
            continue  # a big table: rebuilding its indexes costs more than the inserts
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'",
            [table],
        )
        for name, sql in cursor.fetchall():
            cursor.execute(f"DROP INDEX {qn(name)}")
            statements.append(sql)
    return statements


def _worker_columns() -> list:
    return [f for f in Worker._meta.concrete_fields if not f.primary_key]


def _history_columns() -> tuple[list[str], str]:
    history = Worker.history.model
    tracked = {f.column for f in Worker._meta.concrete_fields}
    cols = [f.column for f in history._meta.concrete_fields if f.column in tracked]
    return cols, history._meta.db_table


# Worker column -> column of Outcome.accepted_frame.
FROM_FRAME = {
    "nik": "nik",
    "name": "name",
    "sex": "sex",
    "birth_date": "birth_date",
    "village_id": "village",
    "address": "address",
    "birthplace": "birthplace",
    "phone": "phone",
    "sector_id": "sector_id",
    "monthly_income": "income",
    "priority_group": "sector_priority",
    "verification_flags": "flags",
    "name_first_word": "name_first_word",
    "name_last_word": "name_last_word",
}
_PLAIN = (str, int, float, bool, type(None))


def _prepared_column(frame: pl.DataFrame, column: str, prepare: Callable) -> pl.Expr | dict:
    """The column with `prepare` applied once per distinct value: an expression when every
    prepared value is plain (str/int/None), else a dict for a lookup per row."""
    distinct = frame[column].unique().to_list()
    prepared = {value: prepare(value) for value in distinct}
    if all(isinstance(v, _PLAIN) for v in prepared.values()):
        kinds = {type(v) for v in prepared.values() if v is not None}
        if len(kinds) <= 1:
            return pl.col(column).replace_strict(prepared, return_dtype=_dtype(kinds))
    return prepared


def _dtype(kinds: set[type]) -> pl.DataType:
    kind = next(iter(kinds), str)
    return {str: pl.String, int: pl.Int64, float: pl.Float64, bool: pl.Boolean}[kind]


def commit_outcome(
    outcome: Outcome,
    *,
    user=None,
    job: ImportJob | None = None,
    progress: Progress | None = None,
) -> int:
    """Insert the accepted rows and queue possible duplicates. Returns the number created."""
    progress = progress or (lambda stage, done, total: None)
    now = timezone.now()
    user_id = getattr(user, "pk", None)
    ops = connection.ops
    prepared_now = ops.adapt_datetimefield_value(now)
    flag_field = Worker._meta.get_field("verification_flags")
    # NIK order turns the unique-index inserts into appends (row order carries no meaning).
    frame = with_name_words(outcome.accepted_frame.sort("nik"))
    total = frame.height

    constants = {
        "created_at": prepared_now,
        "updated_at": prepared_now,
        "created_by_id": user_id,
    }
    fields = _worker_columns()
    varying = [f for f in fields if f.attname in FROM_FRAME]
    fixed = [f for f in fields if f.attname not in FROM_FRAME]
    fixed_values = [
        constants[f.attname]
        if f.attname in constants
        else f.get_db_prep_save(f.get_default(), connection)
        for f in fixed
    ]
    # Values are prepared once per distinct value (dates, flag lists), not once per row.
    lookups: dict[int, dict] = {}
    exprs = []
    for index, f in enumerate(varying):
        column = FROM_FRAME[f.attname]
        if f.attname == "birth_date":
            prepared = _prepared_column(frame, column, ops.adapt_datefield_value)
        elif f.attname == "verification_flags":
            prepared = _prepared_column(
                frame,
                column,
                lambda flags: flag_field.get_db_prep_save(
                    flags.split(",") if flags else [], connection
                ),
            )
        else:
            prepared = pl.col(column)
        if isinstance(prepared, dict):
            lookups[index] = prepared
            prepared = pl.col(column)
        exprs.append(prepared.alias(f.column))
    plain_fixed = all(isinstance(v, _PLAIN) for v in fixed_values)
    if plain_fixed:
        exprs.extend(pl.lit(v).alias(f.column) for f, v in zip(fixed, fixed_values, strict=True))
    income_index = next(i for i, f in enumerate(varying) if f.attname == "monthly_income")
    big = outcome.big_incomes
    nik_index = next(i for i, f in enumerate(varying) if f.attname == "nik")

    prepared_frame = frame.select(exprs)  # once: per-chunk expressions cost a pass each

    def chunk_params(start: int) -> list:
        rows = prepared_frame.slice(start, CHUNK).rows()
        if not lookups and plain_fixed and not big:
            return rows
        out = []
        for values in rows:
            values = list(values)
            for index, table in lookups.items():
                values[index] = table[values[index]]
            if big and values[income_index] is None:
                values[income_index] = big.get(row_of[values[nik_index]], None)
            if not plain_fixed:
                values.extend(fixed_values)
            out.append(values)
        return out

    row_of = dict(zip(frame["nik"].to_list(), frame["row"].to_list(), strict=True)) if big else {}
    qn = ops.quote_name
    table = qn(Worker._meta.db_table)
    columns = [*varying, *fixed]
    column_sql = ", ".join(qn(f.column) for f in columns)
    insert_sql = f"INSERT INTO {table} ({column_sql}) VALUES ({', '.join(['%s'] * len(columns))})"
    # PostgreSQL: COPY instead of INSERTs (measured at 1M rows: 7,233 rows/s with INSERT).
    copy_sql = (
        f"COPY {table} ({column_sql}) FROM STDIN" if connection.vendor == "postgresql" else ""
    )
    hist_cols, hist_table = _history_columns()
    hist_sql_head = (
        f"INSERT INTO {qn(hist_table)} ({', '.join(qn(c) for c in hist_cols)}, "
        f"{qn('history_date')}, {qn('history_change_reason')}, {qn('history_type')}, "
        f"{qn('history_user_id')}) SELECT {', '.join(qn(c) for c in hist_cols)}, %s, %s, '+', %s "
        f"FROM {table} WHERE {qn('nik')} "
    )
    hist_sql_head_any = hist_sql_head + "= ANY(%s)"
    reason = f"impor #{job.pk}" if job else "impor berkas"
    niks_all = frame["nik"]
    # The indexes of a large registry stay in memory during the bulk insert (SQLite).
    with large_sqlite_cache(SQLITE_CACHE_KIB), transaction.atomic():
        with connection.cursor() as cursor:
            rebuilt = _drop_indexes_for_bulk(cursor, total)
            for start in range(0, total, CHUNK):
                if copy_sql:
                    _copy_rows(cursor, copy_sql, chunk_params(start))
                else:
                    cursor.executemany(insert_sql, chunk_params(start))
                niks = niks_all.slice(start, CHUNK).to_list()
                if copy_sql:  # one array parameter plans far faster than 5,000
                    cursor.execute(hist_sql_head_any, [prepared_now, reason, user_id, niks])
                else:
                    cursor.execute(
                        hist_sql_head + "IN (" + ", ".join(["%s"] * len(niks)) + ")",
                        [prepared_now, reason, user_id, *niks],
                    )
                done = min(start + CHUNK, total)
                progress("commit", done, total)
                _after_chunk(done)
            for done, sql in enumerate(rebuilt):
                progress("index", done, len(rebuilt))
                cursor.execute(sql)
            if rebuilt:
                progress("index", len(rebuilt), len(rebuilt))
        _queue_duplicates(outcome.pairs, job)
        _tally_workers(frame)
        bulk_written(frame["village"].unique().to_list())  # bulk inserts send no signals
        if job is not None:
            job.status = ImportJob.Status.COMMITTED
            job.created_count = total
            job.committed_at = timezone.now()
            job.save(update_fields=["status", "created_count", "committed_at", "updated_at"])
    if total >= ANALYZE_ROWS:
        analyze(Worker)  # PostgreSQL plans the next reads with the new rows counted
    return total


def with_name_words(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with the stored name words (Worker.save() fills them for single saves)."""
    words = {name: first_last(name) for name in frame["name"].unique().to_list()}
    first = {name: pair[0] for name, pair in words.items()}
    last = {name: pair[1] for name, pair in words.items()}
    return frame.with_columns(
        pl.col("name").replace_strict(first, return_dtype=pl.String).alias("name_first_word"),
        pl.col("name").replace_strict(last, return_dtype=pl.String).alias("name_last_word"),
    )


def _tally_workers(frame: pl.DataFrame) -> None:
    # Bulk inserts send no signals: add the new workers to their villages' tallies here.
    from lindung.tallies.services import workers_added

    flagged = pl.col("flags").fill_null("") != ""
    per = frame.group_by("village").agg(pl.len().alias("n"), flagged.sum().alias("flagged"))
    workers_added(per.rows())


def _copy_rows(cursor, copy_sql: str, rows: list) -> None:
    """Rows into PostgreSQL with COPY (psycopg adapts each value as for an INSERT)."""
    with cursor.cursor.copy(copy_sql) as copy:
        for row in rows:
            copy.write_row(row)


def _queue_duplicates(pairs: list[Pair], job: ImportJob | None) -> None:
    if not pairs:
        return
    niks = {p.nik for p in pairs} | {p.other.nik for p in pairs if p.other.in_file}
    ids: dict[str, int] = {}
    nik_list = list(niks)
    for start in range(0, len(nik_list), 2000):
        ids.update(
            Worker.objects.filter(nik__in=nik_list[start : start + 2000]).values_list("nik", "id")
        )
    records = [
        PossibleDuplicate(
            worker_id=ids[p.nik],
            match_id=ids[p.other.nik] if p.other.in_file else p.other.key,
            score=p.score,
            nik_distance=min(p.nik_distance, 16),
            job=job,
            source_row=p.row % SHEET_STRIDE,  # the row in its sheet
            probability=p.probability,
            levels=p.levels,
        )
        for p in pairs
    ]
    PossibleDuplicate.objects.bulk_create(records, batch_size=2000, ignore_conflicts=True)


def summary_json(outcome: Outcome) -> str:
    return json.dumps(outcome.as_json(), ensure_ascii=False)

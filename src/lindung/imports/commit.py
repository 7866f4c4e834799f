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

from django.db import connection, transaction
from django.utils import timezone

from lindung.workers.models import Worker

from .dedup import Pair
from .models import ImportJob, PossibleDuplicate
from .pipeline import Accepted, Outcome

CHUNK = 5000
SQLITE_CACHE_KIB = 256 * 1024
Progress = Callable[[str, int, int], None]


def _after_chunk(done: int) -> None:
    """Hook between chunks (tests raise here to simulate a crash in the middle of a commit)."""


def _worker_columns() -> list:
    return [f for f in Worker._meta.concrete_fields if not f.primary_key]


def _history_columns() -> tuple[list[str], str]:
    history = Worker.history.model
    tracked = {f.column for f in Worker._meta.concrete_fields}
    cols = [f.column for f in history._meta.concrete_fields if f.column in tracked]
    return cols, history._meta.db_table


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
    fields = _worker_columns()
    ops = connection.ops
    prepared_now = ops.adapt_datetimefield_value(now)
    flag_field = Worker._meta.get_field("verification_flags")
    date_cache: dict = {}
    flag_cache: dict = {}

    def prep_date(value):
        found = date_cache.get(value)
        if found is None:
            found = date_cache[value] = ops.adapt_datefield_value(value)
        return found

    def prep_flags(flags: list[str]):
        key = tuple(flags)
        found = flag_cache.get(key)
        if found is None:
            found = flag_cache[key] = flag_field.get_db_prep_save(list(flags), connection)
        return found

    from_row: dict[str, Callable[[Accepted], object]] = {
        "nik": lambda a: a.nik,
        "name": lambda a: a.name,
        "sex": lambda a: a.sex,
        "birth_date": lambda a: prep_date(a.birth_date),
        "village_id": lambda a: a.village,
        "address": lambda a: a.address,
        "phone": lambda a: a.phone,
        "sector_id": lambda a: a.sector_id,
        "monthly_income": lambda a: a.income,
        "priority_group": lambda a: a.sector_priority,
        "verification_flags": lambda a: prep_flags(a.flags),
        "created_at": lambda a: prepared_now,
        "updated_at": lambda a: prepared_now,
        "created_by_id": lambda a: user_id,
    }
    getters = []
    for f in fields:
        if f.attname in from_row:
            getters.append(from_row[f.attname])
        else:  # any other column (added later by the workers app) gets its default
            default = f.get_db_prep_save(f.get_default(), connection)
            getters.append(lambda a, d=default: d)
    qn = ops.quote_name
    table = qn(Worker._meta.db_table)
    column_sql = ", ".join(qn(f.column) for f in fields)
    insert_sql = f"INSERT INTO {table} ({column_sql}) VALUES ({', '.join(['%s'] * len(fields))})"
    hist_cols, hist_table = _history_columns()
    hist_sql_head = (
        f"INSERT INTO {qn(hist_table)} ({', '.join(qn(c) for c in hist_cols)}, "
        f"{qn('history_date')}, {qn('history_change_reason')}, {qn('history_type')}, "
        f"{qn('history_user_id')}) SELECT {', '.join(qn(c) for c in hist_cols)}, %s, %s, '+', %s "
        f"FROM {table} WHERE {qn('nik')} IN "
    )
    reason = f"impor #{job.pk}" if job else "impor berkas"
    # NIK order turns the unique-index inserts into appends (row order carries no meaning).
    accepted = sorted(outcome.accepted, key=lambda a: a.nik)
    total = len(accepted)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Keep the indexes of a large registry in memory during the bulk insert.
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    with transaction.atomic():
        with connection.cursor() as cursor:
            for start in range(0, total, CHUNK):
                chunk = accepted[start : start + CHUNK]
                cursor.executemany(insert_sql, [[g(a) for g in getters] for a in chunk])
                niks = [a.nik for a in chunk]
                cursor.execute(
                    hist_sql_head + "(" + ", ".join(["%s"] * len(niks)) + ")",
                    [prepared_now, reason, user_id, *niks],
                )
                done = start + len(chunk)
                progress("commit", done, total)
                _after_chunk(done)
        _queue_duplicates(outcome.pairs, job)
        if job is not None:
            job.status = ImportJob.Status.COMMITTED
            job.created_count = total
            job.committed_at = timezone.now()
            job.save(update_fields=["status", "created_count", "committed_at", "updated_at"])
    return total


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
            source_row=p.row,
        )
        for p in pairs
    ]
    PossibleDuplicate.objects.bulk_create(records, batch_size=2000, ignore_conflicts=True)


def summary_json(outcome: Outcome) -> str:
    return json.dumps(outcome.as_json(), ensure_ascii=False)

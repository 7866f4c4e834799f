"""The stored name words of workers (Worker.name_first_word / name_last_word) filled in bulk.

Worker.save() and the import's bulk insert fill them row by row. This fills rows written
another way (the migration that added the columns, the demo generator's raw inserts) and
refreshes every row after the name-variant table (core/data/name_variants.csv) changes.
"""

from __future__ import annotations

from django.db import connection, models

from lindung.core.personnames import first_last

CHUNK = 5000


def fill_name_words(model: type[models.Model] | None = None, *, only_missing: bool = True) -> int:
    """Compute the words from `name` for rows without them (every row with only_missing
    False), walking the table by id so memory stays one chunk. Returns the rows written."""
    if model is None:
        from .models import Worker

        model = Worker
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    missing = " AND name_first_word IS NULL" if only_missing else ""
    select = f"SELECT id, name FROM {table} WHERE id > %s{missing} ORDER BY id LIMIT {CHUNK}"
    update = f"UPDATE {table} SET name_first_word = %s, name_last_word = %s WHERE id = %s"
    written, last_id = 0, 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(select, [last_id])
            rows = cursor.fetchall()
            if not rows:
                return written
            cursor.executemany(update, [(*first_last(name), pk) for pk, name in rows])
            written += len(rows)
            last_id = rows[-1][0]

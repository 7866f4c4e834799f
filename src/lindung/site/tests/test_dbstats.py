"""ANALYZE after bulk writes: PostgreSQL counts the new rows at once; SQLite is left alone."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindung.core.dbstats import analyze
from lindung.core.demo import registry
from lindung.workers import testing
from lindung.workers.models import Worker


def _estimated_rows(model) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [model._meta.db_table])
        return cursor.fetchone()[0]


def test_analyze_counts_the_rows_of_a_bulk_insert_on_postgresql(lotim):
    testing.make_worker(testing.VILLAGE_A)
    base = Worker.objects.get()
    Worker.objects.bulk_create(  # no statistics are gathered by a bulk insert
        Worker(
            nik=f"520307{i:010d}",
            name=f"Pekerja {i}",
            sex="L",
            birth_date=dt.date(1980, 1, 1),
            village_id=testing.VILLAGE_A,
            sector_id=base.sector_id,
        )
        for i in range(300)
    )
    with CaptureQueriesContext(connection) as queries:
        ran = analyze(Worker)
    if connection.vendor == "postgresql":
        # Inside the test's transaction: ANALYZE sees the rows this transaction wrote.
        assert ran is True
        assert [q["sql"] for q in queries] == [f'ANALYZE "{Worker._meta.db_table}"']
        assert _estimated_rows(Worker) == Worker.objects.count() == 301
    else:
        assert ran is False
        assert len(queries) == 0


def test_every_demo_step_is_followed_by_analyze(monkeypatch):
    order = []
    monkeypatch.setattr(registry, "analyze", lambda *models: order.append("analyze"))
    monkeypatch.setattr(registry, "_STEPS", {})
    registry.register("a", lambda rng, ctx: order.append("a"), order=1)
    registry.register("b", lambda rng, ctx: order.append("b"), order=2)
    registry.run_steps({"seed": 1})
    assert order == ["a", "analyze", "b", "analyze"]

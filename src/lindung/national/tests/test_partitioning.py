"""Regency partitioning: DDL generated from the models everywhere, applied for real on PostgreSQL.

`make test` runs this file on SQLite and on PostgreSQL (.ci/run): on PostgreSQL
`test_layout_on_this_database` creates the partitioned layout inside the test transaction and
checks routing, pruning and the constraints; on SQLite the same test checks that the command
refuses to run and that the DDL it would run is complete."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from lindung.areas.services import load_areas
from lindung.enrollment.models import Membership
from lindung.national import partitioning
from lindung.workers import testing
from lindung.workers.models import Worker

LOTIM, LOBAR = "52.03", "52.01"
LOBAR_VILLAGE = "52.01.01.2002"  # Kebon Ayu, Gerung


def test_ddl_has_one_partition_per_regency_and_the_key_in_every_unique_constraint():
    sql = partitioning.partition_sql(["52.03", "52.01", "52.03"])
    joined = "\n".join(sql)
    for table in ("workers_worker", "enrollment_membership"):
        parts = re.findall(rf"PARTITION OF nasional\.{table} FOR VALUES IN \('([\d.]+)'\)", joined)
        assert parts == ["52.01", "52.03"]  # sorted, duplicates removed
        assert f"CREATE TABLE nasional.{table} (" in joined
    assert joined.count("PARTITION BY LIST (regency_code)") == 2
    assert joined.count("PRIMARY KEY (regency_code, id)") == 2
    assert "UNIQUE (regency_code, nik)" in joined
    assert "UNIQUE (nik)" not in joined  # not enforceable on a partitioned table
    fk = "FOREIGN KEY (regency_code, worker_id) REFERENCES nasional.workers_worker "
    fk += "(regency_code, id)"
    assert fk in joined
    assert "FOREIGN KEY (village_id) REFERENCES areas_area (code)" in joined
    # NIK search and area scoping use LIKE 'prefix%': pattern-ops indexes, as Django makes.
    assert "ON nasional.workers_worker (nik varchar_pattern_ops)" in joined
    assert "ON nasional.enrollment_membership (village_id varchar_pattern_ops)" in joined


@pytest.mark.parametrize("model", [Worker, Membership])
def test_ddl_columns_follow_the_model(model):
    """Every concrete column of the model, typed as PostgreSQL would create it."""
    sql = partitioning.partition_sql([LOTIM])
    create = next(s for s in sql if s.startswith(f"CREATE TABLE nasional.{model._meta.db_table} ("))
    lines = [ln.strip().rstrip(",") for ln in create.splitlines()[1:-1]]
    columns = [
        ln.split()[0]
        for ln in lines
        if not ln.startswith(("PRIMARY", "UNIQUE", "CHECK", "FOREIGN"))
    ]
    assert columns == ["regency_code", *(f.column for f in model._meta.concrete_fields)]
    pg = partitioning.pg_connection()
    for field in model._meta.concrete_fields:
        if not field.primary_key:
            line = next(ln for ln in lines if ln.split()[0] == field.column)
            assert line.split(" ", 1)[1].startswith(field.db_type(pg))
            assert ("NOT NULL" in line) == (not field.null)


@pytest.mark.parametrize("codes", [[], ["52"], ["52.03.07"], ["5a.03"], ["52.03'); DROP"]])
def test_invalid_regency_codes_are_refused(codes):
    with pytest.raises(partitioning.PartitionError):
        partitioning.partition_sql(codes)


@pytest.mark.django_db
def test_command_prints_the_sql_for_the_regencies_in_the_area_table(lotim):
    out = io.StringIO()
    call_command("national_partition", "--sql", "--copy", stdout=out)
    text = out.getvalue()
    assert "FOR VALUES IN ('52.03')" in text
    assert len(re.findall(r"FOR VALUES IN", text)) == 2  # only Lombok Timur is loaded
    assert "INSERT INTO nasional.workers_worker (regency_code," in text
    assert text.count(";\n") == len(partitioning.partition_sql([LOTIM]) + partitioning.copy_sql())


def _pg_layout_checks():
    load_areas(prefix=LOBAR)
    a = testing.make_worker(testing.VILLAGE_A, name="Baiq Aminah")
    b = testing.make_worker(testing.VILLAGE_B, name="Lalu Saleh")
    c = testing.make_worker(LOBAR_VILLAGE, name="Inaq Rohani")
    Membership.objects.create(worker=a, village_id=a.village_id, declared_income=1_000_000,
                              coverage_start=dt.date(2026, 1, 1))  # fmt: skip
    Membership.objects.create(worker=c, village_id=c.village_id, declared_income=750_000,
                              coverage_start=dt.date(2026, 2, 1))  # fmt: skip

    partitioning.apply([LOTIM, LOBAR], copy=True)

    sizes = {child: rows for _parent, child, rows, _size in partitioning.partition_sizes()}
    assert sizes == {
        "workers_worker_p52_01": 1,
        "workers_worker_p52_03": 2,
        "enrollment_membership_p52_01": 1,
        "enrollment_membership_p52_03": 1,
    }
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tableoid::regclass::text, id, nik FROM nasional.workers_worker ORDER BY id"
        )
        assert cur.fetchall() == [
            ("nasional.workers_worker_p52_03", a.pk, a.nik),
            ("nasional.workers_worker_p52_03", b.pk, b.nik),
            ("nasional.workers_worker_p52_01", c.pk, c.nik),
        ]
        # A query on one regency reads one partition only (pruning).
        cur.execute(
            "EXPLAIN SELECT count(*) FROM nasional.workers_worker WHERE regency_code = '52.01'"
        )
        plan = "\n".join(r[0] for r in cur.fetchall())
        assert "workers_worker_p52_01" in plan and "workers_worker_p52_03" not in plan

        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("EXPLAIN SELECT id FROM nasional.workers_worker WHERE nik LIKE '520307%'")
        plan = "\n".join(r[0] for r in cur.fetchall())
        assert "~>=~" in plan and "Seq Scan" not in plan  # prefix search via pattern-ops index
        cur.execute("SET LOCAL enable_seqscan = on")

        def refused(sql, params):
            with pytest.raises(DatabaseError), transaction.atomic():
                cur.execute(sql, params)

        insert = (
            "INSERT INTO nasional.workers_worker (regency_code, nik, name, sex, birth_date, "
            "birthplace, village_id, address, phone, sector_id, priority_group, "
            "verification_flags, version, created_at, updated_at) VALUES (%s, %s, 'X', 'L', "
            "'1990-01-01', '', %s, '', '', %s, 9, '[]', 1, now(), now()) RETURNING id"
        )
        sector = a.sector_id
        refused(insert, ["52.04", "5204011234560001", "52.04.01.2001", sector])  # no partition
        refused(insert, [LOTIM, "5203011234560001", LOBAR_VILLAGE, sector])  # village elsewhere
        refused(insert, [LOTIM, a.nik, testing.VILLAGE_A, sector])  # NIK twice in one regency
        # The same NIK in another regency is accepted: that is what dedup has to find.
        cur.execute(insert, [LOBAR, a.nik, LOBAR_VILLAGE, sector])
        new_id = cur.fetchone()[0]
        assert new_id > c.pk  # the sequence continues after the copied rows
        # A membership must sit in its worker's regency partition.
        refused(
            "INSERT INTO nasional.enrollment_membership (regency_code, worker_id, village_id, "
            "status, end_reason, with_jht, kpj, declared_income, funding_type, "
            "payment_period_months, version, created_at, updated_at) VALUES (%s, %s, %s, "
            "'aktif', '', false, '', 1, 'MANDIRI', 1, 1, now(), now())",
            [LOBAR, a.pk, LOBAR_VILLAGE],
        )


@pytest.mark.django_db
def test_layout_on_this_database(lotim):
    if connection.vendor == "postgresql":
        _pg_layout_checks()
        return
    with pytest.raises(partitioning.PartitionError, match="hanya tersedia di PostgreSQL"):
        partitioning.apply([LOTIM], copy=True)
    with pytest.raises(CommandError, match="hanya tersedia di PostgreSQL"):
        call_command("national_partition", stdout=io.StringIO())
    statements = partitioning.partition_sql([LOTIM]) + partitioning.copy_sql()
    assert statements[0] == "CREATE SCHEMA nasional"
    # Each partition is created after its parent, each parent after its sequence.
    order = [s.split(" (")[0] for s in statements]
    assert order.index("CREATE SEQUENCE nasional.workers_worker_id_seq AS bigint") < order.index(
        "CREATE TABLE nasional.workers_worker"
    )
    assert order.index("CREATE TABLE nasional.workers_worker") < next(
        i for i, s in enumerate(statements) if "PARTITION OF nasional.workers_worker " in s
    )
    assert statements[-2].startswith("SELECT setval('nasional.workers_worker_id_seq'")

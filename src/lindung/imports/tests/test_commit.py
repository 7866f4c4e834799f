"""Atomic commit, idempotent re-import, history and the review queue."""

import datetime as dt

import pytest

from lindung.imports import commit as commit_module
from lindung.imports.models import PossibleDuplicate
from lindung.imports.services import run_import
from lindung.workers.models import Worker

from .helpers import csv_bytes, person

pytestmark = pytest.mark.usefixtures("setup_import")
TODAY = dt.date(2026, 11, 24)


def _state():
    return (
        list(Worker.objects.order_by("nik").values_list("nik", "name", "phone")),
        Worker.history.count(),
        PossibleDuplicate.objects.count(),
    )


def test_crash_in_the_middle_of_a_commit_leaves_the_database_unchanged(monkeypatch):
    run_import("a.csv", csv_bytes([person(serial=1)]), commit=True, today=TODAY)
    before = _state()
    born = dt.date(1990, 1, 2)
    rows = [person(serial=s) for s in range(10, 30)]
    rows += [
        person(birth=born, name="Baiq Nurul", serial=40),
        person(birth=born, name="Baiq Nurul", serial=41),
    ]
    monkeypatch.setattr(commit_module, "CHUNK", 3)
    chunks = []

    def crash(done):
        chunks.append(done)
        if len(chunks) == 4:
            raise RuntimeError("proses mati")

    monkeypatch.setattr(commit_module, "_after_chunk", crash)
    with pytest.raises(RuntimeError):
        run_import("b.csv", csv_bytes(rows), commit=True, today=TODAY)
    assert chunks == [3, 6, 9, 12]  # rows had been written before the crash
    assert _state() == before


def test_reimporting_the_same_file_changes_nothing():
    born = dt.date(1990, 1, 2)
    rows = [person(serial=s) for s in range(50, 60)]
    rows += [
        person(birth=born, name="Lalu Hamdan", serial=61),
        person(birth=born, name="Lalu Hamdan", serial=62),
    ]
    content = csv_bytes(rows)
    first, _ = run_import("a.csv", content, commit=True, today=TODAY)
    assert first.as_json()["accepted"] == 12
    after_first = _state()
    second, _ = run_import("a.csv", content, commit=True, today=TODAY)
    result = second.as_json()
    assert result["accepted"] == 0 and result["rejected"] == 12
    assert {e["code"] for e in result["errors"]} == {"duplicate_existing"}
    assert _state() == after_first


def test_commit_writes_history_flags_sector_and_creator(django_user_model):
    user = django_user_model.objects.create(username="op")
    row = person(
        serial=70,
        Penghasilan="Rp 500.000",
        Pekerjaan="Petani Tembakau",
        **{"No HP": "0812 3456 7890"},
    )
    run_import("a.csv", csv_bytes([row]), commit=True, user=user, today=TODAY)
    worker = Worker.objects.get()
    assert worker.sector.code == "petani-tembakau"
    assert worker.monthly_income == 1_000_000
    assert worker.phone == "+6281234567890"
    assert worker.verification_flags == ["income_adjusted"]
    assert worker.created_by == user
    assert worker.priority_group == worker.sector.priority
    history = worker.history.get()
    assert history.history_type == "+" and history.history_user_id == user.pk
    assert history.nik == worker.nik


def test_unknown_occupation_goes_to_default_sector_with_a_flag():
    outcome, _ = run_import(
        "a.csv", csv_bytes([person(serial=71, Pekerjaan="Astronot")]), commit=True, today=TODAY
    )
    worker = Worker.objects.get()
    assert worker.sector.code == "lainnya"
    assert "sector_default" in worker.verification_flags
    assert outcome.default_sector_rows == 1


def test_possible_duplicates_go_to_the_review_queue_against_file_and_registry():
    born = dt.date(1988, 5, 6)
    run_import(
        "a.csv",
        csv_bytes([person(birth=born, name="Muhammad Zainul Arifin", serial=80)]),
        commit=True,
        today=TODAY,
    )
    existing = Worker.objects.get()
    rows = [
        person(birth=born, name="Muhamad Zainul Arifin", serial=81),  # like the registry entry
        person(birth=born, name="Rukmini", serial=82, sex="P"),  # same block, other person
    ]
    outcome, _ = run_import("b.csv", csv_bytes(rows), commit=True, today=TODAY)
    assert [w.code for w in outcome.warnings] == ["possible_duplicate"]
    assert "pekerja terdaftar" in outcome.warnings[0].message
    pair = PossibleDuplicate.objects.get()
    assert pair.match == existing and pair.worker.nik == rows[0]["NIK"]
    assert pair.source_row == 2 and pair.score >= 88


def test_scope_limits_rows_to_the_operators_village():
    rows = [
        person(serial=90),
        person(serial=91, **{"Desa/Kelurahan": "Tanjung Luar", "Kecamatan": "Keruak"}),
    ]
    outcome, _ = run_import(
        "a.csv", csv_bytes(rows), commit=True, scope_code="52.03.07.2012", today=TODAY
    )
    assert [(e.row, e.code) for e in outcome.errors] == [(3, "village_unknown")]
    assert "di luar wilayah kerja Anda" in outcome.errors[0].message
    assert list(Worker.objects.values_list("village_id", flat=True)) == ["52.03.07.2012"]


def _indexes():
    from django.db import connection

    tables = (Worker._meta.db_table, Worker.history.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name IN (%s, %s) ORDER BY name",
            list(tables),
        )
        return cursor.fetchall()


@pytest.fixture
def bulk_path(monkeypatch):
    """Take the index-rebuild path of a large SQLite import even for a few rows."""
    monkeypatch.setattr(commit_module, "BULK_MIN_ROWS", 2)
    monkeypatch.setattr(commit_module, "BULK_REBUILD_RATIO", 0)


def test_bulk_commit_rebuilds_every_index_and_a_crash_keeps_them(monkeypatch, bulk_path):
    from django.db import connection

    if connection.vendor != "sqlite":  # PostgreSQL keeps its indexes: nothing is dropped
        with connection.cursor() as cursor:
            assert commit_module._drop_indexes_for_bulk(cursor, 10**6) == []
        return
    indexes = _indexes()
    assert len([i for i in indexes if i[2]]) >= 10  # the plain indexes that get rebuilt
    rows = [person(serial=s) for s in range(200, 220)]
    monkeypatch.setattr(commit_module, "CHUNK", 4)
    stages = []

    def crash(done):
        if done == 12:
            raise RuntimeError("proses mati")

    monkeypatch.setattr(commit_module, "_after_chunk", crash)
    with pytest.raises(RuntimeError):
        run_import("b.csv", csv_bytes(rows), commit=True, today=TODAY)
    assert _indexes() == indexes and Worker.objects.count() == 0
    monkeypatch.setattr(commit_module, "_after_chunk", lambda done: None)
    outcome, _ = run_import(
        "b.csv",
        csv_bytes(rows),
        commit=True,
        today=TODAY,
        progress=lambda stage, done, total: stages.append(stage),
    )
    assert outcome.as_json()["accepted"] == 20 and Worker.objects.count() == 20
    assert Worker.history.count() == 20
    assert _indexes() == indexes
    assert "index" in stages
    # The rebuilt indexes are consistent with the table.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        assert cursor.fetchone()[0] == "ok"
    assert Worker.objects.filter(name=rows[5]["Nama Lengkap"]).count() == 1


@pytest.mark.parametrize("batch", [1, 2, 1000])
def test_possible_duplicates_are_the_same_whatever_the_village_batch(monkeypatch, batch):
    from lindung.imports import pipeline

    monkeypatch.setattr(pipeline, "DUPLICATE_VILLAGE_BATCH", batch)
    born = dt.date(1984, 2, 3)
    tanjung = {"Desa/Kelurahan": "Tanjung Luar", "Kecamatan": "Keruak"}
    pancor = {"Desa/Kelurahan": "Pancor", "Kecamatan": "Selong"}
    run_import(
        "a.csv",
        csv_bytes(
            [
                person(birth=born, name="Muhammad Zainul Arifin", serial=301),
                person(birth=born, name="Baiq Nurul Aini", serial=302, sex="P", **tanjung),
            ]
        ),
        commit=True,
        today=TODAY,
    )
    registered = dict(Worker.objects.values_list("name", "pk"))
    rows = [
        person(birth=born, name="Lalu Pancor Hamdi", serial=311, **pancor),
        person(birth=born, name="Baiq Nur Aini", serial=312, sex="P", **tanjung),  # registry
        person(birth=born, name="Muhamad Zainul Arifin", serial=313),  # registry, Danggen
        person(birth=born, name="Lalu Pancor Hamdy", serial=314, **pancor),  # row 2 in file
        person(birth=born, name="Rukmini", serial=315, sex="P", **tanjung),  # nobody like her
    ]
    outcome, _ = run_import("b.csv", csv_bytes(rows), commit=True, today=TODAY)
    assert [(w.row, w.code) for w in outcome.warnings] == [
        (3, "possible_duplicate"),
        (4, "possible_duplicate"),
        (5, "possible_duplicate"),
    ]
    found = [(p.row, p.other.in_file, p.other.key) for p in outcome.pairs]
    assert found == [
        (3, False, registered["Baiq Nurul Aini"]),
        (4, False, registered["Muhammad Zainul Arifin"]),
        (5, True, 2),
    ]


def test_commit_adds_the_workers_to_their_villages_tallies():
    """Bulk inserts send no signals: the commit adds each village's workers (and flagged ones)."""
    from lindung.tallies import entries as tally
    from lindung.tallies.services import recount, stored, total

    Worker.objects.create(  # one worker already there, counted through its signal
        nik="5203074101600001",
        name="Sudah Ada",
        sex="P",
        birth_date=dt.date(1960, 1, 1),
        village_id="52.03.07.2012",
        sector=Worker._meta.get_field("sector").related_model.objects.first(),
    )
    rows = [person(serial=81), person(serial=82, Penghasilan="Rp 500.000")]
    run_import("a.csv", csv_bytes(rows), commit=True, today=TODAY)
    village = Worker.objects.exclude(name="Sudah Ada").first().village_id
    assert total(village, tally.WORKERS) == Worker.objects.filter(village_id=village).count() == 3
    assert total(village, tally.WORKERS_FLAGGED) == 1  # the adjusted income
    assert stored() == recount()
    from lindung.tallies.services import rolled_up, stored_areas

    assert stored_areas() == +rolled_up(recount())  # the kecamatan and kabupaten sums too


def test_a_large_import_refreshes_the_planner_statistics(monkeypatch):
    """From ANALYZE_ROWS rows the commit runs ANALYZE on the workers (a no-op on SQLite)."""
    from lindung.imports import commit

    calls = []
    monkeypatch.setattr(commit, "analyze", lambda *models: calls.append(models))
    monkeypatch.setattr(commit, "ANALYZE_ROWS", 2)
    run_import("a.csv", csv_bytes([person(serial=83)]), commit=True, today=TODAY)
    assert calls == []  # one row: below the threshold
    run_import("b.csv", csv_bytes([person(serial=84), person(serial=85)]), commit=True, today=TODAY)
    assert calls == [(Worker,)]

"""Backup -> change -> restore gives back exactly the backed-up data, on SQLite and PostgreSQL."""

import pytest
from django.db import connection

from lindung.core.backup import BackupError, backup, restore, table_counts
from lindung.workers import testing
from lindung.workers.models import Worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_round_trip(tmp_path):
    import shutil

    if connection.vendor == "postgresql" and shutil.which("pg_dump") is None:
        pytest.fail("pg_dump is required for PostgreSQL backups")
    testing.load_lombok_timur()
    kept = testing.make_worker(testing.VILLAGE_A, name="Lalu Sahnan")
    before = table_counts()
    result = backup(tmp_path / "b.dump")
    assert result.manifest["tables"] == before

    kept.name = "Diubah"
    kept.save()
    testing.make_worker(testing.VILLAGE_B)
    assert Worker.objects.count() == 2

    after = restore(tmp_path / "b.dump")
    assert after == before
    assert list(Worker.objects.values_list("name", flat=True)) == ["Lalu Sahnan"]


def test_tampered_backup_is_refused(tmp_path):
    testing.load_lombok_timur()
    backup(tmp_path / "b.dump")
    with (tmp_path / "b.dump").open("ab") as fh:
        fh.write(b"tamper")
    with pytest.raises(BackupError, match="Checksum"):
        restore(tmp_path / "b.dump")


def test_missing_backup(tmp_path):
    with pytest.raises(BackupError, match="tidak ditemukan"):
        restore(tmp_path / "nope.dump")

"""Every way a worker is written fills the stored name words the duplicate check reads."""

import datetime as dt
from io import StringIO

from django.core.management import call_command

from lindung.areas.models import Area
from lindung.core import testing
from lindung.workers import services
from lindung.workers import testing as worker_testing
from lindung.workers.models import Sector, Worker
from lindung.workers.namewords import fill_name_words
from lindung.workers.nik import compose_nik

TODAY = dt.date(2026, 11, 24)
BORN = dt.date(1990, 5, 17)


def _words(worker: Worker) -> tuple[str | None, str | None]:
    return tuple(Worker.objects.filter(pk=worker.pk).values_list(
        "name_first_word", "name_last_word").get())  # fmt: skip


def test_save_fills_and_renews_the_words(lotim):
    worker = worker_testing.make_worker(name="Bq. Nur Aini")
    assert _words(worker) == ("nur", "aini")  # titles dropped, spellings mapped (Bq., Nurul)
    worker.name = "H. Moh. Saleh"
    worker.save(update_fields=["name"])
    assert _words(worker) == ("muhammad", "saleh")


def test_register_and_edit_services_fill_the_words(lotim):
    village = Area.objects.get(code=testing.VILLAGE_A)
    data = {
        "nik": compose_nik("52.03.07", BORN, "P", 12),
        "name": "Baiq Sumiati",
        "sex": "",
        "birth_date": None,
        "village": village,
        "address": "",
        "phone": "",
        "sector": Sector.objects.get(code="buruh-tani"),
        "monthly_income": None,
        "poverty_desil": None,
    }
    worker = services.register_worker(data, today=TODAY).worker
    assert _words(worker) == ("sumiati", "sumiati")
    worker = services.update_worker(
        worker, {**data, "name": "Siti Hadijah"}, expected_version=worker.version, today=TODAY
    ).worker
    assert _words(worker) == ("siti", "khadijah")


def test_an_import_commit_fills_the_words(lotim, settings, tmp_path):
    from lindung.imports.services import run_import
    from lindung.imports.tests.helpers import csv_bytes, ensure_sectors, person

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_sectors()

    rows = [person(name="Lalu Moh. Zaini"), person(name="Inaq Rukmini")]
    outcome, _ = run_import("a.csv", csv_bytes(rows), commit=True, today=TODAY)
    assert outcome.accepted_count == 2
    words = set(Worker.objects.values_list("name_first_word", "name_last_word"))
    assert words == {("muhammad", "zaini"), ("rukmini", "rukmini")}


def test_the_backfill_fills_rows_written_without_words(lotim):
    kept = worker_testing.make_worker(name="Ahmad Zaini")
    raw = worker_testing.make_worker(name="Nurul Hidayat")
    Worker.objects.filter(pk=raw.pk).update(name_first_word=None, name_last_word=None)
    assert fill_name_words() == 1
    assert _words(raw) == ("nur", "hidayat") and _words(kept) == ("ahmad", "zaini")
    out = StringIO()
    call_command("fill_name_words", "--semua", stdout=out)
    assert out.getvalue().startswith("2 pekerja")


def test_the_demo_generator_leaves_no_worker_without_words(lotim):
    call_command("demo", "--workers", "40", "--seed", "4", "--no-history",
                 stdout=StringIO(), stderr=StringIO())  # fmt: skip
    assert Worker.objects.count() >= 40
    assert not Worker.objects.filter(name_first_word__isnull=True).exists()

"""Every hostile file of the corpus, through every upload endpoint and the CLI: each ends in a
clear Indonesian refusal, nothing is written, and no reader allocates its way past a memory
ceiling (the test process itself runs under RLIMIT_AS, so a blow-up fails instead of the
machine)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from lindung.accounts.models import Role
from lindung.core import filesafety, testing
from lindung.core.spreadsheet import MAX_ROWS as SMALL_TABLE_ROWS
from lindung.core.tests.hostile_corpus import TABLES
from lindung.imports import jobs
from lindung.imports.models import ImportJob

CEILING = 3 * 1024**3  # address space added on top of the test process for each test
DATA_APPS = ("workers", "claims", "coverage", "areas", "exchange", "enrollment", "outreach")


@pytest.fixture(scope="module")
def corpus() -> dict[str, bytes]:
    return {name: build() for name, build in TABLES.items()}


@pytest.fixture(autouse=True)
def memory_ceiling():
    """An allocation blow-up in this process raises MemoryError instead of eating the host."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/status") as status:
        vm_kb = int(status.read().split("VmSize:")[1].split()[0])
    resource.setrlimit(resource.RLIMIT_AS, (vm_kb * 1024 + CEILING, hard))
    yield
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for label in DATA_APPS
        for model in apps.get_app_config(label).get_models()
    }


def _refusal(name: str, data: bytes, max_rows: int) -> str:
    with pytest.raises(filesafety.SpreadsheetError) as info:
        filesafety.check_upload(name, data, max_rows=max_rows)
    return str(info.value)


# --- the guard on its own -----------------------------------------------------------------

EXPECTED = {  # what each refusal must say, in words a regency clerk understands
    "sparse_range.xlsx": "kolom ke-16.384",
    "sparse_far_down.xlsx": "40.000.000 sel",
    "lying_dimension.xlsx": "kolom ke-16.384",
    "zip_bomb_true_sizes.xlsx": "zip bomb",
    "zip_bomb_false_sizes.xlsx": "tidak cocok dengan daftar isinya",
    "entity_expansion.xlsx": "DOCTYPE/ENTITY",
    "external_entity.xlsx": "DOCTYPE/ENTITY",
    "ods_repeated.ods": "kolom ke-16.384",
    "html_named.xlsx": "halaman web/XML",
    "csv_named_nul.xlsx": "bukan lembar kerja",
    "nul_bytes.csv": "byte NUL",
    "utf16.csv": "UTF-16",
    "rows_2m_plus_1.csv": "lebih dari 2.000.000 baris",
}


def test_every_corpus_file_has_an_expected_refusal():
    assert set(EXPECTED) == set(TABLES)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_guard_refuses_before_any_reader(name, corpus):
    message = _refusal(name, corpus[name], filesafety.MAX_ROWS)
    assert EXPECTED[name] in message
    assert message[0].isupper() and message.endswith(".")


def test_the_readers_refuse_the_same_way(corpus):
    from lindung.core.spreadsheet import read_rows
    from lindung.imports.readers import read_table

    for name, data in corpus.items():
        for read in (read_table, read_rows):
            with pytest.raises(filesafety.SpreadsheetError):
                read(name, data)


# --- every upload endpoint ----------------------------------------------------------------

ENDPOINTS = {
    "/impor/": ("file", {}),
    "/klaim/impor-kematian/": ("file", {"commit": "on"}),
    "/pertukaran/bpjs/impor/": ("file", {}),
    "/pertukaran/opensid/": ("impor-file", {"impor-village": testing.VILLAGE_A}),
    "/pertukaran/kobo/": ("file", {}),
    "/cakupan/laporan-bpjs/": ("file", {}),
    "/wilayah/penyebut/": ("file", {}),
}


@pytest.fixture
def admin(client, users, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(jobs, "launch", jobs.process)  # import jobs run inline
    user = users[Role.ADMIN_KABUPATEN]
    client.force_login(user)
    return user


@pytest.mark.parametrize("url", sorted(ENDPOINTS))
def test_each_hostile_file_is_refused_by_each_endpoint(
    url, client, admin, corpus, django_capture_on_commit_callbacks
):
    field, extra = ENDPOINTS[url]
    assert client.get(url).status_code == 200, url
    max_rows = filesafety.MAX_ROWS if url == "/impor/" else SMALL_TABLE_ROWS
    for name, data in corpus.items():
        before = _counts()
        jobs_before = set(ImportJob.objects.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url, {field: SimpleUploadedFile(name, data), **extra}, follow=True
            )
        assert response.status_code == 200, (url, name)
        message = _refusal(name, data, max_rows)
        if url == "/impor/":
            job = ImportJob.objects.exclude(pk__in=jobs_before).get()
            assert job.status == ImportJob.Status.FAILED, (name, job.status)
            assert job.message == message, name
        else:
            assert escape(message) in response.content.decode(), (url, name)
        assert _counts() == before, (url, name)


# --- the command line ---------------------------------------------------------------------

CLI = textwrap.dedent(
    """
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))
    import django
    django.setup()
    from django.core.management import call_command
    for path in sys.argv[1:]:
        print("FILE", path, flush=True)
        call_command("import_workers", path, "--commit", "--no-progress")
    """
)


def _env(tmp_path) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "lindung.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'untouched.sqlite3'}",
        "LINDUNG_HOME": str(tmp_path),
    }


def test_cli_refuses_every_file_under_a_memory_ceiling(tmp_path, corpus):
    paths = []
    for name, data in corpus.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    done = subprocess.run(
        [sys.executable, "-c", CLI, *paths],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    blocks = done.stdout.split("FILE ")[1:]
    assert len(blocks) == len(corpus)
    for block in blocks:
        name = os.path.basename(block.split()[0])
        assert "0 diterima" in block and EXPECTED[name] in block, block


def test_lindung_import_workers_survives_the_sparse_range(tmp_path, corpus):
    """The 1.8 KB file that made `lindung import_workers` abort with exit code 134."""
    path = tmp_path / "sparse_range.xlsx"
    path.write_bytes(corpus["sparse_range.xlsx"])
    lindung = os.path.join(os.path.dirname(sys.executable), "lindung")
    done = subprocess.run(
        ["bash", "-c", f'ulimit -v 3000000 && exec "{lindung}" import_workers "{path}"'],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "kolom ke-16.384" in done.stdout

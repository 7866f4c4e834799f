"""Workbooks in the browser pages: the preview names the sheets, the error report keeps
them, and the mapping step offers a TTL column."""

import io

import openpyxl
import pytest
from django.urls import reverse

from lindung.accounts.models import Role
from lindung.imports.models import ImportJob

from .helpers import HEADER, csv_bytes, person
from .layouts import sample_groups, sheet_per_dusun
from .test_views import upload

pytestmark = pytest.mark.usefixtures("setup_import", "inline_jobs")


def test_preview_names_the_sheets_read_and_left_out(
    client, users, django_capture_on_commit_callbacks
):
    content, _positions = sheet_per_dusun(sample_groups())
    upload(client, users[Role.PETUGAS_BPJS], content, "desa.xlsx",
           django_capture_on_commit_callbacks)  # fmt: skip
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.VALIDATED and job.rows == 12
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    for sheet in ("Dusun Lauq", "Dusun Daya", "Dusun Tengak"):
        assert f"Lembar «{sheet}»: 4 baris pekerja." in page
    assert "Lembar «REKAP» dilewati: tidak berisi daftar pekerja" in page
    assert "Lembar «Catatan» dilewati" in page and "Lembar «Pivot» dilewati" in page
    assert "1 baris dilewati (baris jumlah/subtotal)." in page
    assert "<th>Lembar</th>" in page  # the problem list says which sheet
    assert "<td>Dusun Daya</td>" in page


def test_error_report_keeps_every_worker_sheet(client, users, django_capture_on_commit_callbacks):
    content, positions = sheet_per_dusun(sample_groups())
    upload(client, users[Role.PETUGAS_BPJS], content, "desa.xlsx",
           django_capture_on_commit_callbacks)  # fmt: skip
    job = ImportJob.objects.get()
    response = client.get(reverse("imports:report", args=[job.pk]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Dusun Lauq", "Dusun Daya", "Dusun Tengak"]
    daya = [[c.value for c in r] for r in book["Dusun Daya"].iter_rows()]
    problem_column = len(HEADER) + 1  # "No" column first
    assert daya[3][problem_column] == "Masalah impor"
    assert daya[6][1] == positions[("Dusun Daya", 7)]
    assert "[duplicate_in_file]" in daya[6][problem_column]
    lauq = [[c.value for c in r] for r in book["Dusun Lauq"].iter_rows()]
    assert "[birthdate_invalid]" in lauq[7][problem_column]
    assert lauq[5][problem_column] in (None, "")  # a good row has no problem


def test_mapping_step_offers_the_ttl_column(client, users, django_capture_on_commit_callbacks):
    header = ["Nomor KTP Warga", "Nama Lengkap", "Tempat/Tgl Lahir", "Desa/Kelurahan"]
    row = person(serial=750)
    values = dict(zip(header, [row["NIK"], row["Nama Lengkap"], f"Selong, {row['Tgl Lahir']}",
                               row["Desa/Kelurahan"]], strict=True))  # fmt: skip
    upload(client, users[Role.PETUGAS_BPJS], csv_bytes([values], header=header), "d.csv",
           django_capture_on_commit_callbacks)  # fmt: skip
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.NEEDS_MAPPING
    page = client.get(reverse("imports:mapping", args=[job.pk])).content.decode()
    assert '<label for="id_birth_ttl">Tempat/Tgl Lahir' in page
    assert '<option value="2" selected>Tempat/Tgl Lahir (kolom 3)</option>' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports:mapping", args=[job.pk]),
            {"nik": "0", "name": "1", "birth_ttl": "2", "village": "3"},
        )
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED and job.accepted == 1, job.result


def test_preview_of_a_csv_says_which_rows_were_left_out(
    client, users, django_capture_on_commit_callbacks
):
    rows = [person(serial=790), person(serial=791)]
    content = csv_bytes(rows) + b"JUMLAH;;;;;;;;2\r\n"
    upload(client, users[Role.PETUGAS_BPJS], content, "d.csv", django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "Berkas: 2 baris pekerja. 1 baris dilewati (baris jumlah/subtotal)." in page
    assert "<th>Lembar</th>" not in page


def test_compiled_workbook_in_the_browser_refuses_villages_outside_the_operators_area(
    client, users, django_capture_on_commit_callbacks
):
    from lindung.core import testing
    from lindung.workers.models import Worker

    from .layouts import compiled_regency

    content, _positions = compiled_regency(sample_groups())
    operator = users[Role.OPERATOR_DESA]  # Danggen Timur only
    upload(client, operator, content, "kabupaten.xlsx", django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "Lembar «REKAP KABUPATEN»: 12 baris pekerja." in page
    assert "Lembar «REKAP» dilewati" in page
    # Pancor (Selong) and Tanjung Luar (Keruak): three rows refused with the reason.
    refused = [p for p in job.result["errors"] if "di luar wilayah kerja Anda" in p["message"]]
    assert len(refused) == 3 and {p["sheet"] for p in refused} == {"REKAP KABUPATEN"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:commit", args=[job.pk]))
    assert set(Worker.objects.values_list("village_id", flat=True)) == {testing.VILLAGE_A}

"""Pages: upload -> preview -> commit, mapping, downloads, review queue, and area scoping."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindung.accounts.models import Role
from lindung.core import testing
from lindung.imports import jobs
from lindung.imports.models import ImportJob, PossibleDuplicate
from lindung.imports.services import run_import
from lindung.workers.models import Worker

from .helpers import HEADER, csv_bytes, person

pytestmark = pytest.mark.usefixtures("setup_import", "inline_jobs")


def upload(client, user, content: bytes, name="daftar.csv", callbacks=None):
    client.force_login(user)
    with callbacks(execute=True):
        return client.post(reverse("imports:index"), {"file": SimpleUploadedFile(name, content)})


def test_upload_preview_commit_flow(client, users, django_capture_on_commit_callbacks):
    operator = users[Role.OPERATOR_DESA]
    rows = [person(serial=1), person(serial=2, **{"Nama Lengkap": ""})]
    response = upload(
        client, operator, csv_bytes(rows), callbacks=django_capture_on_commit_callbacks
    )
    job = ImportJob.objects.get()
    assert response.url == reverse("imports:detail", args=[job.pk])
    assert job.status == ImportJob.Status.VALIDATED and job.accepted == 1 and job.rejected == 1
    assert Worker.objects.count() == 0
    page = client.get(response.url)
    assert "name_missing" in page.content.decode() and "Simpan 1 baris" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED and job.created_count == 1
    assert Worker.objects.get().created_by == operator
    report = client.get(reverse("imports:report", args=[job.pk]))
    text = report.content.decode("utf-8-sig")
    assert "Masalah impor" in text.splitlines()[0]
    assert "[name_missing]" in text.splitlines()[2] and text.splitlines()[1].endswith(';""')


def test_xlsx_error_report_keeps_the_sheet_and_adds_a_column(
    client, users, django_capture_on_commit_callbacks
):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DAFTAR PEKERJA"])
    sheet.append(HEADER)
    good, bad = person(serial=3), person(serial=4, **{"Tgl Lahir": "kemarin"})
    for row in (good, bad):
        sheet.append([row[h] for h in HEADER])
    buffer = io.BytesIO()
    book.save(buffer)
    upload(
        client,
        users[Role.PETUGAS_BPJS],
        buffer.getvalue(),
        "d.xlsx",
        django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    response = client.get(reverse("imports:report", args=[job.pk]))
    out = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in r] for r in out.iter_rows()]
    assert values[0][0] == "DAFTAR PEKERJA" and values[1][len(HEADER)] == "Masalah impor"
    assert values[2][0] == good["NIK"] and values[2][len(HEADER)] in (None, "")
    assert "birthdate_invalid" in values[3][len(HEADER)]


def test_unsure_headers_ask_for_a_mapping(client, users, django_capture_on_commit_callbacks):
    header = ["NIK", "Nama", "Tangal Lahr", "Desa"]
    content = csv_bytes([{"NIK": person(serial=5)["NIK"], "Nama": "Budi Santoso",
                          "Tangal Lahr": person(serial=5)["Tgl Lahir"], "Desa": "Danggen Timur"}],
                        header=header)  # fmt: skip
    operator = users[Role.OPERATOR_DESA]
    upload(client, operator, content, callbacks=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.NEEDS_MAPPING
    page = client.get(reverse("imports:mapping", args=[job.pk]))
    assert "perlu dicek" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports:mapping", args=[job.pk]),
            {"nik": "0", "name": "1", "birth_date": "2", "village": "3"},
        )
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED and job.accepted == 1


def test_mapping_refuses_one_column_for_two_fields(client, users):
    job = ImportJob.objects.create(
        original_name="a.csv", area_id=testing.VILLAGE_A, status=ImportJob.Status.NEEDS_MAPPING,
        result={"headers": ["NIK", "Nama", "X", "Desa"]},
    )  # fmt: skip
    client.force_login(users[Role.OPERATOR_DESA])
    page = client.post(
        reverse("imports:mapping", args=[job.pk]),
        {"nik": "0", "name": "0", "birth_date": "2", "village": "3"},
    )
    assert "hanya boleh dipetakan" in page.content.decode()


def test_broken_file_fails_visibly(client, users, django_capture_on_commit_callbacks):
    upload(
        client,
        users[Role.OPERATOR_DESA],
        bytes(range(256)) * 10,
        "x.xlsx",
        django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert (
        "bukan lembar kerja"
        in client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    )


def test_upload_form_rejects_big_and_unknown_files(client, users, settings):
    settings.LINDUNG_MAX_UPLOAD_BYTES = 1000
    client.force_login(users[Role.OPERATOR_DESA])
    page = client.post(reverse("imports:index"), {"file": SimpleUploadedFile("a.csv", b"x" * 2000)})
    assert "terlalu besar" in page.content.decode()
    page = client.post(reverse("imports:index"), {"file": SimpleUploadedFile("a.pdf", b"x")})
    assert "tidak didukung" in page.content.decode()
    assert ImportJob.objects.count() == 0


def test_template_has_text_nik_and_drop_downs(client, users):
    client.force_login(users[Role.OPERATOR_DESA])
    response = client.get(reverse("imports:template"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["Data pekerja"]
    assert sheet["A1"].value == "NIK"
    assert sheet.column_dimensions["A"].number_format == "@"
    sources = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert "Daftar!$A$1:$A$2" in {s.lstrip("=") for s in sources if s}
    villages = [c.value for c in book["Daftar"]["B"] if c.value]
    assert villages == ["Danggen Timur"]  # the operator's own village only


def test_progress_fragment_polls_while_running(client, users):
    job = ImportJob.objects.create(
        original_name="a.csv", area_id=testing.VILLAGE_A, status=ImportJob.Status.VALIDATING
    )
    jobs.FileProgress(job.pk)("validate", 50, 200)
    client.force_login(users[Role.OPERATOR_DESA])
    html = client.get(reverse("imports:progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and "25%" in html


@pytest.mark.parametrize("name", ["detail", "progress", "mapping", "commit", "report"])
def test_other_village_operator_gets_404_on_job_pages(client, users, other_village_operator, name):
    job = ImportJob.objects.create(
        original_name="a.csv", area_id=testing.VILLAGE_A, status=ImportJob.Status.VALIDATED
    )
    client.force_login(other_village_operator)
    url = reverse(f"imports:{name}", args=[job.pk])
    response = client.post(url) if name == "commit" else client.get(url)
    assert response.status_code == 404


def test_job_list_shows_only_own_area(client, users, other_village_operator):
    ImportJob.objects.create(original_name="desa-a.csv", area_id=testing.VILLAGE_A)
    ImportJob.objects.create(original_name="desa-b.csv", area_id=testing.VILLAGE_B)
    client.force_login(other_village_operator)
    html = client.get(reverse("imports:index")).content.decode()
    assert "desa-b.csv" in html and "desa-a.csv" not in html


@pytest.mark.parametrize("role", [Role.CAMAT, Role.VIEWER])
def test_read_only_roles_cannot_import(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("imports:index")).status_code == 403
    assert client.get(reverse("imports:template")).status_code == 403


def _pair():
    born = dt.date(1991, 2, 3)
    rows = [person(birth=born, name="Baiq Nurul Hidayah", serial=8),
            person(birth=born, name="Baiq Nurul Hidayat", serial=9, **{"No HP": ""})]  # fmt: skip
    rows[0]["No HP"] = ""
    rows[1]["No HP"] = "081234567890"
    run_import("a.csv", csv_bytes(rows), commit=True)
    return PossibleDuplicate.objects.get()


def test_review_queue_merge(client, users):
    pair = _pair()
    client.force_login(users[Role.OPERATOR_DESA])
    assert "Baiq Nurul Hidayat" in client.get(reverse("imports:duplicates")).content.decode()
    response = client.post(
        reverse("imports:duplicate_detail", args=[pair.pk]), {"decision": "merge"}
    )
    assert response.status_code == 302
    kept = Worker.objects.get()
    assert kept.name == "Baiq Nurul Hidayah" and kept.phone == "+6281234567890"
    pair.refresh_from_db()
    assert pair.status == PossibleDuplicate.Status.MERGED and pair.worker == kept
    assert "Hidayat" in pair.merged_summary
    assert kept.history.first().history_type == "~"


def test_review_queue_distinct_clears_the_flag(client, users):
    pair = _pair()
    client.force_login(users[Role.PETUGAS_BPJS])
    client.post(reverse("imports:duplicate_detail", args=[pair.pk]), {"decision": "distinct"})
    pair.refresh_from_db()
    assert pair.status == PossibleDuplicate.Status.DISTINCT
    assert Worker.objects.count() == 2
    assert "possible_duplicate" not in pair.worker.verification_flags


def test_review_queue_is_scoped_and_read_only_for_viewers(client, users, other_village_operator):
    pair = _pair()
    client.force_login(other_village_operator)
    assert "Baiq" not in client.get(reverse("imports:duplicates")).content.decode()
    assert client.get(reverse("imports:duplicate_detail", args=[pair.pk])).status_code == 404
    client.force_login(users[Role.VIEWER])
    page = client.get(reverse("imports:duplicate_detail", args=[pair.pk])).content.decode()
    assert pair.worker.nik not in page  # masked for roles without personal-data need
    assert (
        client.post(
            reverse("imports:duplicate_detail", args=[pair.pk]), {"decision": "merge"}
        ).status_code
        == 403
    )
    assert Worker.objects.count() == 2


def test_nav_entries(client, users):
    client.force_login(users[Role.OPERATOR_DESA])
    html = client.get(reverse("imports:duplicates")).content.decode()
    assert ">Impor data<" in html and ">Duplikat<" in html
    client.force_login(users[Role.VIEWER])
    html = client.get(reverse("imports:duplicates")).content.decode()
    assert ">Impor data<" not in html and ">Duplikat<" in html


def test_reimport_says_plainly_that_nothing_new_is_saved(
    client, users, django_capture_on_commit_callbacks
):
    operator = users[Role.OPERATOR_DESA]
    content = csv_bytes([person(serial=1), person(serial=2)])
    first = upload(client, operator, content, callbacks=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:commit", args=[ImportJob.objects.get().pk]))
    again = upload(client, operator, content, callbacks=django_capture_on_commit_callbacks)
    assert again.url != first.url
    text = client.get(again.url).content.decode()
    assert "Tidak ada data baru yang akan disimpan" in text
    assert "sudah terdaftar di registri" in text
    assert "2 baris: sudah terdaftar di registri (NIK sama)" in text


def test_preview_shows_how_accepted_values_were_read(
    client, users, django_capture_on_commit_callbacks
):
    row = person(serial=1, **{"Penghasilan": "1,5 jt", "Tgl Lahir": "12/05/1990"})
    response = upload(
        client, users[Role.OPERATOR_DESA], csv_bytes([row]),
        callbacks=django_capture_on_commit_callbacks,
    )  # fmt: skip
    text = client.get(response.url).content.decode()
    assert "«1,5 jt» → <strong>Rp1.500.000</strong>" in text
    assert "«12/05/1990» → <strong>12 Mei 1990</strong>" in text


def test_viewer_sees_age_and_region_only_on_a_pair(client, users):
    pair = _pair()
    client.force_login(users[Role.VIEWER])
    page = client.get(reverse("imports:duplicate_detail", args=[pair.pk])).content.decode()
    assert pair.worker.nik[:6] in page and pair.worker.nik[6:] not in page
    assert "03/02/1991" not in page and "1991" not in page  # age, not the date of birth

"""Pages under /pertukaran/: permissions, scoping (404 outside the area), downloads."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lindung.audit.models import AccessLog
from lindung.core import testing
from lindung.enrollment.models import Membership
from lindung.exchange import bpjs_export, bpjs_status, opensid
from lindung.exchange.models import ExchangeImport, ExportBatch, ExportProfile

from .test_opensid_kobo import opensid_file

pytestmark = pytest.mark.django_db


def _profile():
    return ExportProfile.objects.get(is_default=True)


def test_index_for_every_role(client, users):
    for role, user in users.items():
        client.force_login(user)
        page = client.get("/pertukaran/")
        assert page.status_code == 200, role
        assert "Pertukaran data" in page.content.decode()


def test_nav_entry(client, users):
    client.force_login(users["viewer"])
    assert 'href="/pertukaran/"' in client.get("/").content.decode()


def test_export_page_preview_and_download(client, registrations, users):
    client.force_login(users["operator_desa"])
    page = client.get("/pertukaran/bpjs/ekspor/").content.decode()
    assert registrations["in"][0].worker.nik in page
    assert registrations["out"].worker.nik not in page
    assert "belum dikonfirmasi" in page
    assert 'name="submit"' not in page  # operators cannot move rows to «Diajukan»
    response = client.post(
        "/pertukaran/bpjs/ekspor/", {"profile": _profile().pk, "file_format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 7
    assert Membership.objects.filter(status="diverifikasi").count() == 7  # not submitted
    assert AccessLog.objects.filter(user=users["operator_desa"], action="export").exists()


def test_export_page_submit_moves_to_diajukan(client, registrations, users):
    client.force_login(users["petugas_bpjs"])
    response = client.post(
        "/pertukaran/bpjs/ekspor/",
        {
            "profile": _profile().pk,
            "file_format": "xlsx",
            "area": testing.VILLAGE_A,
            "submit": "on",
        },
    )
    assert response.status_code == 200
    assert Membership.objects.filter(status="diajukan").count() == 6
    batch = ExportBatch.objects.get()
    assert client.get(f"/pertukaran/bpjs/batch/{batch.pk}/").status_code == 200


def test_export_forbidden_for_viewer(client, registrations, users):
    client.force_login(users["viewer"])
    assert client.get("/pertukaran/bpjs/ekspor/").status_code == 403


def test_batch_and_import_of_other_village_are_404(
    client, registrations, users, other_village_operator
):
    batch = bpjs_export.export_batch(users["operator_desa"], _profile()).batch
    opensid_imp = opensid.preview(
        users["operator_desa"], "p.csv", opensid_file(), testing.VILLAGE_A
    )
    client.force_login(other_village_operator)
    assert client.get(f"/pertukaran/bpjs/batch/{batch.pk}/").status_code == 404
    assert client.get(f"/pertukaran/impor/{opensid_imp.pk}/").status_code == 404
    assert client.get(f"/pertukaran/impor/{opensid_imp.pk}/laporan.csv").status_code == 404
    assert client.post(f"/pertukaran/impor/{opensid_imp.pk}/terapkan/").status_code == 404
    index = client.get("/pertukaran/").content.decode()
    assert "p.csv" not in index
    client.force_login(users["operator_desa"])
    assert client.get(f"/pertukaran/impor/{opensid_imp.pk}/").status_code == 200


def test_status_import_pages(client, registrations, users):
    m = registrations["in"][0]
    Membership.objects.filter(pk=m.pk).update(status="diajukan")
    client.force_login(users["operator_desa"])
    assert client.get("/pertukaran/bpjs/impor/").status_code == 403
    client.force_login(users["petugas_bpjs"])
    data = f"NIK,NAMA,KPJ,STATUS\n{m.worker.nik},{m.worker.name},23001,aktif\n9,X,,aktip\n"
    response = client.post(
        "/pertukaran/bpjs/impor/", {"file": SimpleUploadedFile("bpjs.csv", data.encode())}
    )
    imp = ExchangeImport.objects.get()
    assert response.status_code == 302 and response.url == f"/pertukaran/impor/{imp.pk}/"
    page = client.get(response.url).content.decode()
    assert "aktip" in page and "tidak dikenali" in page
    report = client.get(f"/pertukaran/impor/{imp.pk}/laporan.csv").content.decode("utf-8-sig")
    assert "aktip" in report and m.worker.name not in report
    assert "Bila diterapkan: Status diubah" in page  # the preview says what apply will do
    # No payment recorded here: BPJS's «aktif» means it was paid at BPJS, so it applies.
    client.post(f"/pertukaran/impor/{imp.pk}/terapkan/")
    m.refresh_from_db()
    imp.refresh_from_db()
    assert (m.status, m.kpj) == ("aktif", "23001") and imp.state == "applied"
    assert imp.report[0]["problem"] == "" and imp.report[0]["applied"]
    # Viewing masks NIKs for roles without personal data access.
    client.force_login(users["camat"])
    assert m.worker.nik not in client.get(f"/pertukaran/impor/{imp.pk}/").content.decode()


def test_bad_upload_messages(client, users):
    client.force_login(users["petugas_bpjs"])
    page = client.post(
        "/pertukaran/bpjs/impor/", {"file": SimpleUploadedFile("x.pdf", b"%PDF")}
    ).content.decode()
    assert "Format berkas tidak didukung" in page
    page = client.post(
        "/pertukaran/bpjs/impor/", {"file": SimpleUploadedFile("x.csv", b"NIK,NAMA\n1,A\n")}
    ).content.decode()
    assert "Kolom STATUS tidak ditemukan" in page


def test_opensid_and_kobo_pages(client, users):
    client.force_login(users["operator_desa"])
    assert client.get("/pertukaran/opensid/").status_code == 200
    response = client.post(
        "/pertukaran/opensid/",
        {
            "impor-village": testing.VILLAGE_A,
            "impor-file": SimpleUploadedFile("p.csv", opensid_file()),
        },
    )
    assert response.status_code == 302
    imp = ExchangeImport.objects.get()
    page = client.get(response.url).content.decode()
    assert "PEGAWAI NEGERI SIPIL" in page
    client.post(f"/pertukaran/impor/{imp.pk}/terapkan/")
    imp.refresh_from_db()
    assert imp.state == "applied" and imp.summary["created"] == 5
    export = client.get("/pertukaran/opensid/status.xlsx", {"ekspor-desa": testing.VILLAGE_A})
    assert export.status_code == 200 and export.content[:2] == b"PK"
    assert export["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert "Belum terdaftar" in {c.value for row in sheet.iter_rows() for c in row}
    page = client.get("/pertukaran/opensid/").content.decode()
    assert "bukan untuk diimpor ke OpenSID" in page  # the page says what the file is
    outside = client.get("/pertukaran/opensid/status.xlsx", {"ekspor-desa": testing.VILLAGE_B})
    assert outside.status_code == 302  # not a choice for this operator
    assert client.get("/pertukaran/kobo/").status_code == 200
    form = client.get("/pertukaran/kobo/xlsform.xlsx")
    assert form.status_code == 200 and form.content[:2] == b"PK"
    client.force_login(users["viewer"])
    assert client.post("/pertukaran/kobo/", {}).status_code == 403


def test_profile_editing_admin_only(client, users):
    profile = _profile()
    client.force_login(users["operator_desa"])
    assert client.get("/pertukaran/profil/").status_code == 200
    assert client.get(f"/pertukaran/profil/{profile.pk}/").status_code == 403
    client.force_login(users["admin_kabupaten"])
    bad = client.post(
        f"/pertukaran/profil/{profile.pk}/",
        {"name": profile.name, "columns_text": "NIK = nik\nIBU = nama_ibu", "is_default": "on"},
    ).content.decode()
    assert "tidak dikenal" in bad
    client.post(
        f"/pertukaran/profil/{profile.pk}/",
        {"name": profile.name, "columns_text": "NIK = nik\nNAMA = nama\nKPJ = kpj",
         "is_default": "on", "confirmed_by_branch": "on"},
    )  # fmt: skip
    profile.refresh_from_db()
    assert [c["source"] for c in profile.columns] == ["nik", "nama", "kpj"]
    assert profile.confirmed_by_branch


def test_status_preview_refuses_non_branch_roles(users):
    with pytest.raises(bpjs_status.StatusImportError):
        bpjs_status.preview(users["camat"], "a.csv", b"NIK,STATUS\n1,aktif\n")


def test_index_and_detail_survive_an_import_without_summary(client, users):
    """A failed import may keep an empty summary; its pages show dashes, not an error page."""
    imp = ExchangeImport.objects.create(
        kind="opensid",
        state="failed",
        area_id=testing.VILLAGE_A,
        file_name="rusak.csv",
        sha256="0" * 64,
        summary={},
    )
    client.force_login(users["admin_kabupaten"])
    index = client.get("/pertukaran/")
    assert index.status_code == 200 and "rusak.csv" in index.content.decode()
    assert client.get(f"/pertukaran/impor/{imp.pk}/").status_code == 200

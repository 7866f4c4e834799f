"""An operator uploads a village list in the browser, watches it, previews and commits it."""

import pytest

from lindung.workers import testing
from lindung.workers.models import Worker

from .helpers import csv_bytes, ensure_sectors, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_preview_commit_in_the_browser(
    page, browser_login, screenshot_dir, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    testing.load_lombok_timur()
    ensure_sectors()
    operator = testing.make_user("operator_desa", testing.VILLAGE_A)
    rows = [person(serial=1), person(serial=2), person(serial=3, **{"Tgl Lahir": "kemarin"})]
    browser_login(operator)
    page.click("nav.mainnav summary:has-text('Pendataan')")
    page.click("nav.mainnav >> text=Impor data")
    page.set_input_files("input[type=file]", files=[
        {"name": "daftar.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows)}
    ])  # fmt: skip
    page.click("text=Unggah dan periksa")
    page.wait_for_selector("text=Simpan 2 baris yang diterima")
    assert "birthdate_invalid" in page.content()
    page.screenshot(path=screenshot_dir / "import-preview.png", full_page=True)
    assert Worker.objects.count() == 0
    page.click("text=Simpan 2 baris yang diterima")
    page.wait_for_selector("text=2 pekerja baru tersimpan.")
    assert Worker.objects.count() == 2
    page.screenshot(path=screenshot_dir / "import-committed.png", full_page=True)


def test_multi_sheet_workbook_preview_names_the_sheets(
    page, browser_login, screenshot_dir, settings, tmp_path
):
    from .layouts import sample_groups, sheet_per_dusun

    settings.MEDIA_ROOT = tmp_path
    testing.load_lombok_timur()
    ensure_sectors()
    officer = testing.make_user("petugas_bpjs", testing.REGENCY)
    content, _positions = sheet_per_dusun(sample_groups())
    browser_login(officer)
    page.click("nav.mainnav summary:has-text('Pendataan')")
    page.click("nav.mainnav >> text=Impor data")
    page.set_input_files("input[type=file]", files=[{
        "name": "desa-danggen-timur.xlsx",
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": content,
    }])  # fmt: skip
    page.click("text=Unggah dan periksa")
    page.wait_for_selector("#sheets")
    sheets = page.inner_text("#sheets")
    for name in ("Dusun Lauq", "Dusun Daya", "Dusun Tengak"):
        assert f"Lembar «{name}»: 4 baris pekerja." in sheets
    assert "Lembar «REKAP» dilewati" in sheets and "Lembar «Catatan» dilewati" in sheets
    problems = page.inner_text("table:has(th:text('Kode'))")
    assert "Dusun Daya" in problems and "duplicate_in_file" in problems
    page.screenshot(path=screenshot_dir / "import-workbook-preview.png", full_page=True)
    page.click("text=Simpan 8 baris yang diterima")
    page.wait_for_selector("text=8 pekerja baru tersimpan.")
    assert Worker.objects.count() == 8


def test_preview_names_a_possible_duplicate_registered_in_another_village(
    page, browser_login, screenshot_dir, settings, tmp_path
):
    import datetime as dt

    from lindung.workers.nik import compose_nik

    settings.MEDIA_ROOT = tmp_path
    testing.load_lombok_timur()
    ensure_sectors()
    born = dt.date(1984, 7, 9)
    nik = compose_nik(testing.KECAMATAN_B, born, "L", 12)
    testing.make_worker(testing.VILLAGE_B, nik=nik, name="Lalu Muhammad Sahnun",
                        birth_date=born)  # fmt: skip
    transposed = nik[:13] + nik[14] + nik[13] + nik[15]
    operator = testing.make_user("operator_desa", testing.VILLAGE_A)
    browser_login(operator)
    page.click("nav.mainnav summary:has-text('Pendataan')")
    page.click("nav.mainnav >> text=Impor data")
    row = person(birth=born, name="L. Moh. Sahnun", NIK=transposed)
    page.set_input_files("input[type=file]", files=[
        {"name": "daftar.csv", "mimeType": "text/csv", "buffer": csv_bytes([row])}
    ])  # fmt: skip
    page.click("text=Unggah dan periksa")
    page.wait_for_selector("text=Simpan 1 baris yang diterima")
    page.click("a.btn:has-text('Peringatan')")
    problems = page.inner_text("table:has(th:text('Kode'))")
    assert "possible_duplicate" in problems
    assert "sudah terdaftar di Desa Tanjung Luar, Kec. Keruak" in problems
    # The operator of Danggen Timur learns where, not who.
    assert "Muhammad Sahnun" not in page.content() and nik not in page.content()
    page.screenshot(path=screenshot_dir / "import-cross-village.png", full_page=True)

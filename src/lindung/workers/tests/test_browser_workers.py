"""In a real browser: an operator registers a worker, an editor verifies, the list shows it."""

import pytest
from playwright.sync_api import expect

from lindung.workers import testing
from lindung.workers.models import Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_verify_list(page, browser_login, screenshot_dir, _playwright_browser, live_server):
    testing.load_lombok_timur()
    testing.default_sector()  # transactional tests start without the seeded rows
    operator = testing.make_user("operator_desa", testing.VILLAGE_A)
    petugas = testing.make_user("petugas_bpjs", testing.REGENCY)

    browser_login(operator)
    page.click("nav.mainnav summary:has-text('Pendataan')")
    page.click("nav.mainnav >> text=Pekerja")
    page.click("text=Tambah pekerja")
    # First attempt: a NIK damaged by Excel gets the specific message, nothing is saved.
    page.fill("#id_nik", "5.20307E+15")
    page.fill("#id_name", "Baiq Sumiati")
    page.select_option("#id_sector", label="Buruh tani")
    page.click("main button:has-text('Simpan')")
    assert "Format kolom NIK sebagai Teks" in page.locator("#id_nik_error").inner_text()
    page.screenshot(path=screenshot_dir / "workers-form-error.png", full_page=True)
    assert not Worker.objects.exists()

    # Second attempt: a valid NIK, with a birth date that differs from the NIK's.
    page.fill("#id_nik", "5203 0757 0590 0012")
    page.fill("#id_birth_date", "1990-05-18")
    page.fill("#id_phone", "0812-3456-7890")
    page.click("main button:has-text('Simpan')")
    page.wait_for_url("**/pekerja/*/")
    assert "Perlu verifikasi" in page.locator("h1").inner_text()
    assert "17 Mei 1990" in page.locator("#verifikasi").inner_text()
    worker = Worker.objects.get()
    assert worker.village_id == testing.VILLAGE_A and worker.sex == "P"
    page.screenshot(path=screenshot_dir / "workers-detail-flagged.png", full_page=True)

    # The BPJS officer checks the KTP and marks the record verified.
    page.context.clear_cookies()
    browser_login(petugas)
    page.goto(f"/pekerja/{worker.pk}/")
    page.click("#verifikasi button")
    assert "ditandai terverifikasi" in page.locator(".messages").inner_text()
    expect(page.locator("h1")).to_contain_text("Terverifikasi")

    page.click("nav.mainnav summary:has-text('Pendataan')")
    page.click("nav.mainnav >> text=Pekerja")
    # count() does not wait for the list to load; expect() does
    row = page.locator("tbody tr", has_text="Baiq Sumiati")
    expect(row).to_have_count(1)
    assert "5203075705900012" in row.inner_text()
    assert "Terverifikasi" in row.inner_text()
    page.screenshot(path=screenshot_dir / "workers-list.png", full_page=True)
    worker.refresh_from_db()
    assert worker.verification_flags == [] and worker.verified_by == petugas


def test_csv_for_excel_download_uses_semicolons(page, browser_login, live_server):
    testing.load_lombok_timur()
    testing.default_sector()
    testing.make_worker(testing.VILLAGE_A, name="Inaq Sari", address="Dusun Lauq, RT 02; RW 01")
    testing.make_worker(testing.VILLAGE_A, name="Amaq Udin")
    browser_login(testing.make_user("admin_kabupaten", testing.REGENCY))
    page.goto("/pekerja/?q=Sari")
    with page.expect_download() as info:
        page.click("text=CSV untuk Excel")
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    text = download.path().read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    # Semicolon-separated, the list's filter kept, the text with , and ; one quoted cell.
    assert lines[0].startswith('"NIK";"Nama";') and len(lines) == 2
    assert '"Inaq Sari"' in lines[1] and ';"Dusun Lauq, RT 02; RW 01";' in lines[1]

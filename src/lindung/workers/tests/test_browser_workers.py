"""In a real browser: an operator registers a worker, an editor verifies, the list shows it."""

import pytest

from lindung.core import testing
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
    assert "Format kolom NIK sebagai Teks" in page.locator("#id_nik_errors").inner_text()
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
    assert "Terverifikasi" in page.locator("h1").inner_text()

    page.click("nav.mainnav summary:has-text('Pendataan')")
    page.click("nav.mainnav >> text=Pekerja")
    row = page.locator("tbody tr", has_text="Baiq Sumiati")
    assert row.count() == 1
    assert "5203075705900012" in row.inner_text()
    assert "Terverifikasi" in row.inner_text()
    page.screenshot(path=screenshot_dir / "workers-list.png", full_page=True)
    worker.refresh_from_db()
    assert worker.verification_flags == [] and worker.verified_by == petugas

"""An operator uploads a village list in the browser, watches it, previews and commits it."""

import pytest

from lindung.core import testing
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

"""A report job in a real browser: the dashboard button, the progress bar that reloads the page
when the worker is done, the download; and a desa's report downloaded at once."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lindung.core import jobqueue
from lindung.coverage import reportjobs
from lindung.coverage.models import ReportJob
from lindung.coverage.snapshots import refresh_area
from lindung.workers import testing

from .conftest import member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_camat_requests_a_report_watches_it_finish_and_downloads_it(
    page, browser_login, settings, tmp_path, screenshot_dir
):
    settings.MEDIA_ROOT = tmp_path
    testing.load_lombok_timur()
    member(testing.VILLAGE_A)
    member(testing.VILLAGE_A2)
    member(testing.VILLAGE_B)
    refresh_area(testing.REGENCY)
    camat = testing.make_user("camat", testing.KECAMATAN_A)
    jobqueue.beat()  # a "worker" is alive: the job waits in the database for this test to run
    try:
        browser_login(camat)
        page.goto(f"/cakupan/{testing.KECAMATAN_A}/")
        page.get_by_role("button", name="Laporan bulanan XLSX").click()
        page.wait_for_url(re.compile(r"/cakupan/laporan/\d+/$"))
        assert "Menunggu giliran" in page.locator("#progress").inner_text()
        assert page.locator("#download").count() == 0
        page.screenshot(path=screenshot_dir / "coverage-report-job-waiting.png", full_page=True)
        job = ReportJob.objects.get()
        assert (job.created_by_id, job.area_id, job.fmt) == (
            camat.pk,
            testing.KECAMATAN_A,
            "xlsx",
        )
        reportjobs.process(job.pk)  # what run_jobs does
        page.wait_for_selector("#download", timeout=10_000)  # polled, then reloaded by htmx
        page.screenshot(path=screenshot_dir / "coverage-report-job-done.png", full_page=True)
        with page.expect_download() as info:
            page.click("#download")
        download = info.value
        job.refresh_from_db()
        assert download.suggested_filename == job.filename
        sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))["Ringkasan"]
        summary = {row[0].value: row[1].value for row in sheet.iter_rows()}
        assert summary["  Peserta BPU didaftarkan Lindung"] == 2

        # A desa's report needs no job: the same button downloads it at once.
        page.goto(f"/cakupan/{testing.VILLAGE_A}/")
        with page.expect_download() as info:
            page.get_by_role("button", name="Laporan bulanan PDF").click()
        assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
        assert ReportJob.objects.count() == 1
    finally:
        jobqueue.stop_beating()

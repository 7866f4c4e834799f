"""Journey 7: a viewer (Dinas Pertanian, PMD) reads dashboards and reports; nothing is editable
and personal data stays masked."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from lindung.core import jobqueue
from lindung.coverage import reportjobs
from lindung.coverage.models import ReportJob
from lindung.coverage.tests.conftest import member
from lindung.funding.models import FundingSource
from lindung.workers import testing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _editable(page) -> list[str]:
    """Forms that would change something: every POST form on the page but signing out."""
    return page.eval_on_selector_all(
        "form",
        # Asking for a report (form "reports") makes a file for the asker; it changes no record.
        "fs => fs.filter(f => (f.method || '').toLowerCase() === 'post'"
        " && !f.action.endsWith('/keluar/') && f.id !== 'reports').map(f => f.action)",
    )


def test_viewer_reads_everything_and_changes_nothing(journey):
    testing.load_lombok_timur()
    m = member(testing.VILLAGE_A, name="Lalu Ahmad Zaini")
    m.worker.phone = "081234567890"
    m.worker.save()
    FundingSource.objects.create(
        name="APBD 2026 – bantuan iuran pekerja rentan", source_type="APBD", fiscal_year=2026,
        owner_area_id=testing.REGENCY, amount=527_260_400, start_month=dt.date(2026, 1, 1),
        months=12,
    )  # fmt: skip
    viewer = testing.make_user("viewer", testing.REGENCY)
    j = journey("7-pengamat", "desktop")
    page = j.page
    j.login(viewer)
    assert _editable(page) == []
    assert "Rp527.260.400" in j.text()
    j.assert_no_overflow(".card.stat .value")  # amounts stay inside their cards

    visits = [
        ("Cakupan & laporan", "Cakupan UCJ"),
        ("Cakupan & laporan", "Peringkat desa"),
        ("Klaim", "Rekap klaim"),
        ("Sosialisasi", "Laporan hasil"),
        ("Pendanaan", "Sumber dana"),
        ("Kepesertaan", "Daftar kepesertaan"),
        ("Pendataan", "Pekerja"),
    ]
    for group, item in visits:
        j.menu(group, item)
        assert _editable(page) == [], (item, _editable(page))
        j.assert_no_overflow(".card.stat .value")
    assert "Impor data" not in page.locator("nav.mainnav").inner_text()

    # The registry: NIK and phone masked in the list and on the record.
    listing = j.text()
    assert m.worker.nik not in listing
    j.click("Lalu Ahmad Zaini")
    record = j.text()
    j.step("data-pekerja")
    assert m.worker.nik not in record and "081234567890" not in record
    assert "Ubah data" not in record and "Daftarkan kepesertaan" not in record
    assert "Laporkan kematian" not in record
    assert _editable(page) == []

    # The Bupati's monthly report, made in the background and downloaded by the viewer.
    jobqueue.beat()
    j.menu("Cakupan & laporan", "Cakupan UCJ")
    j.button("Laporan bulanan PDF")
    page.wait_for_url(re.compile(r"/cakupan/laporan/\d+/$"))
    reportjobs.process(ReportJob.objects.get().pk)  # what the job worker does
    page.wait_for_selector("#download", timeout=15_000)
    j.step("laporan-siap")
    with page.expect_download() as download:
        page.click("#download")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

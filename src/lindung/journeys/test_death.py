"""Journey 4: a death reported from the worker's page ends the membership, leaves the active
lists and coverage, and becomes a JKM claim paid to the heir, counted in the totals and the
Bupati's report."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from lindung.claims.models import Claim, ClaimStatus
from lindung.core import jobqueue
from lindung.coverage import reportjobs
from lindung.coverage.models import ReportJob
from lindung.coverage.tests.conftest import member
from lindung.enrollment.models import Membership, MembershipStatus
from lindung.workers import testing
from lindung.workers.nik import compose_nik

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _active_count(j) -> str:
    j.menu(None, "Beranda")
    card = j.page.locator(".card.stat", has_text="Peserta aktif").first
    return card.locator(".value").inner_text().strip()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_death_ends_membership_and_becomes_a_paid_claim(journey, size, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    testing.load_lombok_timur()
    today = timezone.localdate()
    m = member(testing.VILLAGE_A, start=dt.date(2025, 6, 1), name="Amaq Sahnan")
    member(testing.VILLAGE_A, start=dt.date(2025, 6, 1))  # a neighbour who stays active
    died = today - dt.timedelta(days=3)
    operator = testing.make_user("operator_desa", testing.VILLAGE_A)
    officer = testing.make_user("petugas_bpjs", testing.REGENCY)

    j = journey("4-kematian", size)
    page = j.page
    j.login(operator)
    assert _active_count(j) == "2"

    # A date before the membership began is refused with a reason.
    j.menu("Pendataan", "Pekerja")
    j.click("Amaq Sahnan")
    j.click("Laporkan kematian")
    page.fill("#id_deceased_date", "2025-01-15")
    j.button("Catat meninggal")
    assert "sebelum kepesertaan" in j.text()
    m.worker.refresh_from_db()
    assert m.worker.deceased_date is None

    page.fill("#id_deceased_date", died.isoformat())
    j.button("Catat meninggal")
    j.step("kematian-tercatat")
    m.refresh_from_db()
    assert m.status == MembershipStatus.BERAKHIR and m.coverage_end == died
    assert m.end_reason == "meninggal"
    assert _active_count(j) == "1"
    j.menu("Kepesertaan", "Daftar kepesertaan")
    page.select_option("#id_status", "aktif")
    j.button("Terapkan")
    assert "Amaq Sahnan" not in j.text()

    # The claim, opened from the same page.
    j.menu("Pendataan", "Pekerja")
    j.click("Amaq Sahnan")
    j.click("Buka klaim JKM")
    assert page.locator("#id_event_date").input_value() == died.isoformat()
    j.step("formulir-klaim")
    j.button("Simpan klaim")
    claim = Claim.objects.get(membership=m)
    j.click("Tambah ahli waris")
    page.fill("#id_name", "Inaq Sumiati")
    page.fill("#id_nik", compose_nik("52.03.07", dt.date(1970, 2, 3), "P", 31))
    page.select_option("#id_relationship", "janda")
    j.button("Simpan")
    page.locator("tr", has_text="Inaq Sumiati").get_by_role(
        "button", name="Jadikan penerima"
    ).click()
    for box in page.locator("#berkas input[type=checkbox]").all():
        box.check()
    j.button("Simpan berkas")
    j.button("Jadikan: Berkas lengkap")
    j.step("berkas-lengkap")

    # The branch verifies and pays.
    page.context.clear_cookies()
    j.login(officer)
    j.menu("Klaim", "Daftar klaim")
    j.click("Amaq Sahnan")
    j.button("Jadikan: Diverifikasi")
    page.fill("#id_amount", "42000000")
    j.button("Simpan pembayaran")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DIBAYAR and claim.amount_paid == 42_000_000
    j.step("klaim-dibayar")

    j.menu("Klaim", "Rekap klaim")
    assert "Rp42.000.000" in j.text()

    # The Bupati's monthly report counts the benefit.
    jobqueue.beat()
    j.menu("Cakupan & laporan", "Cakupan UCJ")
    j.button("Laporan bulanan XLSX")
    reportjobs.process(ReportJob.objects.get().pk)
    page.wait_for_selector("#download", timeout=15_000)
    with page.expect_download() as download:
        page.click("#download")
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    paid = {row[0].value: row[1:] for row in book["Klaim dibayar"].iter_rows(min_row=2)}
    assert [c.value for c in paid["Jumlah"]] == [1, 42_000_000]
    assert Membership.objects.filter(status=MembershipStatus.AKTIF).count() == 1

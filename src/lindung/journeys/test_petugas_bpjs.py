"""Journey 2: a BPJS officer verifies, submits and activates registrations, then applies the
branch's status list, and sees the statuses and the coverage figure move."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.utils import timezone

from lindung.enrollment import services as enrollment
from lindung.enrollment.models import Membership, MembershipStatus
from lindung.exchange import files
from lindung.workers import testing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NAMES = ["Lalu Ahmad Zaini", "Baiq Nurul Aini", "Amaq Sahnan"]


def _registrations(operator) -> list[Membership]:
    """What village operators left for BPJS: three registrations with their first payment."""
    out = []
    for name in NAMES:
        worker = testing.make_worker(testing.VILLAGE_A, name=name, monthly_income=1_000_000)
        m = enrollment.enrol(
            worker, by=operator, declared_income=1_000_000, funding_type="DANA_DESA",
            with_jht=False, payment_period_months=3, kpj="", bpjs_registered=None, note="",
        )  # fmt: skip
        enrollment.record_payment(m, months=3, paid_on=timezone.localdate(), by=operator)
        out.append(m)
    return out


def _active_figure(j) -> str:
    j.menu(None, "Beranda")
    card = j.page.locator(".card.stat", has_text="Peserta aktif").first
    return card.locator(".value").inner_text().strip()


def test_officer_verifies_submits_activates_and_applies_the_status_list(
    journey, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    testing.load_lombok_timur()
    operator = testing.make_user("operator_desa", testing.VILLAGE_A)
    officer = testing.make_user("petugas_bpjs", testing.REGENCY)
    memberships = _registrations(operator)
    j = journey("2-petugas-bpjs", "desktop")
    page = j.page
    j.login(officer)
    assert _active_figure(j) == "0"

    # Verify each registration from the membership list.
    for name in NAMES:
        j.menu("Kepesertaan", "Daftar kepesertaan")
        j.click(name)
        page.select_option("#id_to_status", "diverifikasi")
        j.button("Simpan status")
        assert "Diverifikasi" in page.locator("h1").inner_text()
    j.step("diverifikasi")

    # Submit: the batch file for the branch, with the step to «Diajukan».
    j.menu("Kepesertaan", "Batch ke BPJS")
    assert "3 kepesertaan siap diekspor" in j.text()
    page.select_option("#id_file_format", "csv")
    page.check("#id_submit")
    with page.expect_download() as download:
        j.button("Unduh berkas batch")
    batch = files.read_table("batch.csv", Path(download.value.path()).read_bytes())
    exported = [values for _, values in batch.rows]
    assert sorted(r["nama"] for r in exported) == sorted(NAMES)
    assert {m.status for m in Membership.objects.all()} == {MembershipStatus.DIAJUKAN}

    # Activate the first one by hand with the KPJ the branch phoned in.
    j.menu("Kepesertaan", "Daftar kepesertaan")
    j.click(NAMES[0])
    page.select_option("#id_to_status", "aktif")
    page.fill("#id_kpj", "23000000001")
    j.button("Simpan status")
    assert "Aktif" in page.locator("h1").inner_text()
    j.step("aktif-dengan-kpj")

    # The branch's status list activates the other two.
    answer = io.StringIO()
    writer = csv.writer(answer)
    writer.writerow(["No", "NIK", "Nama Peserta", "No KPJ", "Status Kepesertaan"])
    for i, row in enumerate(sorted(exported, key=lambda r: r["nama"]), start=1):
        if row["nama"] != NAMES[0]:
            writer.writerow([i, row["nik"], row["nama"], f"2300000001{i}", "AKTIF"])
    j.menu("Kepesertaan", "Impor status BPJS")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "status-bpjs.csv", "mimeType": "text/csv",
                "buffer": answer.getvalue().encode()}],
    )  # fmt: skip
    j.button("Unggah dan periksa")
    j.step("pratinjau-status")
    j.button("Terapkan")
    j.step("status-diterapkan")
    statuses = {
        m.worker.name: (m.status, m.kpj) for m in Membership.objects.select_related("worker")
    }
    assert all(status == MembershipStatus.AKTIF for status, _ in statuses.values())
    assert statuses[NAMES[1]][1].startswith("2300000001")

    # The list shows them active and the coverage figure has moved.
    j.menu("Kepesertaan", "Daftar kepesertaan")
    assert j.text().count("Aktif") >= 3
    assert _active_figure(j) == "3"
    j.menu("Cakupan & laporan", "Cakupan UCJ")
    j.step("cakupan")
    assert memberships

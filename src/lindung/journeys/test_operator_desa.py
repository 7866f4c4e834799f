"""Journey 1: a village operator lists their workers and enrols one, by clicks alone."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from lindung.enrollment.models import ContributionPayment, Membership, MembershipStatus
from lindung.imports.tests.helpers import ensure_sectors
from lindung.workers import testing
from lindung.workers.models import Worker
from lindung.workers.nik import compose_nik

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROWS = [
    # NIK, name, sex, birth date as typed, income as typed
    ("Lalu Ahmad Zaini", "L", "12/05/1990", "1,5 jt"),
    ("Baiq Nurul Aini", "P", "3 Agustus 1988", "900000"),
    ("Amaq Sahnan", "L", "1985-01-20", "Rp 1.200.000"),
]


def _filled_template(raw: bytes) -> bytes:
    """The downloaded template with three workers typed in, as an operator fills it."""
    book = openpyxl.load_workbook(io.BytesIO(raw))
    sheet = book["Data pekerja"]
    header = [c.value for c in sheet[1]]
    births = {
        "12/05/1990": dt.date(1990, 5, 12),
        "3 Agustus 1988": dt.date(1988, 8, 3),
        "1985-01-20": dt.date(1985, 1, 20),
    }
    for i, (name, sex, birth, income) in enumerate(ROWS, start=2):
        values = {
            "NIK": compose_nik("52.03.07", births[birth], sex, 40 + i),
            "Nama Lengkap": name,
            "L/P": sex,
            "Tanggal Lahir": birth,
            "Desa/Kelurahan": "Danggen Timur",
            "Kecamatan": "Selong",
            "Pekerjaan": "Buruh tani",
            "Penghasilan": income,
        }
        for col, title in enumerate(header, start=1):
            for key, value in values.items():
                if title and title.lower().startswith(key.lower()):
                    sheet.cell(row=i, column=col, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_operator_imports_enrols_pays_and_finds_the_registration(journey, size, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    testing.load_lombok_timur()
    ensure_sectors()
    operator = testing.make_user("operator_desa", testing.VILLAGE_A)
    j = journey("1-operator-desa", size)
    page = j.page
    j.login(operator)

    # Download the template, fill it, upload it, read the preview, commit.
    j.menu("Pendataan", "Impor data")
    with page.expect_download() as download:
        j.click("Unduh templat XLSX")
    raw = Path(download.value.path()).read_bytes()
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "daftar-danggen-timur.xlsx", "mimeType": "application/octet-stream",
                "buffer": _filled_template(raw)}],
    )  # fmt: skip
    j.button("Unggah dan periksa")
    save = page.get_by_role("button", name="Simpan 3 baris yang diterima")
    save.wait_for()
    j.step("pratinjau")
    preview = j.text()
    # The preview shows how accepted values were read, not only the problems.
    assert "Rp1.500.000" in preview and "12 Mei 1990" in preview
    assert Worker.objects.count() == 0  # nothing saved before the operator says so
    save.click()
    page.get_by_text("3 pekerja baru tersimpan.").wait_for()
    j.step("tersimpan")
    lalu = Worker.objects.get(name="Lalu Ahmad Zaini")
    assert lalu.monthly_income == 1_500_000 and lalu.village_id == testing.VILLAGE_A

    # Open the worker and enrol them.
    j.menu("Pendataan", "Pekerja")
    j.click("Lalu Ahmad Zaini")
    j.step("data-pekerja")
    j.click("Daftarkan kepesertaan")
    page.select_option("#id_funding_type", "DANA_DESA")
    page.check("#id_with_jht")
    page.select_option("#id_payment_period_months", "3")
    j.step("formulir-kepesertaan")
    j.button("Simpan")
    page.get_by_text("Kepesertaan dicatat").wait_for()
    j.step("kepesertaan-didata")
    m = Membership.objects.get(worker=lalu)
    assert (m.status, m.funding_type, m.with_jht, m.payment_period_months) == (
        MembershipStatus.DIDATA, "DANA_DESA", True, 3,
    )  # fmt: skip

    # Record the first payment: the form offers the membership's own period.
    j.click("Catat pembayaran iuran")
    assert page.locator("#id_months").input_value() == "3"
    j.step("formulir-iuran")
    j.button("Simpan pembayaran")
    page.get_by_text("Pembayaran 3 bulan tercatat").wait_for()
    j.step("iuran-tercatat")
    payment = ContributionPayment.objects.get(membership=m)
    assert payment.months == 3 and payment.amount == payment.expected_amount > 0

    # The registration waits for verification on the batch page for BPJS.
    j.menu("Kepesertaan", "Batch ke BPJS")
    waiting = page.locator("#waiting-table")
    assert "Lalu Ahmad Zaini" in waiting.inner_text()
    j.step("batch-bpjs")
    if j.phone:
        j.assert_no_overflow("main .card")

"""Browser: an operator records heirs and documents; the branch verifies and records payment."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from lindung.claims.models import Claim
from lindung.claims.models import ClaimStatus as S
from lindung.workers import testing
from lindung.workers.nik import compose_nik

from .conftest import make_claim, make_membership

# serialized_rollback restores the rule tables seeded by migrations if an earlier transactional
# test flushed the database.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_claim_from_heirs_to_payment(page, browser_login, screenshot_dir):
    testing.load_lombok_timur()
    operator = testing.make_user("operator_desa", testing.VILLAGE_A)
    petugas = testing.make_user("petugas_bpjs", testing.REGENCY)
    claim = make_claim(make_membership(testing.VILLAGE_A), event=dt.date(2025, 6, 2))

    browser_login(operator)
    page.goto(f"/klaim/{claim.pk}/")
    page.click("text=Tambah ahli waris")
    page.fill("#id_name", "Ibu Kandung")
    page.fill("#id_nik", compose_nik("52.03.07", dt.date(1960, 2, 3), "P", 21))
    page.select_option("#id_relationship", "orang_tua")
    page.click("main button[type=submit]")
    page.click("text=Tambah ahli waris")
    page.fill("#id_name", "Siti Aminah")
    page.fill("#id_nik", compose_nik("52.03.07", dt.date(1988, 5, 9), "P", 22))
    page.select_option("#id_relationship", "janda")
    page.click("main button[type=submit]")
    # The widow blocks the mother: only the widow can be chosen as recipient.
    row = page.locator("tr", has_text="Ibu Kandung")
    assert "tidak berhak" in row.inner_text()
    assert row.locator("text=Jadikan penerima").count() == 0
    page.locator("tr", has_text="Siti Aminah").locator("text=Jadikan penerima").click()
    for box in page.locator("#berkas input[type=checkbox]").all():
        box.check()
    page.click("text=Simpan berkas")
    page.click("text=Jadikan: Berkas lengkap")
    expect(page.locator("h1")).to_contain_text("Berkas lengkap")
    assert "Rp42.000.000" in page.locator("#manfaat").inner_text()
    page.screenshot(path=screenshot_dir / "claims-detail-operator.png", full_page=True)

    page.context.clear_cookies()
    browser_login(petugas)
    page.goto(f"/klaim/{claim.pk}/")
    page.click("text=Jadikan: Diverifikasi")
    page.fill("#id_amount", "42000000")
    page.click("text=Simpan pembayaran")
    expect(page.locator("h1")).to_contain_text("Dibayar")
    claim.refresh_from_db()
    assert claim.status == S.DIBAYAR and claim.amount_paid == 42_000_000
    page.goto("/klaim/rekap/?dari=2025-01-01&sampai=" + dt.date.today().isoformat())
    assert "Rp42.000.000" in page.content()
    page.screenshot(path=screenshot_dir / "claims-totals.png", full_page=True)
    assert Claim.objects.count() == 1

"""A petugas enrols a worker, moves the membership to aktif and records a payment, in Chromium."""

import pytest

from lindung.enrollment.models import Membership, MembershipStatus
from lindung.workers import testing

# serialized_rollback keeps the seeded tariff tables for the tests that run after this one.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_enrol_to_active_in_browser(page, browser_login, screenshot_dir):
    testing.load_lombok_timur()
    worker = testing.make_worker(testing.VILLAGE_A, name="Lalu Ahmad", monthly_income=1_000_000)
    petugas = testing.make_user("petugas_bpjs", testing.REGENCY)
    browser_login(petugas)

    page.goto(f"/kepesertaan/baru/{worker.pk}/")
    page.select_option("#id_funding_type", "DANA_DESA")
    page.select_option("#id_bpjs_status", "ya")
    page.click("main button[type=submit]")
    page.wait_for_url("**/kepesertaan/*/")
    assert "Didata" in page.locator("h1").inner_text()

    for status in ("diverifikasi", "diajukan"):
        page.select_option("#id_to_status", status)
        page.click("#ubah-status button[type=submit]")
        page.wait_for_load_state()
    # Only the legal next steps are offered from diajukan.
    options = page.locator("#id_to_status option").evaluate_all("els => els.map(e => e.value)")
    assert sorted(options) == ["aktif", "berakhir", "diverifikasi"]

    page.click("text=Catat pembayaran iuran")
    page.select_option("#id_months", "3")
    page.screenshot(path=screenshot_dir / "enrollment-payment.png", full_page=True)
    page.click("main button[type=submit]")
    page.wait_for_url("**/kepesertaan/*/")
    page.select_option("#id_to_status", "aktif")
    page.fill("#id_kpj", "12345678901")
    page.click("#ubah-status button[type=submit]")
    page.wait_for_load_state()
    assert "Aktif" in page.locator("h1").inner_text()
    page.screenshot(path=screenshot_dir / "enrollment-detail.png", full_page=True)

    m = Membership.objects.get(worker=worker)
    assert (m.status, m.kpj, m.funding_type) == (MembershipStatus.AKTIF, "12345678901", "DANA_DESA")
    assert m.transitions.count() == 4 and m.payments.count() == 1

    page.goto("/kepesertaan/tarif/")
    assert "Pertanyaan terbuka" in page.content()
    page.screenshot(path=screenshot_dir / "enrollment-tariffs.png", full_page=True)
    page.goto(
        "/kepesertaan/kalkulator/?income=1000000&month=2026-02-01&months=6&funding_type=MANDIRI"
    )
    assert page.locator("#total").inner_text() == "Rp67.200"  # Feb, Mar full + Apr..Jul halved
    page.screenshot(path=screenshot_dir / "enrollment-calculator.png", full_page=True)
    page.goto("/kepesertaan/")
    page.screenshot(path=screenshot_dir / "enrollment-list.png", full_page=True)

"""Journey 3: the regency admin records a budget, commits participants to it, models a budget
cut, reads who keeps and who loses funding, applies it, and renews for next year."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from lindung.funding.models import Commitment, CommitmentStatus, FundingSource
from lindung.funding.tests.conftest import member, sector
from lindung.workers import testing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
YEAR_COST = 12 * 16_800  # APBD pays JKK+JKM at the lowest income level, no discount


def _budget_form(page, name: str, year: int, amount: int) -> None:
    page.fill("#id_name", name)
    page.select_option("#id_source_type", "APBD")
    page.fill("#id_fiscal_year", str(year))
    page.fill("#id_start_month", f"{year}-01")
    page.fill("#id_months", "12")
    page.select_option("#id_owner_area", testing.REGENCY)
    page.fill("#id_amount", str(amount))


def test_budget_commitments_cut_and_renewal(journey, settings):
    settings.LINDUNG_FUNDING_SYNC = True  # the optimiser runs within the request
    testing.load_lombok_timur()
    year = dt.date.today().year
    sector("pelaku-umkm", 2)
    people = {
        "umkm": member(sector_code="pelaku-umkm", desil=9, name="Umkm Desil Sembilan"),
        "tani1": member(desil=1, name="Buruh Desil Satu"),
        "tani5": member(desil=5, name="Buruh Desil Lima"),
        "tani9": member(testing.VILLAGE_B, desil=9, name="Buruh Desil Sembilan"),
    }
    admin = testing.make_user("admin_kabupaten", testing.REGENCY)
    j = journey("3-admin-kabupaten", "desktop")
    page = j.page
    j.login(admin)

    # This year's budget, then every eligible participant committed to it.
    j.menu("Pendanaan", "Sumber dana")
    j.click("Tambah sumber dana")
    _budget_form(page, f"APBD {year} – bantuan iuran pekerja rentan", year, 4 * YEAR_COST)
    page.fill("#id_legal_basis", "Perbup Lombok Timur tentang bantuan iuran")
    j.step("sumber-dana-baru")
    j.button("Simpan")
    source = FundingSource.objects.get(fiscal_year=year)
    j.click("Alokasikan peserta")
    page.locator("input[data-select-all], thead input[type=checkbox]").first.check()
    j.step("pilih-peserta")
    j.button("Alokasikan yang dipilih")
    page.get_by_text("4 peserta dialokasikan").wait_for()
    assert source.commitments.filter(status__in=["dialokasikan", "dibayar"]).count() == 4

    # A 50% cut: who keeps and who loses funding, by the Bupati's priority.
    j.menu("Pendanaan", "Skenario anggaran")
    page.fill("#id_name", "Potong 50%")
    page.fill("#id_fiscal_year", str(year))
    page.fill("#id_cut_percent", "50")
    j.button("Hitung skenario")
    losing = page.locator(".card", has_text="Pemotongan di bawah yang sudah dialokasikan")
    losing.wait_for()
    j.step("siapa-kehilangan-dana")
    text = losing.inner_text()
    assert "Buruh Desil Sembilan" in text and "Buruh Desil Lima" in text
    assert "Umkm Desil Sembilan" not in text and "Buruh Desil Satu" not in text

    page.check("input[name=konfirmasi_potongan]")
    j.button("Terapkan: buat komitmen untuk sumber yang Anda kelola")
    j.step("skenario-diterapkan")
    live = set(
        Commitment.objects.exclude(status=CommitmentStatus.DIBATALKAN).values_list(
            "membership_id", flat=True
        )
    )
    assert live == {people["umkm"].pk, people["tani1"].pk}
    source.refresh_from_db()
    assert source.amount == 2 * YEAR_COST

    # Next year's budget and the renewal batch.
    j.menu("Pendanaan", "Sumber dana")
    j.click("Tambah sumber dana")
    _budget_form(page, f"APBD {year + 1} – bantuan iuran pekerja rentan", year + 1, 3 * YEAR_COST)
    page.fill("#id_legal_basis", "Perbup Lombok Timur tentang bantuan iuran")
    j.button("Simpan")
    j.menu("Pendanaan", "Perpanjangan")
    j.click("Buat batch perpanjangan")
    next_source = FundingSource.objects.get(fiscal_year=year + 1)
    page.select_option("#id_source", str(next_source.pk))
    j.button("Pratinjau")
    j.step("pratinjau-perpanjangan")
    save = page.get_by_role("button", name=re.compile(r"^Simpan 3 komitmen"))
    save.click()
    j.step("perpanjangan-tersimpan")
    renewed = set(next_source.commitments.values_list("membership_id", flat=True))
    assert len(renewed) == 3 and people["tani1"].pk in renewed and people["umkm"].pk in renewed

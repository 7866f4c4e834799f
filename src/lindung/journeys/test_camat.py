"""Journey 6: a camat works through the kecamatan's worklist, finds the villages without
socialisation, reads the league table and prints the award certificate."""

from __future__ import annotations

from pathlib import Path

import pytest

from lindung.areas.models import Area
from lindung.coverage.tests.conftest import member
from lindung.workers import testing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_camat_worklist_inactive_villages_league_and_certificate(journey, size):
    testing.load_lombok_timur()
    for _ in range(3):
        member(testing.VILLAGE_A2)  # Pancor leads Selong
    member(testing.VILLAGE_A)
    member(testing.VILLAGE_B)  # another kecamatan: never in the camat's league
    camat = testing.make_user("camat", testing.KECAMATAN_A)
    j = journey("6-camat", size)
    page = j.page
    j.login(camat)

    j.menu(None, "Daftar kerja")
    section = page.locator("section", has_text="tanpa kegiatan sosialisasi").first
    villages = Area.objects.within(testing.KECAMATAN_A).villages().count()
    assert section.locator(".badge").inner_text() == str(villages)
    section.get_by_role("link", name="Lihat semua ›").click()
    j.step("desa-tanpa-kegiatan")
    flagged = j.text()
    assert "Pancor" in flagged and "Tanjung Luar" not in flagged

    j.menu("Cakupan & laporan", "Peringkat desa")
    page.select_option("#urut", "peserta")
    j.button("Tampilkan")
    j.step("peringkat-peserta")
    rows = page.locator("#league-table tbody tr")
    assert rows.first.get_attribute("data-code") == testing.VILLAGE_A2
    assert "Tanjung Luar" not in page.locator("#league-table").inner_text()
    with page.expect_download() as download:
        j.click("Sertifikat juara (PDF)")
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    j.step("sertifikat-diunduh")

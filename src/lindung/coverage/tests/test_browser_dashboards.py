"""Dashboards in a real browser (kabupaten, kecamatan, desa), with screenshots."""

import pytest

from lindung.coverage.snapshots import refresh_area
from lindung.workers import testing

from .conftest import D, denominator, member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize(
    "role,area,expected_children",
    [
        ("admin_kabupaten", testing.REGENCY, 21),
        ("camat", testing.KECAMATAN_A, 12),
        ("operator_desa", testing.VILLAGE_A, 0),
    ],
)
def test_dashboard_levels(page, browser_login, screenshot_dir, role, area, expected_children):
    testing.load_lombok_timur()
    for i in range(3):
        member(testing.VILLAGE_A, start=D(2025, 9 + i, 1), funding="DANA_DESA")
    member(testing.VILLAGE_A2, funding="APBD")
    member(testing.VILLAGE_B, funding="DBHCHT")
    denominator(testing.VILLAGE_A, 2025, 40)
    denominator(testing.KECAMATAN_A, 2025, 900)
    denominator(testing.REGENCY, 2025, 775960)
    refresh_area(testing.REGENCY)
    user = testing.make_user(role, area)
    browser_login(user)
    page.goto(f"/cakupan/{area}/")
    assert page.locator("h1").inner_text().startswith("Cakupan UCJ")
    page.wait_for_function("() => window.Chart && Chart.getChart('trend-chart')")
    assert page.locator("[data-figure=numerator] .value").inner_text().strip() in {"5", "4", "3"}
    assert page.locator("#children-table tbody tr").count() == expected_children
    page.screenshot(path=screenshot_dir / f"coverage-dashboard-{role}.png", full_page=True)
    # The headline number links to the people behind it, and the list has as many rows.
    link = page.locator("[data-people=aktif]")
    expected = int(link.inner_text().replace(".", ""))
    link.click()
    assert int(page.locator("#people-count").inner_text().replace(".", "")) == expected
    if area != testing.VILLAGE_A:
        page.goto(f"/cakupan/{area}/peringkat/")
        assert page.locator("#league-table tbody tr").count() >= 1
        page.screenshot(path=screenshot_dir / f"coverage-league-{role}.png", full_page=True)


def test_people_csv_for_excel_download_uses_semicolons(page, browser_login):
    testing.load_lombok_timur()
    member(testing.VILLAGE_A, name="Inaq Sari, Dusun Lauq; RT 02")
    member(testing.VILLAGE_A, name="Amaq Udin")
    member(testing.VILLAGE_B, name="Lalu Luar")
    browser_login(testing.make_user("admin_kabupaten", testing.REGENCY))
    page.goto(f"/cakupan/{testing.VILLAGE_A}/peserta/?jenis=aktif")
    with page.expect_download() as info:
        page.click("text=CSV untuk Excel")
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    lines = download.path().read_text(encoding="utf-8-sig").splitlines()
    # Split on `;`, the page's filters kept (one village), a name with , and ; one quoted cell.
    assert lines[0].startswith('"nik";"nama";') and len(lines) == 3
    assert any(';"Inaq Sari, Dusun Lauq; RT 02";' in line for line in lines[1:])

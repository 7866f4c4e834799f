import pytest

from lindung.workers import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "role,area,expected",
    [
        ("admin_kabupaten", testing.REGENCY, "Kabupaten Lombok Timur"),
        ("petugas_bpjs", testing.REGENCY, "Kabupaten Lombok Timur"),
        ("camat", testing.KECAMATAN_A, "Kecamatan Selong"),
        ("operator_desa", testing.VILLAGE_A, "Desa Danggen Timur"),
        ("viewer", testing.REGENCY, "Kabupaten Lombok Timur"),
    ],
)
def test_each_role_logs_in_and_sees_home(page, browser_login, screenshot_dir, role, area, expected):
    testing.load_lombok_timur()
    user = testing.make_user(role, area)
    browser_login(user)
    assert page.locator("h1").inner_text().startswith(expected)
    assert user.get_role_display() in page.locator(".userbox").inner_text()
    page.screenshot(path=screenshot_dir / f"home-{role}.png", full_page=True)

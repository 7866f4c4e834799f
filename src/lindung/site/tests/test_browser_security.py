"""In the browser: change password, enrol an authenticator app, log in with a code or a
recovery code."""

import base64
import re
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from lindung.workers import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code_from_secret(secret_text: str, steps_ahead: int = 0) -> str:
    """What a phone app shows for the key printed on the enrolment page."""
    raw = secret_text.replace(" ", "")
    key = base64.b32decode(raw + "=" * (-len(raw) % 8))
    totp = TOTP(key)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def _logout(page):
    page.click(".userbox button[type=submit]")
    page.wait_for_url("**/masuk/**")


def test_change_password_from_the_user_menu(page, browser_login, screenshot_dir):
    testing.load_lombok_timur()
    user = testing.make_user("camat", testing.KECAMATAN_A)
    browser_login(user)
    page.click(".usermenu summary")
    page.screenshot(path=screenshot_dir / "user-menu.png")
    page.click(".usermenu >> text=Ganti kata sandi")
    page.fill("#id_old_password", testing.PASSWORD)
    page.fill("#id_new_password1", "Rinjani-Timur-5521")
    page.fill("#id_new_password2", "Rinjani-Timur-5521")
    page.screenshot(path=screenshot_dir / "password-change.png", full_page=True)
    page.click("main button[type=submit]")
    assert "Kata sandi diganti" in page.locator(".messages").inner_text()
    _logout(page)
    page.fill("#id_username", user.username)
    page.fill("#id_password", testing.PASSWORD)
    page.click("button[type=submit]")
    assert "salah" in page.locator(".msg.error").inner_text()
    browser_login(user, "Rinjani-Timur-5521")
    assert user.get_role_display() in page.locator(".userbox").inner_text()


def test_enrol_then_log_in_with_app_code_and_with_recovery_code(
    page, browser_login, screenshot_dir
):
    testing.load_lombok_timur()
    user = testing.make_user("admin_kabupaten", testing.REGENCY)
    browser_login(user)
    # Not enrolled yet: the login works and the page asks to enrol.
    page.click("#two-factor-prompt a")
    expect(page.locator(".qr svg")).to_have_count(1)
    secret = page.locator("#totp-secret").inner_text()
    page.screenshot(path=screenshot_dir / "two-factor-setup.png", full_page=True)
    page.fill("#id_code", _code_from_secret(secret))
    page.click("main button[type=submit]")
    expect(page.locator("#recovery-codes code")).to_have_count(10)
    codes = page.locator("#recovery-codes code").all_inner_texts()
    page.screenshot(path=screenshot_dir / "two-factor-recovery-codes.png", full_page=True)
    page.click("text=Sudah saya simpan")
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))  # the home page
    expect(page.locator("#two-factor-prompt")).to_have_count(0)
    _logout(page)

    # Password alone no longer opens pages: the second step asks for the app's code.
    browser_login(user)
    assert "/akun/dua-langkah/verifikasi/" in page.url
    page.goto("/pekerja/")
    assert "/akun/dua-langkah/verifikasi/" in page.url
    page.screenshot(path=screenshot_dir / "two-factor-verify.png", full_page=True)
    page.fill("#id_code", _code_from_secret(secret, steps_ahead=1))
    page.click("main form button.btn")
    page.wait_for_url("**/pekerja/**")
    _logout(page)

    # Phone lost: a recovery code works, once.
    browser_login(user)
    page.fill("#id_code", codes[0])
    page.click("main form button.btn")
    page.wait_for_url(lambda url: "/akun/" not in url)
    assert "sisa 9 kode" in page.locator(".messages").inner_text()
    _logout(page)
    browser_login(user)
    page.fill("#id_code", codes[0])
    page.click("main form button.btn")
    assert "sudah dipakai" in page.locator(".msg.error").inner_text()
    assert "/akun/dua-langkah/verifikasi/" in page.url

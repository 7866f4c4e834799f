"""Password spraying limit, password change ending other sessions, two-step verification."""

import time

from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from lindung.accounts import twofactor
from lindung.core import testing


def _code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def _enrol(user) -> list[str]:
    device = twofactor.pending_device(user)
    codes = twofactor.confirm(device, _code(device))
    assert codes and len(codes) == twofactor.RECOVERY_CODE_COUNT
    return codes


def test_password_spraying_is_limited_per_address(client, users, settings):
    settings.LINDUNG_LOGIN_IP_RATE = "10/15m"
    codes = [
        client.post(
            "/masuk/", {"username": f"tebak{i}", "password": "salah"}, REMOTE_ADDR="10.7.7.7"
        ).status_code
        for i in range(30)
    ]
    assert codes == [200] * 10 + [429] * 20
    # Even the right password is refused from that address until the window ends...
    right = {"username": users["viewer"].username, "password": testing.PASSWORD}
    assert client.post("/masuk/", right, REMOTE_ADDR="10.7.7.7").status_code == 429
    # ...while another address logs in normally.
    assert client.post("/masuk/", right, REMOTE_ADDR="10.7.7.8").status_code == 302


def test_successful_logins_do_not_use_up_the_address_limit(users, settings):
    settings.LINDUNG_LOGIN_IP_RATE = "3/15m"
    right = {"username": users["viewer"].username, "password": testing.PASSWORD}
    for _ in range(6):
        c = Client()
        assert c.post("/masuk/", right, REMOTE_ADDR="10.7.7.9").status_code == 302


def test_password_change_ends_other_sessions(users):
    user = users["camat"]
    here, elsewhere = Client(), Client()
    for c in (here, elsewhere):
        assert (
            c.post("/masuk/", {"username": user.username, "password": testing.PASSWORD}).status_code
            == 302
        )
    assert "Ganti kata sandi" in here.get("/").content.decode()
    new = "Kebun-Sembalun-4412"
    wrong = here.post(
        "/akun/kata-sandi/",
        {"old_password": "salah", "new_password1": new, "new_password2": new},
    )
    assert wrong.status_code == 200 and "salah" in wrong.content.decode().lower()
    done = here.post(
        "/akun/kata-sandi/",
        {"old_password": testing.PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert done.status_code == 302
    assert here.get("/").status_code == 200  # this session stays
    assert elsewhere.get("/").url.startswith("/masuk/")  # the other one ended
    fresh = Client().post("/masuk/", {"username": user.username, "password": new})
    assert fresh.status_code == 302


def test_weak_new_password_is_refused_in_indonesian(client, users):
    client.force_login(users["camat"])
    page = client.post(
        "/akun/kata-sandi/",
        {
            "old_password": testing.PASSWORD,
            "new_password1": "12345678901",
            "new_password2": "12345678901",
        },
    )
    assert page.status_code == 200
    assert "terlalu umum" in page.content.decode()


def test_enrolled_user_must_enter_a_code_after_the_password(users):
    admin = users["admin_kabupaten"]
    _enrol(admin)
    c = Client()
    login = c.post("/masuk/", {"username": admin.username, "password": testing.PASSWORD})
    assert login.status_code == 302
    held = c.get("/pekerja/")
    assert held.status_code == 302 and held.url.startswith("/akun/dua-langkah/verifikasi/")
    assert c.get("/api/v1/areas/").status_code == 401  # the browser session reaches no API
    assert c.get("/admin/").status_code == 302
    wrong = c.post("/akun/dua-langkah/verifikasi/", {"code": "000000", "next": "/pekerja/"})
    assert "Kode salah" in wrong.content.decode()
    device = TOTPDevice.objects.get(user=admin)
    device.throttling_failure_count = 0  # the wrong code above started the back-off
    device.throttling_failure_timestamp = None
    device.save()
    ok = c.post("/akun/dua-langkah/verifikasi/", {"code": _code(device, 1), "next": "/pekerja/"})
    assert ok.status_code == 302 and ok.url == "/pekerja/"
    assert c.get("/pekerja/").status_code == 200
    assert c.get("/api/v1/areas/").status_code == 200


def test_recovery_code_works_once(users):
    officer = users["petugas_bpjs"]
    codes = _enrol(officer)
    first = Client()
    first.post("/masuk/", {"username": officer.username, "password": testing.PASSWORD})
    ok = first.post("/akun/dua-langkah/verifikasi/", {"code": codes[0].upper()}, follow=True)
    assert "sisa 9 kode" in ok.content.decode()
    assert first.get("/pekerja/").status_code == 200
    again = Client()
    again.post("/masuk/", {"username": officer.username, "password": testing.PASSWORD})
    reused = again.post("/akun/dua-langkah/verifikasi/", {"code": codes[0]})
    assert reused.status_code == 200 and "sudah dipakai" in reused.content.decode()
    assert again.get("/pekerja/").status_code == 302


def test_open_redirect_after_verification_is_refused(users):
    admin = users["admin_kabupaten"]
    _enrol(admin)
    c = Client()
    c.post("/masuk/", {"username": admin.username, "password": testing.PASSWORD})
    device = TOTPDevice.objects.get(user=admin)
    ok = c.post(
        "/akun/dua-langkah/verifikasi/", {"code": _code(device, 1), "next": "https://jahat.test/"}
    )
    assert ok.url == "/"


def test_not_enrolled_roles_log_in_with_a_prompt(client, users):
    admin = users["admin_kabupaten"]
    client.post("/masuk/", {"username": admin.username, "password": testing.PASSWORD})
    home = client.get("/")
    assert home.status_code == 200
    assert 'id="two-factor-prompt"' in home.content.decode()
    camat = Client()
    camat.force_login(users["camat"])
    page = camat.get("/").content.decode()
    assert 'id="two-factor-prompt"' not in page and "Verifikasi dua langkah" not in page
    assert camat.get("/akun/dua-langkah/aktifkan/").status_code == 403


def test_required_setting_sends_eligible_roles_to_enrolment(client, users, settings):
    settings.LINDUNG_REQUIRE_2FA = True
    client.force_login(users["petugas_bpjs"])
    assert client.get("/pekerja/").url == "/akun/dua-langkah/aktifkan/"
    assert client.get("/akun/dua-langkah/aktifkan/").status_code == 200
    other = Client()
    other.force_login(users["camat"])
    assert other.get("/").status_code == 200


def test_enrolment_refuses_a_wrong_code_and_shows_the_key(client, users):
    client.force_login(users["admin_kabupaten"])
    page = client.get("/akun/dua-langkah/aktifkan/").content.decode()
    assert "<svg" in page and 'id="totp-secret"' in page
    wrong = client.post("/akun/dua-langkah/aktifkan/", {"code": "123456"})
    assert "Kode tidak cocok" in wrong.content.decode()
    assert not twofactor.enrolled(users["admin_kabupaten"])


def test_new_recovery_codes_replace_old_ones_and_disable_needs_a_code(client, users):
    admin = users["admin_kabupaten"]
    old = _enrol(admin)
    client.force_login(admin)
    device = TOTPDevice.objects.get(user=admin)
    client.post("/akun/dua-langkah/verifikasi/", {"code": _code(device, 1)})
    page = client.post("/akun/dua-langkah/", {"new_codes": "1"}).content.decode()
    fresh = [c for c in page.split("<code>")[1:]]
    assert len(fresh) == 10 and not any(o in page for o in old)
    assert twofactor.verify(admin, old[1]) is None
    client.post("/akun/dua-langkah/", {"disable": "1", "code": "salah"})
    assert twofactor.enrolled(admin)
    # Wrong codes back off for a few seconds (django-otp throttling); skip the wait.
    StaticDevice.objects.filter(user=admin).update(throttling_failure_count=0)
    client.post("/akun/dua-langkah/", {"disable": "1", "code": fresh[0].split("<")[0]})
    assert not twofactor.enrolled(admin)


def test_admin_site_signs_in_through_the_limited_login_page(client, users, settings):
    first = client.get("/admin/")
    assert first.status_code == 302
    login = client.get(first.url)
    assert login.status_code == 302 and login.url.startswith("/masuk/?next=/admin/")
    client.force_login(users["viewer"])  # not staff: refused, not sent round in circles
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_repeated_wrong_codes_say_to_wait(users):
    admin = users["admin_kabupaten"]
    _enrol(admin)
    c = Client()
    c.post("/masuk/", {"username": admin.username, "password": testing.PASSWORD})
    first = c.post("/akun/dua-langkah/verifikasi/", {"code": "000000"}).content.decode()
    assert "Kode salah" in first and "Terlalu banyak" not in first
    # After five wrong codes the app device refuses codes for 16 s, even a right one.
    device = TOTPDevice.objects.get(user=admin)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=5, throttling_failure_timestamp=timezone.now()
    )
    page = c.post("/akun/dua-langkah/verifikasi/", {"code": _code(device, 1)})
    assert "Terlalu banyak kode salah" in page.content.decode()
    assert c.get("/pekerja/").status_code == 302


def test_an_app_code_works_once(users):
    admin = users["admin_kabupaten"]
    _enrol(admin)
    device = TOTPDevice.objects.get(user=admin)
    code = _code(device, 1)
    first, second = Client(), Client()
    for c in (first, second):
        c.post("/masuk/", {"username": admin.username, "password": testing.PASSWORD})
    assert first.post("/akun/dua-langkah/verifikasi/", {"code": code}).status_code == 302
    replay = second.post("/akun/dua-langkah/verifikasi/", {"code": code})
    assert replay.status_code == 200 and "sudah dipakai" in replay.content.decode()

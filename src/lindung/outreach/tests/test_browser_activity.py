"""An operator desa logs a socialisation activity in a real browser and credits a registration."""

import pytest

from lindung.outreach.models import Activity, ActivityRegistration, Team
from lindung.workers import testing

from .conftest import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_logs_an_activity_with_photo_and_links_a_worker(
    page, browser_login, screenshot_dir, tmp_path
):
    testing.load_lombok_timur()
    operator = testing.make_user("operator_desa", testing.VILLAGE_A)
    team = Team.objects.create(village_id=testing.VILLAGE_A, name="Tim Jamsostek Danggen Timur")
    Team.objects.create(village_id=testing.VILLAGE_B, name="Tim Tanjung Luar")
    worker = testing.make_worker(testing.VILLAGE_A, name="Inaq Sumiati")
    testing.make_worker(testing.VILLAGE_B, name="Amaq Rumi")
    photo = tmp_path / "kegiatan.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(320, 200)))

    browser_login(operator)
    page.click("nav.mainnav summary:has-text('Sosialisasi')")
    page.get_by_role("link", name="Kegiatan", exact=True).first.click()
    page.wait_for_url("**/sosialisasi/**")
    page.get_by_role("link", name="Catat kegiatan").click()
    options = page.locator("#id_team option").all_inner_texts()
    assert any("Tim Jamsostek Danggen Timur" in o for o in options)
    assert not any("Tanjung Luar" in o for o in options)

    page.select_option("#id_team", str(team.pk))
    page.select_option("#id_kind", "farmer_group")
    page.fill("#id_place", "Poktan Tunas Harapan, Dusun Lendang")
    page.fill("#id_attendees", "42")
    page.fill("#id_notes", "Penjelasan JKK dan JKM, iuran Rp16.800 per bulan.")
    page.set_input_files("#id_photo", str(photo))
    page.screenshot(path=screenshot_dir / "outreach-activity-form.png", full_page=True)
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url("**/sosialisasi/kegiatan/*/")

    activity = Activity.objects.get()
    assert activity.village_id == testing.VILLAGE_A and activity.attendees == 42
    assert "Kegiatan sosialisasi tersimpan." in page.locator(".messages").inner_text()
    assert page.locator("img[alt='Foto kegiatan']").evaluate("img => img.naturalWidth") == 320

    # The candidate list holds this village's new registration only.
    candidates = page.locator("form.card table").inner_text()
    assert "Inaq Sumiati" in candidates and "Amaq Rumi" not in candidates
    page.check(f"#w{worker.pk}")
    page.get_by_role("button", name="Tautkan yang dipilih").click()
    page.wait_for_selector("text=1 pekerja ditautkan ke kegiatan ini.")
    assert page.locator("#yield").inner_text() == "1"
    assert ActivityRegistration.objects.get().worker_id == worker.pk
    page.screenshot(path=screenshot_dir / "outreach-activity-detail.png", full_page=True)

    page.goto(f"/sosialisasi/kalender/?wilayah={testing.VILLAGE_A}")
    assert page.locator(".cal a", has_text="Kelompok tani").count() == 1
    page.screenshot(path=screenshot_dir / "outreach-calendar.png", full_page=True)

    page.goto("/sosialisasi/laporan/")
    assert page.locator("table").first.locator("tbody tr").count() == 1
    assert "Bahan dossier Paritrana" in page.content()
    page.screenshot(path=screenshot_dir / "outreach-report.png", full_page=True)

"""Journey 5: a village forms its socialisation team, records an activity with a photo, links
the registrations it produced, and sees the yield in the outreach report and the league."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from lindung.outreach.models import Activity, ActivityRegistration, Team
from lindung.outreach.tests.conftest import image_bytes
from lindung.workers import testing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Ids in the tens of thousands, as in a regency's registry: form values must stay plain digits.
WORKER_IDS = [20001, 20002, 20003]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_team_activity_photo_links_and_yield(journey, size, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    testing.load_lombok_timur()
    operator = testing.make_user("operator_desa", testing.VILLAGE_A)
    for pk, name in zip(WORKER_IDS, ["Inaq Sumiati", "Amaq Rumi", "Baiq Hadijah"], strict=True):
        testing.make_worker(testing.VILLAGE_A, pk=pk, name=name)
    photo = tmp_path / "kegiatan.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(640, 400)))
    j = journey("5-sosialisasi", size)
    page = j.page
    j.login(operator)

    j.menu("Sosialisasi", "Tim sosialisasi")
    j.click("Bentuk tim")
    page.fill("#id_name", "Tim Jamsostek Danggen Timur")
    page.fill("#id_decree_number", "141/12/DT/2026")
    page.fill("#id_decree_date", dt.date.today().isoformat())
    j.step("formulir-tim")
    j.button("Simpan")
    page.wait_for_url(re.compile(r"/sosialisasi/tim/\d+/$"))
    j.step("tim-tersimpan")
    team = Team.objects.get()
    assert team.village_id == testing.VILLAGE_A

    j.click("Catat kegiatan")
    page.select_option("#id_kind", "farmer_group")
    page.fill("#id_date", dt.date.today().isoformat())
    page.fill("#id_place", "Poktan Tunas Harapan, Dusun Lendang")
    page.fill("#id_attendees", "42")
    page.set_input_files("#id_photo", str(photo))
    j.step("formulir-kegiatan")
    j.button("Simpan")
    activity = Activity.objects.get()
    assert activity.team == team and activity.photo

    # Link the registrations the activity produced.
    for pk in WORKER_IDS:
        box = page.locator(f"input[name=workers][value='{pk}']")
        box.check()
    j.step("pilih-pendaftaran")
    j.button("Tautkan yang dipilih")
    page.get_by_text("3 pekerja ditautkan").wait_for()
    j.step("tertaut")
    assert (
        sorted(
            ActivityRegistration.objects.filter(activity=activity).values_list(
                "worker_id", flat=True
            )
        )
        == WORKER_IDS
    )

    # The yield in the outreach report and the village's place in the league.
    j.menu("Sosialisasi", "Laporan hasil")
    report = page.locator("main table").first.inner_text()
    assert "Danggen Timur" in report and "3" in report
    j.menu("Cakupan & laporan", "Peringkat desa")
    assert "Pendaftaran hasil sosialisasi" in j.text()
    assert page.locator("#outreach-yield").inner_text().strip() == "3"

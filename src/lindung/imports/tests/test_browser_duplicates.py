"""An administrator reviews possible duplicates in the browser: one pair is the same person
(merged, then the merge is undone), another pair are different people (never proposed again)."""

import datetime as dt

import pytest

from lindung.imports.models import PossibleDuplicate
from lindung.imports.registry_run import find_duplicates
from lindung.workers import testing
from lindung.workers.models import Worker
from lindung.workers.nik import compose_nik

from .helpers import ensure_sectors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BORN = dt.date(1984, 7, 9)


def open_queue(page):
    page.click("nav.mainnav summary:has-text('Pendataan')")
    page.click("nav.mainnav >> text=Duplikat")
    page.wait_for_selector("h1:has-text('Kemungkinan duplikat')")


def test_merge_undo_and_not_the_same_in_the_browser(page, browser_login, screenshot_dir):
    testing.load_lombok_timur()
    ensure_sectors()
    # Same man, second entry in another village with two NIK digits swapped.
    nik = compose_nik(testing.KECAMATAN_A, BORN, "L", 12)
    kept = testing.make_worker(testing.VILLAGE_A, nik=nik, name="Lalu Muhammad Sahnun",
                               birth_date=BORN)  # fmt: skip
    copy = testing.make_worker(testing.VILLAGE_A2, nik=nik[:13] + nik[14] + nik[13] + nik[15],
                               name="L. Moh. Sahnun", birth_date=BORN)  # fmt: skip
    # Two women born the same day, same NIK region and serial one apart, similar names.
    day = dt.date(1990, 2, 1)
    one = testing.make_worker(testing.VILLAGE_A, nik=compose_nik(testing.KECAMATAN_A, day, "P", 1),
                              name="Baiq Nurul Aini", birth_date=day, sex="P")  # fmt: skip
    two = testing.make_worker(testing.VILLAGE_B, nik=compose_nik(testing.KECAMATAN_A, day, "P", 2),
                              name="Baiq Nurul Aeni", birth_date=day, sex="P")  # fmt: skip
    assert find_duplicates(testing.REGENCY).created == 2
    admin = testing.make_user("admin_kabupaten", testing.REGENCY)
    browser_login(admin)

    # Same person: merge.
    open_queue(page)
    page.click(f"tr:has-text('{copy.name}') >> text=Periksa")
    page.wait_for_selector("table.agreement")
    agreement = page.inner_text("table.agreement")
    assert "dua digit NIK bersebelahan tertukar" in agreement and "nama sama" in agreement
    page.screenshot(path=screenshot_dir / "duplicate-compare.png", full_page=True)
    page.click("button:has-text('Orang yang sama: gabungkan')")
    page.wait_for_selector("text=Data digabung ke pekerja yang lebih dulu terdaftar.")
    assert not Worker.objects.filter(pk=copy.pk).exists()
    assert Worker.objects.filter(pk=kept.pk).exists()

    # The administrator undoes it from the merged list.
    page.select_option("#id_status", "merged")
    page.click(f"tr:has-text('{kept.name}') >> text=Lihat")
    page.click("button:has-text('Batalkan penggabungan')")
    page.wait_for_selector("text=Penggabungan dibatalkan")
    assert Worker.objects.get(pk=copy.pk).nik == copy.nik

    # Different people: remembered.
    open_queue(page)
    page.click(f"tr:has-text('{two.name}') >> text=Periksa")
    page.click("button:has-text('Orang berbeda')")
    page.wait_for_selector("text=Ditandai sebagai dua orang berbeda")
    pair = PossibleDuplicate.objects.get(worker=two, match=one)
    assert pair.status == PossibleDuplicate.Status.DISTINCT
    assert find_duplicates(testing.REGENCY).created == 0
    assert page.locator(f"tr:has-text('{two.name}')").count() == 0
    page.screenshot(path=screenshot_dir / "duplicate-queue.png", full_page=True)

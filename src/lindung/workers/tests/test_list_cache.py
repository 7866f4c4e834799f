"""A list's rendered rows are kept until the next write in the listed area, per user."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lindung.core import testing
from lindung.workers.models import Worker
from lindung.workers.testing import make_worker

WORKERS = reverse("workers:list")


def rows_read(client, url=WORKERS, **params) -> tuple[str, bool]:
    """The page's HTML and whether its rows were read from the database."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    read = any(
        'FROM "workers_worker"' in q["sql"] and "LIMIT" in q["sql"] and "COUNT" not in q["sql"]
        for q in queries.captured_queries
    )
    # The page without its per-response CSRF token.
    return re.sub(r"[A-Za-z0-9]{64}", "T", response.content.decode()), read


@pytest.fixture
def two_kecamatans(lotim):
    return make_worker(testing.VILLAGE_A, name="Amaq Selong"), make_worker(
        testing.VILLAGE_B, name="Inaq Keruak"
    )


def test_rows_read_once_then_kept(client, users, two_kecamatans):
    client.force_login(users["camat"])
    first, read = rows_read(client)
    assert read and "Amaq Selong" in first
    again, read = rows_read(client)
    assert not read and again == first


def test_a_write_in_the_area_shows_on_the_next_visit(client, users, two_kecamatans):
    mine, _other = two_kecamatans
    client.force_login(users["camat"])
    rows_read(client)
    mine.name = "Amaq Selong Baru"
    mine.save()
    html, read = rows_read(client)
    assert read and "Amaq Selong Baru" in html


def test_a_write_elsewhere_keeps_the_rows(client, users, two_kecamatans):
    _mine, other = two_kecamatans
    client.force_login(users["camat"])
    rows_read(client)
    other.name = "Inaq Keruak Baru"
    other.save()
    _html, read = rows_read(client)
    assert not read
    # The regency's list holds that village: it is read again.
    client.force_login(users["admin_kabupaten"])
    rows_read(client)
    other.name = "Inaq Keruak Lagi"
    other.save()
    html, read = rows_read(client)
    assert read and "Inaq Keruak Lagi" in html


def test_each_user_gets_their_own_masking(client, users, two_kecamatans):
    mine, _other = two_kecamatans
    client.force_login(users["admin_kabupaten"])
    shown, _ = rows_read(client)
    assert mine.nik in shown
    client.force_login(users["viewer"])
    masked, read = rows_read(client)
    assert read and mine.nik not in masked and mine.nik[:6] in masked


def test_filters_pages_and_sorting_are_kept_apart(client, users, two_kecamatans):
    client.force_login(users["admin_kabupaten"])
    rows_read(client)
    html, read = rows_read(client, wilayah=testing.KECAMATAN_B)
    assert read and "Inaq Keruak" in html and "Amaq Selong" not in html
    _html, read = rows_read(client, urut="-nama")
    assert read


def test_a_worker_who_moved_is_renewed_in_the_lists_of_their_old_village(
    client, users, two_kecamatans
):
    from lindung.enrollment.models import Membership

    mine, _other = two_kecamatans
    Membership.objects.create(worker=mine, village_id=testing.VILLAGE_A, declared_income=1)
    client.force_login(users["camat"])
    memberships = reverse("enrollment:list")
    assert "Amaq Selong" in client.get(memberships).content.decode()
    moved = Worker.objects.get(pk=mine.pk)
    moved.village_id = testing.VILLAGE_B
    moved.save()
    # Their membership stays here, and so does its row in this kecamatan's list.
    assert "Amaq Selong" in client.get(memberships).content.decode()
    moved.name = "Amaq Pindah"
    moved.save()  # a write in the other kecamatan, shown in this one's list
    assert "Amaq Pindah" in client.get(memberships).content.decode()

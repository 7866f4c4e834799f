"""Column sorting of the big lists: the chosen order is applied, any `urut` value is safe."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.accounts.models import Role
from lindung.core.sorting import Sorting
from lindung.workers import testing

pytestmark = pytest.mark.django_db

SORT = Sorting({"nama": ("name", "id"), "desa": ("-village", "id")}, default="nama")


@given(st.text(max_size=12))
def test_any_value_falls_back_to_a_declared_key(value):
    key = SORT.chosen(value)
    assert key.lstrip("-") in SORT.columns
    if value.strip().lstrip("-") not in SORT.columns:
        assert key == "nama"


def test_descending_flips_every_field():
    from lindung.workers.models import Worker

    qs, key = SORT.apply(Worker.objects.all(), "-desa")
    assert key == "-desa" and qs.query.order_by == ("village", "-id")


def test_worker_list_sorts_by_the_clicked_column(client, users):
    for name, born in [("Zainal", dt.date(1990, 1, 1)), ("Ahmad", dt.date(1970, 1, 1))]:
        testing.make_worker(testing.VILLAGE_A, name=name, birth_date=born)
    client.force_login(users[Role.ADMIN_KABUPATEN])
    names = lambda r: [w.name for w in r.context["page"].object_list]  # noqa: E731
    assert names(client.get("/pekerja/")) == ["Ahmad", "Zainal"]
    assert names(client.get("/pekerja/?urut=-nama")) == ["Zainal", "Ahmad"]
    assert names(client.get("/pekerja/?urut=-lahir")) == ["Zainal", "Ahmad"]
    html = client.get("/pekerja/?urut=nama").content.decode()
    assert 'href="?urut=-nama"' in html and 'aria-sort="ascending"' in html


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.text(max_size=20))
def test_no_sort_value_breaks_the_lists(client, users, value):
    client.force_login(users[Role.CAMAT])
    for url in ("/pekerja/", "/kepesertaan/"):
        assert client.get(url, {"urut": value}).status_code == 200

"""The worklists' `wilayah` and the personal-data search's `nik` are read through filter forms:
any value gives the page, a refused value a warning, never a 500 or another area's figures."""

import hypothesis
import pytest
from hypothesis import strategies as st

from lindung.areas.models import Area
from lindung.site.filters import PersonSearchForm
from lindung.workers import testing

ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
FIXTURE_EXAMPLES = hypothesis.settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
)


def _h1(body: str) -> str:
    return body.split("<h1>", 1)[1].split("</h1>", 1)[0]


@FIXTURE_EXAMPLES
@hypothesis.given(value=ANY_TEXT | st.integers(-(10**30), 10**30).map(str))
def test_any_wilayah_gives_the_worklists(client, users, value):
    for role in ("camat", "operator_desa"):
        client.force_login(users[role])
        assert client.get("/daftar-kerja/", {"wilayah": value}).status_code == 200, (role, value)


def test_wilayah_inside_the_area_narrows_and_outside_is_a_warning(client, users):
    village_a = Area.objects.get(code=testing.VILLAGE_A).name
    village_b = Area.objects.get(code=testing.VILLAGE_B).name
    client.force_login(users["camat"])

    inside = client.get("/daftar-kerja/", {"wilayah": testing.VILLAGE_A}).content.decode()
    assert village_a in _h1(inside)
    assert 'class="msg warning"' not in inside

    outside = client.get("/daftar-kerja/", {"wilayah": testing.VILLAGE_B})
    assert outside.status_code == 200
    body = outside.content.decode()
    assert village_b not in body  # the other kecamatan's village is never named, let alone counted
    assert "Wilayah tidak ditemukan di wilayah Anda." in body
    own = Area.objects.get(code=testing.KECAMATAN_A).name
    assert own in _h1(body)


@hypothesis.given(raw=ANY_TEXT)
def test_a_searched_nik_is_sixteen_digits_or_nothing(raw):
    nik = PersonSearchForm({"nik": raw}).values["nik"]
    assert nik in (None, "") or (len(nik) == 16 and nik.isascii() and nik.isdigit())


@pytest.mark.parametrize(
    "typed",
    ["5203071403850001", " 5203.0714.0385.0001 ", "'5203-0714-0385-0001", "5203 0714 0385 0001"],
)
def test_a_nik_as_pasted_is_cleaned(typed):
    assert PersonSearchForm({"nik": typed}).values["nik"] == "5203071403850001"


@FIXTURE_EXAMPLES
@hypothesis.given(value=ANY_TEXT | st.integers(-(10**30), 10**30).map(str))
def test_any_nik_gives_the_search_page(client, users, value):
    client.force_login(users["admin_kabupaten"])
    assert client.get("/data-pribadi/", {"nik": value}).status_code == 200, value


def test_search_finds_a_pasted_nik_and_names_a_malformed_one(client, users):
    worker = testing.make_worker(testing.VILLAGE_A, name="Baiq Sumiati")
    client.force_login(users["admin_kabupaten"])
    spaced = " ".join(worker.nik[i : i + 4] for i in range(0, 16, 4))
    found = client.get("/data-pribadi/", {"nik": spaced}).content.decode()
    assert "Baiq Sumiati" in found

    malformed = client.get("/data-pribadi/", {"nik": worker.nik[:15]}).content.decode()
    assert "Baiq Sumiati" not in malformed
    assert "NIK harus 16 digit angka." in malformed
    assert "Tidak ada pekerja dengan NIK itu" not in malformed

    unknown = client.get("/data-pribadi/", {"nik": "5203070101900001"}).content.decode()
    assert "Tidak ada pekerja dengan NIK itu" in unknown

import json
from io import StringIO

import pytest
from django.core.management import call_command

from lindung.areas.fixture import read_fixture
from lindung.areas.models import Area, AreaLevel
from lindung.areas.services import load_areas


def test_fixture_has_the_whole_decree():
    counts = {}
    for code, *_ in read_fixture():
        level = code.count(".") + 1
        counts[level] = counts.get(level, 0) + 1
    assert counts == {1: 38, 2: 514, 3: 7285, 4: 83762}


@pytest.mark.django_db
def test_full_load_is_idempotent_and_lombok_timur_is_complete():
    first = load_areas()
    assert first.created == 91599
    second = load_areas()
    assert (second.created, second.updated) == (0, 0)
    lotim = Area.objects.within("52.03")
    assert lotim.filter(level=AreaLevel.KECAMATAN).count() == 21
    assert lotim.filter(level=AreaLevel.DESA).count() == 254
    assert lotim.filter(kind="desa").count() == 239
    assert lotim.filter(kind="kelurahan").count() == 15
    assert Area.objects.get(code="52.03.07").name == "Selong"
    assert Area.objects.get(code="52.03.07.1001").postal_code == "83611"


@pytest.mark.django_db
def test_load_repairs_a_changed_name():
    load_areas(prefix="52.03")
    Area.objects.filter(code="52.03.07").update(name="Salah")
    result = load_areas(prefix="52.03")
    assert result.updated == 1
    assert Area.objects.get(code="52.03.07").name == "Selong"


def test_areas_command_json(lotim):
    out = StringIO()
    call_command("areas", "5203", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["code"] == "52.03"
    assert data["type"] == "kabupaten"
    assert len(data["children"]) == 21
    assert data["children"][6] == {
        "code": "52.03.07",
        "name": "Selong",
        "type": "kecamatan",
        "postal_code": None,
    }
    assert data["counts"] == {"kecamatan": 21, "desa": 239, "kelurahan": 15}


def test_areas_command_unknown_code(lotim):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("areas", "99.99", stdout=StringIO())


def test_area_page_is_scoped(client, users, other_village_operator):
    client.force_login(other_village_operator)
    assert client.get("/wilayah/52.03.01.2001/").status_code == 200
    assert client.get("/wilayah/52.03.07.2012/").status_code == 404
    assert client.get("/wilayah/52.03/").status_code == 404
    client.force_login(users["camat"])
    page = client.get("/wilayah/52.03.07/")
    assert page.status_code == 200
    assert "Danggen Timur" in page.content.decode()


@pytest.mark.django_db
def test_within_is_the_area_and_exactly_the_codes_below_it():
    load_areas(prefix="52")  # all of NTB: 52.01 … 52.72, so 52.0x and 52.7x neighbour each other
    codes = list(Area.objects.values_list("code", flat=True))
    for code in ["52", "52.03", "52.03.07", "52.03.07.2012", "52.7", "52.0", "99"]:
        expected = sorted(c for c in codes if c == code or c.startswith(code + "."))
        found = sorted(Area.objects.within(code).values_list("code", flat=True))
        assert found == expected, code
    assert Area.objects.within("52.03").count() == 1 + 21 + 254
    assert not Area.objects.within("52.0").exists()  # a prefix of codes, not an area above them

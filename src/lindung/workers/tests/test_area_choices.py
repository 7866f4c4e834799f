"""The area filter lists kecamatan and villages of the user's scope, labelled like Area.__str__."""

from lindung.areas.choices import area_choices
from lindung.areas.models import Area, AreaLevel
from lindung.core import testing


def test_labels_match_area_names(users):
    choices = area_choices(users["camat"])
    areas = Area.objects.filter(level__gte=AreaLevel.KECAMATAN).within(testing.KECAMATAN_A)
    expected = [
        (a.code, ("" if a.level == AreaLevel.KECAMATAN else "\u2003") + str(a))
        for a in areas.order_by("code")
    ]
    assert choices == expected
    assert choices[0] == (testing.KECAMATAN_A, str(Area.objects.get(code=testing.KECAMATAN_A)))
    assert len(choices) > 5


def test_operator_sees_only_own_village(users):
    assert [c for c, _label in area_choices(users["operator_desa"])] == [testing.VILLAGE_A]


def test_a_renamed_or_new_area_shows_at_once(users, django_assert_num_queries):
    area_choices(users["camat"])
    with django_assert_num_queries(0):  # remembered: no query while no area changed
        area_choices(users["camat"])
    village = Area.objects.filter(parent_id=testing.KECAMATAN_A).order_by("code").first()
    village.name = "Nama Baru"
    village.save()
    assert (village.code, "\u2003" + str(village)) in area_choices(users["camat"])
    Area.objects.create(
        code=testing.KECAMATAN_A + ".2999", name="Desa Uji", kind=village.kind, level=4,
        parent_id=testing.KECAMATAN_A,
    )  # fmt: skip
    assert testing.KECAMATAN_A + ".2999" in dict(area_choices(users["camat"]))
    # The admin's picker is the regency's, remembered apart from the camat's.
    assert testing.KECAMATAN_A + ".2999" in dict(area_choices(users["admin_kabupaten"]))

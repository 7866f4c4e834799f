"""The area filter lists kecamatan and villages of the user's scope, labelled like Area.__str__."""

from lindung.areas.models import Area, AreaLevel
from lindung.core import testing
from lindung.workers.forms import area_choices


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

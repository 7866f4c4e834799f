from hypothesis import given
from hypothesis import strategies as st

from lindung.core.areacodes import ancestor_codes


def test_village_ancestors_nearest_first():
    assert ancestor_codes("52.03.07.2012") == ["52.03.07", "52.03", "52"]
    assert ancestor_codes("52") == []


@given(st.lists(st.from_regex(r"\A[0-9]{1,4}\Z"), min_size=1, max_size=4))
def test_each_ancestor_is_a_prefix_one_level_up(parts):
    code = ".".join(parts)
    found = ancestor_codes(code)
    assert len(found) == len(parts) - 1
    for level, ancestor in enumerate(found):
        assert code.startswith(ancestor + ".")
        assert ancestor.count(".") == len(parts) - 2 - level

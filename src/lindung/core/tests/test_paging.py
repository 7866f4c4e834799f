"""A list whose row count comes from the tallies still shows its rows if that count drifted."""

from lindung.core.paging import CachedCountPaginator


def test_known_count_numbers_the_pages():
    paginator = CachedCountPaginator(list(range(120)), 50, known_count=120)
    assert paginator.num_pages == 3
    assert list(paginator.get_page(3).object_list) == list(range(100, 120))


def test_a_drifted_count_never_hides_the_first_rows():
    rows = list(range(7))
    assert list(CachedCountPaginator(rows, 50, known_count=0).get_page(1).object_list) == rows
    too_low = CachedCountPaginator(rows, 5, known_count=3)
    assert list(too_low.get_page(1).object_list) == rows[:5]

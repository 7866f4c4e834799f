"""Template number formats: Indonesian separators, and never an exception on odd values."""

import math

from hypothesis import given
from hypothesis import strategies as st

from lindung.core.formatting import format_number, format_percent, format_rupiah


def test_indonesian_separators():
    assert format_number(1234567) == "1.234.567"
    assert format_number(-5000) == "-5.000"
    assert format_percent(12.345) == "12,3%"
    assert format_percent(7, 2) == "7,00%"
    assert format_rupiah(42_000_000) == "Rp42.000.000"


def test_missing_or_malformed_values_show_a_dash():
    # A summary saved without "rows" reached the template as '' and made /pertukaran/ fail.
    for value in (None, "", "abc", [], {}, float("nan"), float("inf")):
        assert format_number(value) == "-"
    for value in (None, "", "x", float("nan"), float("-inf")):
        assert format_percent(value) == "-"
    for value in (None, "", "x", float("nan"), float("inf")):
        assert format_rupiah(value) == "-"


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_number_round_trips(value):
    assert int(format_number(value).replace(".", "")) == value


@given(st.one_of(st.none(), st.text(), st.floats(), st.integers(), st.booleans()))
def test_formatters_never_raise(value):
    for formatter in (format_number, format_percent, format_rupiah):
        shown = formatter(value)
        assert isinstance(shown, str) and shown


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9))
def test_percent_keeps_the_value(value):
    shown = format_percent(value)
    assert math.isclose(float(shown[:-1].replace(",", ".")), round(value, 1), abs_tol=0.051)


@given(st.floats())
def test_any_float_is_shown_or_dashed(value):
    for formatter in (format_number, format_percent, format_rupiah):
        shown = formatter(value)
        assert shown == "-" if not math.isfinite(value) else shown != "-"

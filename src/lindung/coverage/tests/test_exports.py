"""Spreadsheet formula injection protection (OWASP CSV injection)."""

import csv
import datetime as dt
import io
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from lindung.coverage.exports import DANGEROUS_PREFIXES, csv_bytes, safe_cell, xlsx_bytes


@given(st.sampled_from(DANGEROUS_PREFIXES), st.text(max_size=30))
def test_dangerous_text_is_prefixed(prefix, rest):
    assert safe_cell(prefix + rest) == "'" + prefix + rest


@given(st.text(max_size=30).filter(lambda s: not s.startswith(DANGEROUS_PREFIXES)))
def test_other_text_is_unchanged(text):
    assert safe_cell(text) == text


@given(st.integers() | st.decimals(allow_nan=False, allow_infinity=False) | st.dates())
def test_numbers_and_dates_stay_typed(value):
    assert safe_cell(value) == value


def test_csv_round_trip_keeps_values_readable():
    rows = [["=1+1", -5, "-5", Decimal("3.50"), dt.date(2026, 1, 2), None, True, "@SUM(A1)"]]
    parsed = list(csv.reader(io.StringIO(csv_bytes(["a"] * 8, rows).decode("utf-8-sig"))))
    assert parsed[1] == ["'=1+1", "-5", "'-5", "3.50", "2026-01-02", "", "ya", "'@SUM(A1)"]


def test_xlsx_never_contains_formulas():
    from openpyxl import load_workbook

    data = xlsx_bytes([("Uji: [1]", ["nama", "n"], [["=cmd|' /C calc'!A0", 3], ["+1", -2]])])
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.title == "Uji   1 "
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    # Text cells keep the text as typed (no apostrophe a person would see); never a formula.
    assert sheet["A2"].value == "=cmd|' /C calc'!A0" and sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "+1" and sheet["B3"].value == -2


def test_xlsx_phone_is_a_text_cell_without_apostrophe():
    from openpyxl import load_workbook

    data = xlsx_bytes([("HP", ["hp"], [["+6281234567890"], ["081234567890"]])])
    sheet = load_workbook(io.BytesIO(data)).active
    assert [(c.value, c.data_type) for c in sheet["A"][1:]] == [
        ("+6281234567890", "s"),
        ("081234567890", "s"),
    ]

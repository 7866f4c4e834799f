"""The one download writer: no CSV cell starts a formula, text survives `,` and `;`, XLSX keeps
text as text cells, dates/booleans/numbers written the same way everywhere."""

import csv
import datetime as dt
import io
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from lindung.core import export

# Any text a person or an import could put in a cell, including separators, quotes, newlines.
texts = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)
cells = st.one_of(
    texts,
    st.sampled_from(export.FORMULA_START).flatmap(lambda p: texts.map(lambda t: p + t)),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.dates(),
    st.booleans(),
    st.none(),
)
rows = st.lists(st.lists(cells, min_size=1, max_size=6), max_size=8)


def _read(data: bytes, delimiter: str) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith(export.BOM)
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=delimiter))


def _unguard(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:2] in export.FORMULA_START else cell


def _expected(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@settings(max_examples=200)
@given(rows, st.sampled_from([",", ";"]))
def test_no_csv_cell_starts_a_formula(data, delimiter):
    parsed = _read(export.csv_bytes(["a"], data, delimiter), delimiter)[1:]
    for row, values in zip(parsed, data, strict=True):
        for cell, value in zip(row, values, strict=True):
            # Only a real number (e.g. -5) may start with -: it is a number, not text.
            if isinstance(value, int) and not isinstance(value, bool):
                assert cell == str(value)
            else:
                assert not cell.startswith(export.FORMULA_START), cell


@settings(max_examples=200)
@given(rows, st.sampled_from([",", ";"]))
def test_csv_round_trip_gives_back_the_text(data, delimiter):
    header = ["Nama; desa", "Alamat, RT"]
    parsed = _read(export.csv_bytes(header, data, delimiter), delimiter)
    assert parsed[0] == header
    assert [[_unguard(c) for c in row] for row in parsed[1:]] == [
        [_expected(v) for v in row] for row in data
    ]


@given(
    texts,
    st.sampled_from([",", ";"]),
    texts,
    st.sampled_from([",", ";"]),
    st.sampled_from([",", ";"]),
)
def test_text_with_either_separator_stays_one_cell(before, inside, after, written, read):
    # Written with one separator and opened with the other, a text is still one whole cell.
    value = "x" + before + inside + after
    line = "".join(export.csv_stream(None, [[value]], written, bom=False))
    assert list(csv.reader(io.StringIO(line, newline=""), delimiter=read)) == [[value]]


def test_cells_are_written_the_same_way_everywhere():
    row = [True, False, dt.date(2026, 1, 2), Decimal("3.50"), -5, None, "-5", "@SUM(A1)"]
    parsed = _read(export.csv_bytes(["x"] * 8, [row]), ",")
    assert parsed[1] == ["Ya", "Tidak", "2026-01-02", "3.50", "-5", "", "'-5", "'@SUM(A1)"]
    line = "".join(export.csv_stream(None, [[1500000, "Baiq"]], ";", bom=False))
    assert line == '1500000;"Baiq"\r\n'  # numbers plain, text quoted


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(texts.filter(lambda t: t != ""), min_size=1, max_size=4), max_size=5))
def test_xlsx_keeps_text_as_text_cells(data):
    content = export.xlsx_bytes([("Uji", ["a", "b", "c", "d"], data)])
    sheet = load_workbook(io.BytesIO(content)).active
    for r, row in enumerate(data, start=2):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(r, c)
            assert cell.data_type == "s"
            # openpyxl reads back XML-escaped control characters as _xHHHH_; compare the rest.
            if value.isprintable():
                assert cell.value == value


def test_xlsx_numbers_dates_and_titles():
    content = export.xlsx_bytes(
        [("Uji: [1]", ["n", "tgl", "hp"], [[-2, dt.date(2026, 3, 4), "+6281234567890"]])],
        constant_memory=True,
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Uji   1 "
    n, day, phone = sheet[2]
    assert n.value == -2 and n.data_type == "n"
    assert day.value == dt.datetime(2026, 3, 4) and day.number_format == "yyyy-mm-dd"
    assert (phone.value, phone.data_type) == ("+6281234567890", "s")


def test_sheet_titles_are_unique():
    used: set[str] = set()
    assert [export.sheet_title("Data", used) for _ in range(3)] == ["Data", "Data (2)", "Data (3)"]


@given(st.text(max_size=80))
def test_attachment_name_cannot_break_the_header(name):
    response = export.attachment(b"x", "text/plain", name)
    header = response["Content-Disposition"]
    assert header.startswith("attachment; filename=")
    assert "\n" not in header and "\r" not in header and "/" not in header
    assert header.count('"') == 2


def test_separator_values():
    assert export.separator("titikkoma") == ";"
    assert export.separator("koma") == ","
    assert export.separator(None) == ","

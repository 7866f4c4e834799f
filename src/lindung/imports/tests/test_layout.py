"""Rows that are not workers (column numbers, repeated headers, block titles, subtotals,
signatures) are left out; a row with a NIK never is."""

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from lindung.imports.layout import find_skipped, kecamatan_column

WIDTH = 5  # No, NIK, Nama, Tgl Lahir, Desa
nik = st.from_regex(r"\A[1-9][0-9]{15}\Z")
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)
worker = st.tuples(st.integers(1, 999).map(str), nik, text, text, text).map(list)
junk = st.one_of(
    st.just(["(1)", "(2)", "(3)", "(4)", "(5)"]),
    st.just(["No", "NIK", "Nama", "Tgl Lahir", "Desa"]),
    st.sampled_from(["KECAMATAN SELONG", "Kec. Keruak", "DESA PANCOR"]).map(
        lambda t: [t, "", "", "", ""]
    ),
    st.sampled_from(["JUMLAH", "Sub Total", "TOTAL", "Jumlah Kec. Selong"]).map(
        lambda t: ["", t, "", "", "12"]
    ),
    st.lists(text, min_size=WIDTH, max_size=WIDTH),  # anything else, even without a NIK
)


def _frame(rows: list[list[str]]) -> pl.DataFrame:
    columns = {f"c{i}": [r[i] or None for r in rows] for i in range(WIDTH)}
    frame = pl.DataFrame(columns, schema={f"c{i}": pl.String for i in range(WIDTH)})
    return frame.with_row_index("__row", offset=2)


@given(st.lists(st.tuples(st.booleans(), worker, junk), max_size=30))
def test_a_row_with_a_nik_is_never_left_out(pairs):
    rows = [w if is_worker else j for is_worker, w, j in pairs]
    skipped = find_skipped(_frame(rows), 1)
    workers = {index for index, (is_worker, _w, _j) in enumerate(pairs, start=2) if is_worker}
    assert not workers & set(skipped.rows)


@given(st.lists(worker, min_size=1, max_size=10), st.sampled_from(["JUMLAH", "Total", "SUB-TOTAL"]))
def test_subtotals_and_signatures_after_the_list_are_left_out(workers, word):
    tail = [
        ["", word, "", "", "99"],
        ["", "", "", "Selong, 24 November 2026", ""],
        ["", "Mengetahui,", "", "Yang membuat,", ""],
        ["", "Kepala Desa Pancor", "", "Operator Desa", ""],
        ["", "", "", "", ""],
        ["", "(H. LALU AHMAD)", "", "(BAIQ NURUL)", ""],
    ]
    skipped = find_skipped(_frame([*workers, *tail]), 1)
    first = 2 + len(workers)
    assert skipped.rows == {
        first: "subtotal", first + 1: "signature", first + 2: "signature",
        first + 3: "signature", first + 5: "signature",
    }  # fmt: skip


def test_a_signature_word_inside_the_list_is_still_checked():
    rows = [
        ["1", "5203071403850001", "Budi", "14-03-1985", "Pancor"],
        ["2", "", "Petugas lapangan", "", "Pancor"],  # a row missing its NIK, not a signature
        ["3", "5203071403850002", "Siti", "14-03-1985", "Pancor"],
    ]
    assert find_skipped(_frame(rows), 1).rows == {}


def test_block_titles_give_the_kecamatan_of_the_rows_below():
    rows = [
        ["KECAMATAN SELONG", "", "", "", ""],
        ["1", "5203071403850001", "Budi", "14-03-1985", "Pancor"],
        ["Kec. Keruak", "", "", "", ""],
        ["1", "5203071403850002", "Siti", "14-03-1985", "Tanjung Luar"],
    ]
    frame = _frame(rows)
    skipped = find_skipped(frame, 1)
    assert skipped.rows == {2: "block", 4: "block"}
    assert kecamatan_column(frame["__row"], skipped).to_list() == [
        "SELONG", "SELONG", "Keruak", "Keruak",
    ]  # fmt: skip

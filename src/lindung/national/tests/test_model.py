"""The person-matching model: NIK segments, name variants, levels (Python = Splink), decisions."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lindung.core import personnames as names
from lindung.national import model
from lindung.workers.nik import compose_nik

niks = st.text("0123456789", min_size=16, max_size=16)


@given(niks, st.integers(0, 14))
def test_an_adjacent_swap_is_a_transposition_not_a_typo(nik, i):
    swapped = nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]
    assume(swapped != nik)
    assert model.transposed(nik, swapped)
    assert model.transposed(swapped, nik)
    assert model.nik_segment_typo(nik, swapped) is None


@given(niks, st.integers(0, 15), st.integers(1, 9))
def test_one_changed_digit_is_placed_in_its_segment(nik, i, shift):
    other = nik[:i] + str((int(nik[i]) + shift) % 10) + nik[i + 1 :]
    expected = "region" if i < 6 else "date" if i < 12 else "serial"
    assert model.nik_segment_typo(nik, other) == expected
    assert not model.transposed(nik, other)


@given(niks, st.integers(0, 15), st.integers(1, 9), st.booleans())
def test_a_segment_typo_lands_in_its_own_level_only_with_the_same_birth_date(
    nik, i, shift, same_birth
):
    other = nik[:i] + str((int(nik[i]) + shift) % 10) + nik[i + 1 :]
    segment = "region" if i < 6 else "date" if i < 12 else "serial"
    a = {"nik": nik, "birth_date": "1990-05-01", "birth_swap": "1990-01-05"}
    b = {"nik": other, "birth_date": "1990-05-01" if same_birth else "1991-05-01"}
    b["birth_swap"] = b["birth_date"]
    level = model.level_of(model.NIK_BIRTH, a, b)
    assert (level.key == f"nik_typo_{segment}") == same_birth


@given(niks, niks)
def test_segment_typo_needs_exactly_one_difference(a, b):
    differing = sum(x != y for x, y in zip(a, b, strict=True))
    assert (model.nik_segment_typo(a, b) is not None) == (differing == 1)


words = st.text("abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10)


@given(
    st.lists(words, min_size=1, max_size=3), st.sampled_from(["H.", "Hj.", "Lalu", "Amaq", "Bq."])
)
def test_titles_and_case_do_not_change_the_comparable_name(given_names, title):
    table = names.table()
    assume(all(w not in table.titles and w not in table.canonical for w in given_names))
    plain = " ".join(given_names)
    assert names.normalise(f"{title} {plain.upper()}").core == names.normalise(plain).core


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bq. Nur Aini", "Baiq Nurul Aini"),
        ("H. Moh. Saleh", "Muhammad Saleh"),
        ("M. Saleh", "MUHAMAD SALEH"),
        ("Hj. St. Aminah", "Siti Aminah"),
        ("L. Saepul Hidayat", "Lalu Saiful Hidayat"),
        ("Amaq Sahril", "Sahril"),
    ],
)
def test_regional_variants_and_abbreviations_meet(a, b):
    assert names.normalise(a).core == names.normalise(b).core


def test_the_variant_table_is_data_not_code(tmp_path):
    custom = tmp_path / "variants.csv"
    custom.write_text("variant,canonical,kind\nudin,samsudin,name\ntgk,,title\n", encoding="utf-8")
    table = names.table(custom)
    assert names.normalise("Tgk Udin", table).core == "samsudin"


def test_prior_follows_the_data_size():
    assert model.prior(1_000_000) < model.prior(100_000) < model.prior(10_000)
    assert model.prior(3) == model.prior(model.MIN_RECORDS)  # a few rows are no evidence
    assert model.prior(100_001) == pytest.approx(2 * model.DUPLICATE_SHARE / 100_000)


BORN = dt.date(1984, 7, 9)
NIK = compose_nik("52.03.07", BORN, "L", 1)


def rec(uid, nik=NIK, name="Muhammad Saleh Hidayat", birth=BORN, sex="L", regency="5203"):
    return {"unique_id": uid, "regency": regency, "nik": nik, "name": name,
            "birth_date": birth.isoformat(), "sex": sex}  # fmt: skip


def swap(nik, i):
    return nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]


def typo(nik, i):
    return nik[:i] + str((int(nik[i]) + 1) % 10) + nik[i + 1 :]


# One defect each; all must be proposed at a national-size prior.
DUPLICATES = {
    "moved, capitals": rec("d1", name="MUHAMMAD SALEH HIDAYAT", regency="5201"),
    "transposed NIK": rec("d2", nik=swap(NIK, 3) if NIK[3] != NIK[4] else swap(NIK, 1)),
    "NIK serial typo": rec("d3", nik=typo(NIK, 14)),
    "NIK region typo": rec("d4", nik=typo(NIK, 5)),
    "day/month swap": rec("d5", birth=dt.date(1984, 9, 7)),
    "respelled first word": rec("d6", name="Moh. Saleh Hidayat"),
    "first word typo": rec("d7", name="Muhammed Saleh Hidayat"),
    "title dropped": rec("d8", name="H. Muhammad Saleh Hidayat"),
}
# Look-alikes that must not be.
DIFFERENT = {
    "twin": rec("n1", nik=compose_nik("52.03.07", BORN, "L", 2), name="Ahmad Saleh Hidayat"),
    "namesake": rec(
        "n2", nik=compose_nik("52.01.02", dt.date(1990, 3, 1), "L", 1), birth=dt.date(1990, 3, 1)
    ),  # fmt: skip
    "father": rec(
        "n3",
        nik=compose_nik("52.03.07", dt.date(1958, 2, 1), "L", 1),
        birth=dt.date(1958, 2, 1),
        name="H. Muhammad Saleh Hidayat",
    ),  # fmt: skip
    "same NIK, another name": rec("n4", name="Budi Santoso"),
}
ORIGINAL = rec("o")


@pytest.mark.parametrize("kind", DUPLICATES)
def test_duplicates_score_above_the_threshold_at_a_million_records(kind):
    a, b = model.prepare(ORIGINAL), model.prepare(DUPLICATES[kind])
    assert model.score_pair(a, b, n_records=1_000_000).probability >= model.THRESHOLD


@pytest.mark.parametrize("kind", DIFFERENT)
def test_look_alikes_score_below_the_threshold(kind):
    a, b = model.prepare(ORIGINAL), model.prepare(DIFFERENT[kind])
    assert model.score_pair(a, b, n_records=100_000).probability < model.THRESHOLD


def test_exact_nik_with_another_name_is_not_certain():
    a, b = model.prepare(ORIGINAL), model.prepare(DIFFERENT["same NIK, another name"])
    assert model.score_pair(a, b, n_records=1_000).probability < 0.99
    score = model.score_pair(a, b, n_records=100_000)
    assert score.probability < model.THRESHOLD
    assert [g.level for g in score.agreements] == ["nik_birth_exact", "name_other", "sex_same"]


def test_splink_and_python_put_every_pair_in_the_same_level():
    records = [ORIGINAL, *DUPLICATES.values(), *DIFFERENT.values()]
    predicted = model.predict(records, threshold=0.0, n_records=1_000_000)
    prepared = {r["unique_id"]: model.prepare(r) for r in records}
    assert predicted
    for p in predicted:
        python = model.score_pair(prepared[p.left], prepared[p.right], n_records=1_000_000)
        assert p.levels == {g.comparison: g.level for g in python.agreements}, (p.left, p.right)
    # Blocking: every planted duplicate meets the original through some rule.
    pairs = {(p.left, p.right) for p in predicted}
    for dup in DUPLICATES.values():
        assert tuple(sorted((dup["unique_id"], "o"))) in pairs


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "nik": st.one_of(niks, st.just(""), st.just(" 5203070907840012 ")),
                "name": st.one_of(
                    st.text(max_size=20), st.sampled_from(["Bq. Nur Aini", "H. M. Saleh"])
                ),  # fmt: skip
                "birth_date": st.one_of(
                    st.dates(dt.date(1940, 1, 1), dt.date(2010, 12, 31)), st.just("")
                ),  # fmt: skip
                "sex": st.sampled_from(["L", "P", ""]),
            }
        ),
        min_size=1,
        max_size=8,
    )
)
def test_the_column_table_holds_what_prepare_gives_each_record(rows):
    records = [{"unique_id": str(i), "regency": "52.03", **r} for i, r in enumerate(rows)]
    table = model.arrow_table(records).to_pylist()
    for record, row in zip(records, table, strict=True):
        expected = model.prepare(record)
        for column in (*model.COLUMNS, *model.DERIVED):
            assert (row[column] or "") == (expected[column] or ""), column

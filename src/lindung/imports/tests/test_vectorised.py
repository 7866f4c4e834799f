"""The column-wise path gives exactly what the row-by-row reference gives.

`validate_table(vectorised=False)` sends every row through `RowChecker` (the checks as they
were written row by row); the default path settles regular rows with polars. Both must give
the same JSON (codes, messages, order), the same accepted rows with the same flags, the same
possible-duplicate pairs and the same counts, on the bad-input corpus and on random messy
rows mixing every form the normalisers know.
"""

import datetime as dt
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.imports.pipeline import validate_table
from lindung.imports.readers import read_table
from lindung.imports.services import run_import
from lindung.workers.nik import compose_nik

from .helpers import csv_bytes, person, xlsx_bytes
from .test_corpus import ROW_CASES, WARNING_CASES

pytestmark = pytest.mark.usefixtures("setup_import")
TODAY = dt.date(2026, 11, 24)


def _both(name: str, data: bytes, **kw):
    table = read_table(name, data)
    fast = validate_table(table, today=TODAY, **kw)
    slow = validate_table(read_table(name, data), today=TODAY, vectorised=False, **kw)
    return fast, slow


def _same(fast, slow):
    assert fast.as_json() == slow.as_json()
    assert fast.accepted == slow.accepted
    assert fast.pairs == slow.pairs
    assert fast.default_sector_rows == slow.default_sector_rows
    assert fast.rejected_rows == slow.rejected_rows


def test_corpus_rows_give_the_same_result_both_ways():
    rows = [person(serial=5000)]
    rows += [bad for bad, _code in ROW_CASES.values()]
    rows += [row for row, _code in WARNING_CASES.values()]
    rows += [person(serial=5000)]  # the same NIK again: duplicate_in_file
    fast, slow = _both("c.csv", csv_bytes(rows))
    _same(fast, slow)
    codes = {p.code for p in (*fast.errors, *fast.warnings)}
    assert {"nik_format", "duplicate_in_file", "phone_invalid", "village_unknown"} <= codes
    assert len(fast.accepted) >= 2  # most corpus rows share one NIK: later ones are duplicates


def test_registry_duplicates_give_the_same_result_both_ways():
    born = dt.date(1988, 5, 6)
    first = [person(birth=born, name="Muhammad Zainul Arifin", serial=300)]
    first += [person(serial=s) for s in range(301, 306)]
    run_import("a.csv", csv_bytes(first), commit=True, today=TODAY)
    rows = [person(birth=born, name="Muhamad Zainul Arifin", serial=310)]  # like the registry
    rows += [person(serial=s) for s in range(301, 303)]  # already registered
    rows += [person(serial=s) for s in range(320, 324)]
    fast, slow = _both("b.csv", csv_bytes(rows))
    _same(fast, slow)
    assert {p.code for p in fast.errors} == {"duplicate_existing"}
    assert [p.code for p in fast.warnings] == ["possible_duplicate"]


NIKS = ["{nik}", " {nik} ", "'{nik}", "{nik}.0", "{dots}", "{short}", "{sci}", "", "-", "{zero}"]
NAMES = ["Baiq Nurul", "BAIQ  NURUL ", "Lalu Hamdan", "=SUM(A1)", "", "123", "Inaq Sahnun"]
SEXES = ["L", "P", "Laki-laki", "pr.", "", "x", "W"]
DATES = ["{dmy}", "{dmy_slash}", "{iso}", "{serial}", "{named}", "31-02-1985", "", "2030-01-01"]
VILLAGES = [
    ("Danggen Timur", "Selong"), ("Ds. DANGGEN TIMUR", ""), ("danggen timur", "Keruak"),
    ("Tanjung Luar", "Keruak"), ("Atlantis", ""), ("", ""), ("52.03.07.2012", ""),
]  # fmt: skip
PHONES = [
    "0812-3456-7890", "+62 812 3456 7890", "6281234567890", "0062812345678", "812345678",
    "0812", "+1 202 555 0100", "", "-", "08xx", " 0812 3456 789 ", "081234567890.0",
    "(0376) 21234", "0376-21234", "+", "0",
]  # fmt: skip
INCOMES = ["Rp 1.500.000", "750rb", "1,5 jt", "300000", "", "tidak tentu", "Rp2.000.000,-", "0"]
SECTORS = ["Buruh tani", "PETANI", "nelayan", "Astronot", "", "Kader Posyandu"]


def _messy_rows(seed: int, count: int) -> list[dict]:
    rnd = random.Random(seed)
    rows = []
    for _ in range(count):
        sex = rnd.choice("LP")
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rnd.randrange(25000))
        nik = compose_nik("52.03.07", born, sex, rnd.randrange(1, 40))
        form = rnd.choice(NIKS)
        nik_text = form.format(
            nik=nik,
            dots=f"{nik[:6]}.{nik[6:12]}.{nik[12:]}",
            short=nik[:15],
            sci=f"{int(nik) / 1e15:.5f}E+15",
            zero=nik[:12] + "0000",
        )
        if rows and rnd.random() < 0.05:  # the NIK of an earlier row: duplicate_in_file
            nik_text = rnd.choice(rows)["NIK"]
        if rnd.random() < 0.1:  # a NIK whose date or sex disagrees with the columns
            born = born + dt.timedelta(days=1)
        date_text = rnd.choice(DATES).format(
            dmy=born.strftime("%d-%m-%Y"),
            dmy_slash=born.strftime("%d/%m/%Y"),
            iso=born.isoformat(),
            serial=str((born - dt.date(1899, 12, 30)).days),
            named=f"{born.day} Maret {born.year}",
        )
        village, kecamatan = rnd.choice(VILLAGES)
        rows.append(
            {
                "NIK": nik_text,
                "Nama Lengkap": rnd.choice(NAMES),
                "L/P": rnd.choice(SEXES) if rnd.random() < 0.3 else sex,
                "Tgl Lahir": date_text,
                "Desa/Kelurahan": village,
                "Kecamatan": kecamatan,
                "Pekerjaan": rnd.choice(SECTORS),
                "Penghasilan": rnd.choice(INCOMES),
                "No HP": rnd.choice(PHONES),
            }
        )
    return rows


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10**6), count=st.integers(1, 120), kind=st.sampled_from(["csv", "xlsx"]))
def test_random_messy_files_give_the_same_result_both_ways(seed, count, kind):
    rows = _messy_rows(seed, count)
    data = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
    fast, slow = _both(f"m.{kind}", data)
    _same(fast, slow)


def test_messy_rows_reach_both_paths_and_every_normaliser():
    rows = _messy_rows(7, 600)
    fast, slow = _both("m.csv", csv_bytes(rows))
    _same(fast, slow)
    codes = {p.code for p in (*fast.errors, *fast.warnings)}
    assert codes >= {
        "nik_format", "nik_scientific", "nik_serial", "nik_birthdate_mismatch",
        "nik_sex_mismatch", "name_missing", "birthdate_invalid", "duplicate_in_file",
        "village_unknown", "phone_invalid", "income_adjusted",
    }  # fmt: skip
    phones = {a.phone for a in fast.accepted}
    assert "+6281234567890" in phones and "" in phones
    assert len(fast.accepted) > 50

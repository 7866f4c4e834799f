"""Import-time possible duplicates across villages: a file row meets people registered in any
village of the regency through the matching model's blocking rules, and an operator desa is
told where without learning who."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.imports.dedup import _keys, regency_pairs
from lindung.imports.services import run_import
from lindung.national import model
from lindung.workers import testing
from lindung.workers.models import Worker
from lindung.workers.nik import compose_nik

from .helpers import csv_bytes, person

pytestmark = pytest.mark.usefixtures("setup_import")
TODAY = dt.date(2026, 11, 24)
BORN = dt.date(1984, 7, 9)
# Tanjung Luar, Keruak: another kecamatan than the file rows' Danggen Timur, Selong.
ELSEWHERE = {"Desa/Kelurahan": "Tanjung Luar", "Kecamatan": "Keruak"}


def _swap(nik: str, i: int) -> str:
    return nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]


def _register(**fields) -> Worker:
    return testing.make_worker(testing.VILLAGE_B, birth_date=BORN, **fields)


def test_respelled_name_in_another_village_is_flagged_with_the_matched_fields():
    nik = compose_nik(testing.KECAMATAN_B, BORN, "L", 12)
    registered = _register(nik=nik, name="Lalu Muhammad Sahnun")
    row = person(birth=BORN, name="L. Moh. Sahnun", NIK=_swap(nik, 13))
    outcome, _ = run_import("a.csv", csv_bytes([row]), today=TODAY)
    assert [w.code for w in outcome.warnings] == ["possible_duplicate"]
    [pair] = outcome.pairs
    assert pair.other.key == registered.pk and not pair.other.in_file
    assert pair.levels["nik_birth"] == "nik_transposed"
    assert pair.probability >= model.THRESHOLD
    # The admin of the regency sees who it is and where.
    assert "Lalu Muhammad Sahnun" in outcome.warnings[0].message
    assert "Tanjung Luar" in outcome.warnings[0].message


def test_an_operator_desa_learns_where_but_not_who():
    nik = compose_nik(testing.KECAMATAN_B, BORN, "L", 12)
    _register(nik=nik, name="Lalu Muhammad Sahnun", phone="081234567890")
    row = person(birth=BORN, name="L. Moh. Sahnun", NIK=_swap(nik, 13))
    outcome, _ = run_import("a.csv", csv_bytes([row]), scope_code=testing.VILLAGE_A, today=TODAY)
    [warning] = outcome.warnings
    assert warning.code == "possible_duplicate"
    assert "Tanjung Luar" in warning.message and "Keruak" in warning.message
    assert "Sahnun" not in warning.message.split("dengan", 1)[1].split("(NIK")[0]
    assert nik not in warning.message and nik[6:] not in warning.message
    assert nik[:6] + "*" * 10 in warning.message
    assert "0812" not in warning.message and BORN.strftime("%d-%m-%Y") not in warning.message


def test_a_serial_typo_with_another_birth_date_field_is_found_by_the_nik_prefix():
    nik = compose_nik(testing.KECAMATAN_B, BORN, "P", 40)
    registered = _register(nik=nik, name="Baiq Nurul Aini", sex="P")
    typo = nik[:15] + ("1" if nik[15] != "1" else "2")
    row = person(birth=BORN, name="Baiq Nurul Aini", sex="P", NIK=typo)
    outcome, _ = run_import("a.csv", csv_bytes([row]), today=TODAY)
    assert [p.other.key for p in outcome.pairs] == [registered.pk]


def test_twins_and_namesakes_in_other_villages_are_not_flagged():
    twin_nik = compose_nik(testing.KECAMATAN_B, BORN, "L", 21)
    _register(nik=twin_nik, name="Lalu Hasan Basri")
    namesake_born = dt.date(1990, 3, 3)
    testing.make_worker(
        testing.VILLAGE_B,
        nik=compose_nik(testing.KECAMATAN_B, namesake_born, "L", 5),
        name="Ahmad Zaini",
        birth_date=namesake_born,
    )
    rows = [
        # The twin: same birth date, family name and kecamatan, next serial, another first name.
        person(
            birth=BORN,
            name="Lalu Husin Basri",
            NIK=compose_nik(testing.KECAMATAN_B, BORN, "L", 22),
            **ELSEWHERE,
        ),  # fmt: skip
        # Same name, another man born elsewhere on another day.
        person(birth=dt.date(1975, 6, 1), name="Ahmad Zaini"),
    ]
    outcome, _ = run_import("a.csv", csv_bytes(rows), today=TODAY)
    assert outcome.pairs == []
    assert [w.code for w in outcome.warnings] == []


def test_committed_cross_village_pair_reaches_the_review_queue():
    from lindung.imports.models import PossibleDuplicate

    nik = compose_nik(testing.KECAMATAN_B, BORN, "L", 12)
    registered = _register(nik=nik, name="Lalu Muhammad Sahnun")
    row = person(birth=BORN, name="Lalu Muhamad Sahnun", NIK=_swap(nik, 14))
    run_import("a.csv", csv_bytes([row]), commit=True, today=TODAY)
    pair = PossibleDuplicate.objects.get()
    assert pair.match == registered and pair.worker.nik == row["NIK"]
    assert pair.worker.village_id != registered.village_id


def test_the_registry_read_is_limited_to_the_blocking_keys(django_assert_max_num_queries):
    """Strangers (other birth dates, other NIK prefixes) are never read, whatever their number."""
    for serial in range(1, 40):
        born = dt.date(1960, 1, 1) + dt.timedelta(days=serial * 97)
        testing.make_worker(testing.VILLAGE_B, nik=compose_nik(testing.KECAMATAN_B, born, "L",
                            serial), name=f"Orang Lain {serial}", birth_date=born)  # fmt: skip
    nik = compose_nik(testing.KECAMATAN_B, BORN, "L", 12)
    registered = _register(nik=nik, name="Lalu Muhammad Sahnun")
    row = (1, _swap(nik, 13), "L. Moh. Sahnun", BORN, testing.VILLAGE_A, "L")
    from lindung.imports import dedup

    loaded = []
    original = dedup.RegencyCandidates._add

    def spy(self, rows, wanted, seen):
        rows = list(rows)
        loaded.extend(r[0] for r in rows)
        return original(self, rows, wanted, seen)

    dedup.RegencyCandidates._add = spy
    try:
        with django_assert_max_num_queries(2):
            pairs = regency_pairs([row], testing.REGENCY, 100_000)
    finally:
        dedup.RegencyCandidates._add = original
    assert [p.other.key for p in pairs] == [registered.pk]
    assert set(loaded) == {registered.pk}


@settings(max_examples=80)
@given(
    first=st.sampled_from(["Ahmad", "Muhammad", "Siti", "Nurul", "Zainal"]),
    last=st.sampled_from(["Sahnun", "Aini", "Hidayat", "Zaini"]),
    day=st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2008, 12, 31)),
    serial=st.integers(min_value=1, max_value=9999),
    typo=st.sampled_from(["nik", "first", "last"]),
    position=st.integers(min_value=0, max_value=14),
)
def test_one_typo_anywhere_leaves_a_shared_blocking_key(first, last, day, serial, typo, position):
    nik = compose_nik(testing.KECAMATAN_B, day, "L", serial)
    a = model.prepare({"unique_id": 1, "nik": nik, "name": f"{first} {last}", "birth_date": day})
    other = {
        "nik": _swap(nik, position) if typo == "nik" else nik,
        "name": f"{first}x {last}"
        if typo == "first"
        else f"{first} {last}" + ("x" if typo == "last" else ""),
    }
    b = model.prepare({"unique_id": 2, "birth_date": day, **other})
    assert set(_keys(a)) & set(_keys(b))


def test_a_large_file_leaves_the_birth_date_rules_to_the_nightly_run(monkeypatch):
    from lindung.imports import dedup

    nik = compose_nik(testing.KECAMATAN_B, BORN, "L", 12)
    registered = _register(nik=nik, name="Lalu Muhammad Sahnun")
    region_typo = nik[:2] + ("1" if nik[2] != "1" else "2") + nik[3:]  # only birth + name meet
    row = (1, region_typo, "Lalu Muhammad Sahnun", BORN, testing.VILLAGE_A, "L")
    assert [p.other.key for p in regency_pairs([row], testing.REGENCY, 100_000)] == [registered.pk]
    monkeypatch.setattr(dedup, "BIRTH_DATES_READ_MAX", 0)
    assert regency_pairs([row], testing.REGENCY, 100_000) == []
    # The NIK rule still runs for a large file.
    serial_swap = (1, _swap(nik, 13), "L. Moh. Sahnun", BORN, testing.VILLAGE_A, "L")
    assert [p.other.key for p in regency_pairs([serial_swap], testing.REGENCY, 100_000)] == [
        registered.pk
    ]

"""Import-time possible duplicates across villages: a file row meets people registered in any
village of the regency through the matching model's blocking rules, and an operator desa is
told where without learning who."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
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
        with django_assert_max_num_queries(4):  # NIK prefixes, first word, last word, unfilled
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


def test_a_file_with_many_birth_dates_still_meets_the_birth_date_rules():
    """No cap on the birth-date read any more: it follows the file's (date, word) pairs."""
    nik = compose_nik(testing.KECAMATAN_B, BORN, "L", 12)
    registered = _register(nik=nik, name="Lalu Muhammad Sahnun")
    region_typo = nik[:2] + ("1" if nik[2] != "1" else "2") + nik[3:]  # only birth + name meet
    rows = [(1, region_typo, "Lalu Muhammad Sahnun", BORN, testing.VILLAGE_A, "L")]
    for k in range(4000):  # 4,000 other birth dates, more than the old cap of 3,000
        born = dt.date(1950, 1, 1) + dt.timedelta(days=k)
        other = compose_nik(testing.KECAMATAN_A, born, "P", 7)
        rows.append((k + 2, other, f"Siti Orang {k}", born, testing.VILLAGE_A, "P"))
    pairs = regency_pairs(rows, testing.REGENCY, 100_000)
    assert [(p.row, p.other.key) for p in pairs] == [(1, registered.pk)]


def test_people_of_another_regency_are_not_candidates():
    """One database may hold several regencies; the pass reads only the importing one."""
    nik = compose_nik(testing.KECAMATAN_B, BORN, "L", 12)
    registered = _register(nik=nik, name="Lalu Muhammad Sahnun")
    row = (1, _swap(nik, 13), "L. Moh. Sahnun", BORN, testing.VILLAGE_A, "L")
    assert [p.other.key for p in regency_pairs([row], testing.REGENCY, 100_000)] == [registered.pk]
    assert regency_pairs([row], "52.01", 100_000) == []


def test_unfilled_name_words_are_still_read_by_birth_date():
    """A row written without its words (raw INSERT) is not missed by the birth-date rules."""
    nik = compose_nik(testing.KECAMATAN_B, BORN, "L", 12)
    registered = _register(nik=nik, name="Lalu Muhammad Sahnun")
    Worker.objects.filter(pk=registered.pk).update(name_first_word=None, name_last_word=None)
    region_typo = nik[:2] + ("1" if nik[2] != "1" else "2") + nik[3:]
    row = (1, region_typo, "L. Moh. Sahnun", BORN, testing.VILLAGE_A, "L")
    assert [p.other.key for p in regency_pairs([row], testing.REGENCY, 100_000)] == [registered.pk]


NAMES = ["Lalu Muhammad Sahnun", "L. Moh. Sahnun", "Baiq Nurul Aini", "Bq. Nur Aini",
         "H. Ahmad Zaini", "Ahmad", "Siti Aini", "Muhamad Zaini", "Nurul Hidayat", ""]  # fmt: skip
DAYS = [BORN, BORN + dt.timedelta(days=1), dt.date(1990, 2, 3)]
VILLAGES = [testing.VILLAGE_A, testing.VILLAGE_B]


def _old_read(records: list[dict]) -> dict:
    """The read before the words were stored: the NIK prefixes plus everyone born on the
    file's birth dates, kept when Python finds a shared key."""
    from lindung.imports import dedup

    candidates = dedup.RegencyCandidates(dedup.DuplicateFinder(100_000), testing.REGENCY)
    wanted = {key for record in records for key in _keys(record)}
    prefixes = sorted({key[1] for key in wanted if key[0] == "nik"})
    births = sorted({dt.date.fromisoformat(r["birth_date"]) for r in records})
    seen: set[int] = set()
    candidates._add(candidates._by_nik_prefix(prefixes), wanted, seen)
    rows = candidates._registry().filter(birth_date__in=births)
    candidates._add(rows.iterator(), wanted, seen)
    return {key: {c.key for c in found} for key, found in candidates.by_key.items()}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    registry=st.lists(
        st.tuples(
            st.sampled_from(NAMES),
            st.sampled_from(DAYS),
            st.sampled_from(VILLAGES),
            st.integers(1, 3),
        ),  # fmt: skip
        max_size=14,
    ),
    file=st.lists(
        st.tuples(st.sampled_from(NAMES), st.sampled_from(DAYS), st.integers(1, 3)),
        min_size=1,
        max_size=6,
    ),
)
@example(registry=[("Siti Aini", BORN, testing.VILLAGE_A, 1)], file=[("Baiq Nurul Aini", BORN, 1)])
@example(registry=[("Ahmad", BORN, testing.VILLAGE_A, 1)], file=[("H. Ahmad Zaini", BORN, 2)])
def test_the_indexed_read_finds_what_the_birth_date_read_found(registry, file):
    from lindung.imports import dedup

    with transaction.atomic():
        for serial, (name, day, village, kecamatan_serial) in enumerate(registry, start=1):
            nik = compose_nik(village[:8], day, "L", kecamatan_serial * 1000 + serial)
            testing.make_worker(village, nik=nik, name=name, birth_date=day)
        finder = dedup.DuplicateFinder(100_000)
        records = [
            finder._record(
                -k, compose_nik(testing.KECAMATAN_B, day, "L", serial * 1000 + 99), name, day, "L"
            )  # fmt: skip
            for k, (name, day, serial) in enumerate(file, start=1)
        ]
        new = dedup.RegencyCandidates(finder, testing.REGENCY)
        new.load(records)
        assert {key: {c.key for c in found} for key, found in new.by_key.items()} == _old_read(
            records
        )
        transaction.set_rollback(True)

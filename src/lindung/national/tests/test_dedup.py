"""Cross-regency deduplication with Splink: DuckDB and Spark (local mode) on a seeded sample.

The sample is ~600 generated workers in three regencies of NTB with planted duplicates (a NIK
typed with one wrong digit, respelled names, a mistyped birth date, one person in three
registries) and planted look-alikes: twins must not match; a namesake born the same day, same
sex, is proposed for review in a registry this small (in a registry of this size a same-name,
same-birthday pair is more likely one person than two).
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from lindung.national.dedup import Match, clusters, find_duplicates, normalise_name, worker_records
from lindung.workers.nik import compose_nik

LOTIM, LOBAR, LOTENG = "52.03", "52.01", "52.02"
KEC = {LOTIM: "52.03.07", LOBAR: "52.01.01", LOTENG: "52.02.01"}
FIRST = ["Ahmad", "Baiq", "Lalu", "Siti", "Nurul", "Rahmat", "Hadijah", "Fathul", "Rukmini",
         "Sapturi", "Inaq", "Amaq", "Husni", "Saepul", "Rohimah", "Murniati"]  # fmt: skip
LAST = ["Hidayat", "Aminah", "Hasanah", "Fauzi", "Marwan", "Rohani", "Sukri", "Hamdani", "Kartini",
        "Wardi", "Suhaili", "Jaelani", "Nursiah", "Ilham", "Azhari", "Mulyadi"]  # fmt: skip


def rec(uid, regency, nik, name, birth, sex):
    return {"unique_id": uid, "regency": regency, "nik": nik, "name": name,
            "birth_date": birth.isoformat(), "sex": sex}  # fmt: skip


def one_digit_off(nik: str) -> str:
    return nik[:-1] + str((int(nik[-1]) + 3) % 10)


def sample() -> tuple[list[dict], set[tuple[str, str]]]:
    rnd = random.Random(11)
    out = []
    for regency in (LOTIM, LOBAR, LOTENG):
        for i in range(200):
            sex = rnd.choice("LP")
            birth = dt.date(1960, 1, 1) + dt.timedelta(days=rnd.randrange(16000))
            nik = compose_nik(KEC[regency], birth, sex, rnd.randrange(1, 9999))
            name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
            out.append(rec(f"{regency}:bg{i}", regency, nik, name, birth, sex))
    d1, d2, d3 = dt.date(1984, 7, 21), dt.date(1979, 11, 2), dt.date(1991, 5, 30)
    n1 = compose_nik(KEC[LOTIM], d1, "L", 12)
    n2 = compose_nik(KEC[LOTIM], d2, "L", 407)
    n3 = compose_nik(KEC[LOBAR], d3, "P", 88)
    n4 = compose_nik(KEC[LOTENG], d1, "P", 5)
    n6 = compose_nik(KEC[LOTIM], d3, "L", 31)
    planted = [
        # 1. the same row entered in two regencies (name in capitals)
        rec("52.03:p1", LOTIM, n1, "Zainal Arifin", d1, "L"),
        rec("52.01:p1", LOBAR, n1, "ZAINAL ARIFIN", d1, "L"),
        # 2. one NIK digit mistyped and "Muhamad" for "Muhammad"
        rec("52.03:p2", LOTIM, n2, "Muhammad Sahnun", d2, "L"),
        rec("52.02:p2", LOTENG, one_digit_off(n2), "Muhamad Sahnun", d2, "L"),
        # 3. one person in three registries: exact NIK in one, a digit off in the other
        rec("52.01:p3", LOBAR, n3, "Baiq Mardiah", d3, "P"),
        rec("52.03:p3", LOTIM, one_digit_off(n3), "Baiq Mardiyah", d3, "P"),
        rec("52.02:p3", LOTENG, n3, "Bq. Mardiah", d3, "P"),
        # 4. same NIK, birth date typed wrong (found through the NIK block)
        rec("52.02:p4", LOTENG, n4, "Hj. Rohimah Zaini", d1, "P"),
        rec("52.03:p4", LOTIM, n4, "Rohimah Zaini", d1 + dt.timedelta(days=31), "P"),
        # 5. a duplicate inside one regency (not this module's job by default)
        rec("52.01:p5a", LOBAR, compose_nik(KEC[LOBAR], d2, "P", 9), "Nur Aini", d2, "P"),
        rec("52.01:p5b", LOBAR, compose_nik(KEC[LOBAR], d2, "P", 19), "Nur Aini", d2, "P"),
        # 6. twins: same birth date and sex, serial one digit apart, different names
        rec("52.03:p6", LOTIM, n6, "Hasan Basri", d3, "L"),
        rec("52.01:p6", LOBAR, n6[:-1] + "2", "Fathurrahman Basri", d3, "L"),
        # 7. a namesake born the same day elsewhere (unrelated NIK)
        rec("52.02:p7", LOTENG, compose_nik(KEC[LOTENG], d3, "L", 4521), "Hasan Basri", d3, "L"),
    ]
    expected = {
        ("52.01:p1", "52.03:p1"),
        ("52.02:p2", "52.03:p2"),
        ("52.01:p3", "52.03:p3"),
        ("52.01:p3", "52.02:p3"),
        ("52.02:p3", "52.03:p3"),
        ("52.02:p4", "52.03:p4"),
    }
    return out + planted, expected


NAMESAKE = ("52.02:p7", "52.03:p6")  # same name, day and sex; proposed for review


def pairs(matches: list[Match]) -> set[tuple[str, str]]:
    return {(m.left, m.right) for m in matches}


def test_normalise_name():
    assert normalise_name("MUHAMAD  Sahnun") == "muhammad sahnun"
    assert normalise_name("Hj. Rohimah Zaini") == "rohimah zaini"
    assert normalise_name("Moh. Zainul") == normalise_name("Muhammad Zainul")
    assert normalise_name("Bq. Nur Aini") == normalise_name("Baiq Nurul Aini")
    assert normalise_name("Baiq Mardiah") != normalise_name("Baiq Mardiyah")  # left to the model


def test_clusters_join_chains():
    ms = [Match("a", "b", 0.99, "sama", "sama"), Match("b", "c", 0.98, "sama", "sama"),
          Match("x", "y", 0.97, "sama", "sama")]  # fmt: skip
    assert clusters(ms) == [["a", "b", "c"], ["x", "y"]]
    assert clusters([]) == []


def test_duckdb_finds_the_planted_duplicates_and_nothing_else():
    records, expected = sample()
    matches = find_duplicates(records, backend="duckdb")
    assert pairs(matches) == expected | {NAMESAKE}
    by_pair = {(m.left, m.right): m for m in matches}
    assert by_pair[("52.02:p2", "52.03:p2")].nik_level == "nik_typo_serial"
    assert by_pair[("52.01:p1", "52.03:p1")].nik_level == "nik_birth_exact"
    assert by_pair[NAMESAKE].nik_level == "birth_exact"  # NIK unrelated: the weakest of them
    assert min(m.probability for m in matches) == by_pair[NAMESAKE].probability
    assert all(0.95 <= m.probability <= 1 for m in matches if m is not by_pair[NAMESAKE])
    assert ["52.01:p3", "52.02:p3", "52.03:p3"] in clusters(matches)
    # Within one regency too, when asked: the planted same-regency pair appears.
    everything = pairs(find_duplicates(records, backend="duckdb", across_regencies_only=False))
    assert everything == expected | {NAMESAKE, ("52.01:p5a", "52.01:p5b")}
    # A stricter threshold drops the weaker pairs, never adds any.
    strict = pairs(find_duplicates(records, backend="duckdb", threshold=0.99999))
    assert strict < expected


def test_blocking_scores_a_small_share_of_all_pairs():
    from lindung.national.dedup import count_pairs

    records, _ = sample()
    # Every pair of a registry this size is n(n-1)/2; the model's rules score a few hundred.
    n = len(records)
    assert 0 < count_pairs(records) < n * (n - 1) // 200


def test_spark_local_mode_gives_the_same_matches_as_duckdb():
    """The national run goes through Spark; local mode must agree with DuckDB pair by pair."""
    from lindung.national.dedup import spark_session

    records, expected = sample()
    spark = spark_session(master="local[1]")
    try:
        on_spark = find_duplicates(records, backend="spark", spark=spark)
    finally:
        spark.stop()
    on_duckdb = {
        (m.left, m.right): m.probability for m in find_duplicates(records, backend="duckdb")
    }
    assert pairs(on_spark) == expected | {NAMESAKE}
    for m in on_spark:
        assert m.probability == pytest.approx(on_duckdb[(m.left, m.right)], rel=1e-9)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="kolom wajib"):
        find_duplicates([{"unique_id": "1"}, {"unique_id": "2"}], backend="duckdb")
    r = rec("x", LOTIM, "5203070101800001", "A", dt.date(1980, 1, 1), "L")
    with pytest.raises(ValueError, match="unik"):
        find_duplicates([r, r], backend="duckdb")
    with pytest.raises(ValueError, match="backend"):
        find_duplicates([r, {**r, "unique_id": "y"}], backend="oracle")
    assert find_duplicates([r], backend="duckdb") == []


@pytest.mark.django_db
def test_records_from_the_registry(lotim):
    from lindung.areas.services import load_areas
    from lindung.workers import testing

    load_areas(prefix=LOBAR)
    birth = dt.date(1988, 2, 14)
    a = testing.make_worker(testing.VILLAGE_A, name="Lalu Wirajaya", birth_date=birth)
    b = testing.make_worker(
        "52.01.01.2002",
        name="Lalu Wira Jaya",
        birth_date=birth,
        # one digit off a's NIK (a's own last digit depends on how many workers tests made)
        nik=a.nik[:-1] + ("8" if a.nik.endswith("9") else "9"),
    )
    testing.make_worker(testing.VILLAGE_B, name="Siti Hawa", birth_date=birth, sex="P")
    from lindung.workers.models import Worker

    records = worker_records(Worker.objects.order_by("pk"))
    assert records[0] == {
        **{"unique_id": f"52.03:{a.pk}", "regency": "52.03", "nik": a.nik},
        **{"name": "Lalu Wirajaya", "birth_date": "1988-02-14", "sex": "L"},
    }
    matches = find_duplicates(records, backend="duckdb")
    assert pairs(matches) == {tuple(sorted((f"52.03:{a.pk}", f"52.01:{b.pk}")))}

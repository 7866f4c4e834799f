"""Demo data generation without the database: determinism, NIKs, villages, lifecycles."""

import datetime as dt
import functools
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.areas.fixture import read_fixture
from lindung.core.demo import names
from lindung.enrollment.models import EndReason, MembershipStatus
from lindung.site.demo import geography
from lindung.site.demo.memberships import (
    FUNDING_BY_SECTOR,
    KpjNumbers,
    month_end_after,
    plan_person,
)
from lindung.site.demo.people import NikSerials, age_on, generate_people
from lindung.site.demo.sectors import PROFILES
from lindung.workers.nik import parse_nik

TODAY = dt.date(2026, 3, 10)
S = MembershipStatus


@functools.cache
def _places() -> list[geography.Village]:
    rows = [(code, kind) for code, _, kind, _ in read_fixture("52.03") if code.count(".") == 3]
    return geography.villages(rows, set(PROFILES))


@pytest.fixture
def places():
    return _places()


def people(places, seed, count, today=TODAY):
    return list(generate_people(random.Random(seed), places, count, today))


def test_the_fixture_has_all_254_villages(places):
    assert len(places) == 254
    assert len({v.kecamatan for v in places}) == 21


def test_same_seed_same_people_other_seed_other_people(places):
    first = people(places, 7, 400)
    assert people(places, 7, 400) == first
    other = people(places, 8, 400)
    assert [p.nik for p in other] != [p.nik for p in first]


def test_every_village_appears_once_count_reaches_the_number_of_villages(places):
    group = people(places, 3, 300)
    assert {p.village for p in group} == {v.code for v in places}
    short = people(places, 3, 100)
    assert len({p.village for p in short}) == 100  # no village twice before all had one


def test_nik_matches_birth_date_sex_and_kecamatan(places):
    group = people(places, 11, 3000)
    assert len({p.nik for p in group}) == len(group)
    for p in group:
        result = parse_nik(p.nik, today=TODAY, entered_birth_date=p.birth_date, entered_sex=p.sex)
        assert result.ok, (p, result.issues)
        assert result.warnings == [], (p, result.issues)
        assert result.birth_date == p.birth_date and result.sex == p.sex
        if p.village.startswith(geography.LENEK + "."):
            assert result.region_code in (geography.LENEK, geography.AIKMEL)
        else:
            assert result.region_code == p.village[:8]
        day = int(p.nik[6:8])
        assert (day > 40) == (p.sex == "P")
        assert 15 <= age_on(p.birth_date, TODAY) <= 70


def test_some_lenek_residents_carry_the_old_aikmel_code(places):
    lenek = [p for p in people(places, 2, 6000) if p.village.startswith(geography.LENEK)]
    regions = Counter(p.nik[:6] for p in lenek)
    assert regions["520321"] > regions["520309"] > 0
    assert all(p.birth_date.year < 2005 for p in lenek if p.nik.startswith("520309"))


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    # Two-digit NIK years cannot tell 2000 from 2100, so stay in this century's first half.
    day=st.dates(dt.date(2024, 1, 1), dt.date(2060, 12, 31)),
)
def test_niks_valid_for_any_seed_and_day(seed, day):
    for p in people(_places(), seed, 60, today=day):
        result = parse_nik(p.nik, today=day, entered_birth_date=p.birth_date, entered_sex=p.sex)
        assert result.ok and not result.warnings, (p, result.issues)


def test_nik_serials_skip_existing_and_never_repeat():
    birth = dt.date(1980, 5, 17)
    taken = {f"520307170580{n:04d}" for n in range(1, 60)}
    serials = NikSerials(random.Random(1), taken)
    made = [serials.nik("52.03.07", birth, "L") for _ in range(50)]
    assert len(set(made)) == 50
    assert not set(made) & taken
    woman = serials.nik("52.03.07", birth, "P")
    assert woman[6:8] == "57"


def test_sector_mix_leans_on_farm_labour_and_tobacco(places):
    group = people(places, 5, 5000)
    counts = Counter(p.sector for p in group)
    top_two = {code for code, _ in counts.most_common(2)}
    assert top_two == {"buruh-tani", "petani-tembakau"}
    # No tobacco on the slopes of Rinjani; fishermen live on the coast.
    assert not [p for p in group if p.village.startswith("52.03.15.") and "tembakau" in p.sector]
    assert all(p.village in geography.COASTAL for p in group if p.sector == "nelayan")


def test_names_incomes_phones_look_local(places):
    group = people(places, 9, 3000)
    titles = Counter(p.name.split()[0] for p in group)
    assert titles["Lalu"] and titles["Baiq"] and (titles["Amaq"] or titles["Inaq"])
    assert not [p for p in group if p.name.startswith("Baiq") and p.sex == "L"]
    assert not [p for p in group if p.name.startswith("Lalu") and p.sex == "P"]
    incomes = sorted(p.monthly_income for p in group)
    median = incomes[len(incomes) // 2]
    assert 500_000 <= median <= 3_000_000
    assert all(i % 50_000 == 0 and 300_000 <= i <= 3_500_000 for i in incomes)
    phones = [p.phone for p in group if p.phone]
    assert 0.7 < len(phones) / len(group) < 0.9
    assert all(ph.startswith("+628") and 12 <= len(ph) - 1 <= 14 for ph in phones)
    desil = [p.poverty_desil for p in group if p.poverty_desil]
    assert set(desil) <= set(range(1, 11)) and 0.4 < len(desil) / len(group) < 0.7


def test_person_name_titles_follow_sex_and_age():
    rng = random.Random(4)
    young = [names.person_name(rng, "L", 20, menak=False) for _ in range(500)]
    assert not [n for n in young if n.split()[0] in ("Amaq", "Papuq", "H.", "Mamiq")]
    menak = [names.person_name(rng, "P", 30, menak=True) for _ in range(50)]
    assert all(n.startswith("Baiq ") for n in menak)


def _plans(places, seed=1, count=4000, today=TODAY):
    kpjs = KpjNumbers(random.Random(seed))
    rng = random.Random(seed)
    group = people(places, seed, count, today)
    return group, [plan_person(rng, p, today, kpjs) for p in group]


def test_membership_dates_fit_their_status(places):
    group, plans = _plans(places)
    members = [p.membership for p in plans if p.membership]
    assert 0.8 < len(members) / len(plans) < 0.95
    statuses = Counter(m.status for m in members)
    assert set(statuses) == set(S.values)
    assert statuses[S.AKTIF] == max(statuses.values())
    grace_start = month_end_after(TODAY, -4)
    for m in members:
        if m.status in (S.DIDATA, S.DIVERIFIKASI, S.DIAJUKAN):
            assert m.coverage_start is None and m.paid_until is None and not m.kpj
            continue
        assert m.coverage_start <= TODAY and m.coverage_start <= m.paid_until
        if m.status == S.AKTIF:
            assert m.paid_until >= TODAY and m.coverage_end is None
        elif m.status == S.MENUNGGAK:
            assert grace_start < m.paid_until < TODAY and m.coverage_end is None
        elif m.status == S.NONAKTIF:
            assert m.paid_until <= grace_start and m.coverage_end is None
        else:
            assert m.end_reason and m.coverage_start <= m.coverage_end <= TODAY
            if m.end_reason != EndReason.MENINGGAL:  # the dead may have been paid ahead
                assert m.paid_until <= m.coverage_end


def test_transitions_follow_the_status_path(places):
    _, plans = _plans(places, seed=2)
    allowed = {
        ("", S.DIDATA),
        (S.DIDATA, S.DIVERIFIKASI),
        (S.DIVERIFIKASI, S.DIAJUKAN),
        (S.DIAJUKAN, S.AKTIF),
        (S.AKTIF, S.MENUNGGAK),
        (S.MENUNGGAK, S.NONAKTIF),
        (S.AKTIF, S.BERAKHIR),
        (S.MENUNGGAK, S.BERAKHIR),
    }
    for plan in plans:
        m = plan.membership
        if m is None:
            continue
        pairs = [(s.from_status, s.to_status) for s in m.steps]
        assert pairs[0] == ("", S.DIDATA) and pairs[-1][1] == m.status
        assert set(pairs) <= allowed
        assert all(a[1] == b[0] for a, b in zip(pairs, pairs[1:], strict=False))
        days = [s.on for s in m.steps]
        assert days == sorted(days) and days[-1] <= TODAY
        assert days[0] == m.registered_on == plan.registered_on
        if m.coverage_start:
            assert m.steps[3].on == m.coverage_start


def test_funding_kpj_and_deaths(places):
    group, plans = _plans(places, seed=3, count=6000)
    pairs = [(p, plan) for p, plan in zip(group, plans, strict=True) if plan.membership]
    dbhcht = {p.sector for p, plan in pairs if plan.membership.funding_type == "DBHCHT"}
    assert dbhcht == {"petani-tembakau"}
    assert set(FUNDING_BY_SECTOR["buruh-tani"]) == {
        p.membership.funding_type for x, p in pairs if x.sector == "buruh-tani"
    }
    kpjs = [plan.membership.kpj for _, plan in pairs if plan.membership.kpj]
    assert len(kpjs) == len(set(kpjs)) > 0
    assert all(len(k) == 11 and k.isdigit() for k in kpjs)
    confirmed_without_number = [
        m for m in (plan.membership for _, plan in pairs) if m.bpjs_registered and not m.kpj
    ]
    assert confirmed_without_number
    assert not [
        plan for _, plan in pairs if plan.membership.kpj and not plan.membership.bpjs_registered
    ]
    dead = [(p, plan) for p, plan in zip(group, plans, strict=True) if plan.deceased_date]
    assert dead
    for p, plan in dead:
        assert p.birth_date < plan.deceased_date < TODAY
        if plan.membership:
            assert plan.membership.status == S.BERAKHIR
            assert plan.membership.end_reason == EndReason.MENINGGAL
            assert plan.membership.coverage_end == plan.deceased_date
    assert any(plan.membership is None for _, plan in dead)  # died without protection
    usia = [(p, plan) for p, plan in pairs if plan.membership.end_reason == EndReason.USIA]
    assert all(age_on(p.birth_date, TODAY) >= 58 for p, _ in usia)

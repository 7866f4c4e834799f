"""Benefit amounts per rule version."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.claims.benefits import ChildLike, MembershipFacts, compute, compute_benefit
from lindung.claims.models import ClaimsSettings, JkmWaitingVariant
from lindung.claims.rules import RuleBook, RuleValue, ScholarshipRow
from lindung.core.months import add_months_clamped

from .conftest import make_claim, make_membership

LONG = MembershipFacts(dt.date(2010, 1, 1), dt.date(2030, 12, 31), None, 2_000_000)
TODAY = dt.date(2026, 1, 15)


def run(rules, facts=LONG, claim_type="JKM", event=dt.date(2025, 6, 1), **kw):
    kw.setdefault("as_of", TODAY)
    kw.setdefault("waiting_variant", JkmWaitingVariant.PEMAKAMAN)
    return compute(facts, claim_type, event, rules, **kw)


def amounts(result):
    return {c.code: c.amount for c in result.components}


def test_jkm_after_pp_82_2019_is_42_million(rules):
    r = run(rules)
    assert amounts(r) == {
        "jkm_sekaligus": 20_000_000,
        "jkm_berkala": 12_000_000,
        "jkm_pemakaman": 10_000_000,
    }
    assert r.total == 42_000_000
    assert {v["effective_from"] for v in r.rule_versions} == {"2019-12-02"}
    assert all("PP 82/2019" in v["regulation"] for v in r.rule_versions)


def test_jkm_before_pp_82_2019_uses_old_version(rules):
    r = run(rules, event=dt.date(2019, 12, 1))
    assert r.total == 16_200_000 + 4_800_000 + 3_000_000
    assert {v["effective_from"] for v in r.rule_versions} == {"2015-07-01"}


def test_jkm_on_the_day_pp_82_applies(rules):
    assert run(rules, event=dt.date(2019, 12, 2)).total == 42_000_000


NEW = MembershipFacts(dt.date(2025, 5, 1), dt.date(2025, 12, 31), None, 1_000_000)


def test_waiting_period_variant_funeral_only(rules):
    r = run(
        rules, facts=NEW, event=dt.date(2025, 7, 31), waiting_variant=JkmWaitingVariant.PEMAKAMAN
    )
    assert amounts(r) == {"jkm_pemakaman": 10_000_000}
    assert any("pengaturan admin kabupaten" in w for w in r.warnings)
    assert any(v["code"] == "jkm_waiting_months" for v in r.rule_versions)


def test_waiting_period_variant_8_plus_2(rules):
    r = run(
        rules,
        facts=NEW,
        event=dt.date(2025, 7, 31),
        waiting_variant=JkmWaitingVariant.SANTUNAN_DAN_PEMAKAMAN,
    )
    assert amounts(r) == {"jkm_santunan": 8_000_000, "jkm_pemakaman": 2_000_000}


def test_waiting_period_ends_after_three_months(rules):
    assert run(rules, facts=NEW, event=dt.date(2025, 8, 1)).total == 42_000_000


def test_no_waiting_period_before_permenaker_1_2025(rules):
    facts = MembershipFacts(dt.date(2025, 1, 10), dt.date(2025, 12, 31), None, 1_000_000)
    assert run(rules, facts=facts, event=dt.date(2025, 2, 23)).total == 42_000_000
    assert run(rules, facts=facts, event=dt.date(2025, 2, 24)).total == 10_000_000


def test_not_covered_on_event_date_pays_nothing(rules):
    lapsed = MembershipFacts(dt.date(2020, 1, 1), dt.date(2024, 12, 31), None, 1_000_000)
    r = run(rules, facts=lapsed, event=dt.date(2025, 3, 1))
    assert not r.covered and r.total == 0 and r.warnings
    ended = MembershipFacts(dt.date(2020, 1, 1), dt.date(2026, 1, 1), dt.date(2025, 1, 1), 1)
    assert not run(rules, facts=ended, event=dt.date(2025, 3, 1)).covered


@pytest.mark.parametrize(
    ("declared", "event", "expected"),
    [
        # Below the lowest bracket: contributions are paid on Rp1 jt, so is the benefit.
        (500_000, dt.date(2025, 6, 1),
         {"jkk_meninggal": 48_000_000, "jkk_berkala": 12_000_000, "jkk_pemakaman": 10_000_000}),
        (1_000_000, dt.date(2025, 6, 1),
         {"jkk_meninggal": 48_000_000, "jkk_berkala": 12_000_000, "jkk_pemakaman": 10_000_000}),
        (1_750_000, dt.date(2025, 6, 1),
         {"jkk_meninggal": 84_000_000, "jkk_berkala": 12_000_000, "jkk_pemakaman": 10_000_000}),
        # Before PP 82/2019: the PP 44/2015 amounts.
        (500_000, dt.date(2019, 6, 1),
         {"jkk_meninggal": 48_000_000, "jkk_berkala": 4_800_000, "jkk_pemakaman": 3_000_000}),
    ],
)  # fmt: skip
def test_jkk_death_is_48_times_the_bracket_income_plus_fixed_amounts(
    lotim, rules, declared, event, expected
):
    m = make_membership(start=dt.date(2018, 1, 1), income=declared)
    r = compute_benefit(m, event, claim_type="JKK", jkk_outcome="meninggal", as_of=TODAY)
    assert amounts(r) == expected
    assert r.total == sum(expected.values())
    codes = {v["code"] for v in r.rule_versions}
    assert codes == {"jkk_death_multiplier", "jkk_death_periodic", "jkk_death_funeral"}
    assert all("PP 44/2015" in v["regulation"] or "PP 82/2019" in v["regulation"]
               for v in r.rule_versions)  # fmt: skip


def test_jkk_stmb_full_then_half(rules):
    facts = MembershipFacts(dt.date(2020, 1, 1), dt.date(2030, 1, 1), None, 3_000_000)
    # 1 Jan 2024 + 12 months = 1 Jan 2025: 366 days at 100% (leap year), then 30 days at 50%.
    r = run(
        rules,
        facts=facts,
        claim_type="JKK",
        event=dt.date(2024, 1, 1),
        jkk_outcome="stmb",
        stmb_start=dt.date(2024, 1, 1),
        stmb_end=dt.date(2025, 1, 30),
    )
    daily = Decimal(3_000_000) / 30
    assert amounts(r) == {
        "jkk_stmb_penuh": int(daily * 366),
        "jkk_stmb_lanjutan": int(daily * 30 / 2),
    }


def test_jkk_stmb_short_period_only_full_rate(rules):
    facts = MembershipFacts(dt.date(2020, 1, 1), dt.date(2030, 1, 1), None, 3_000_000)
    r = run(
        rules,
        facts=facts,
        claim_type="JKK",
        jkk_outcome="stmb",
        stmb_start=dt.date(2025, 6, 1),
        stmb_end=dt.date(2025, 6, 10),
    )
    assert amounts(r) == {"jkk_stmb_penuh": 1_000_000}


def test_jht_is_not_computed(rules):
    r = run(rules, claim_type="JHT")
    assert r.total == 0 and r.components == [] and r.notes


def child(name, born, level="sd", **kw):
    return ChildLike(name, born, kw.get("married", False), kw.get("working", False), level)


def test_scholarship_at_most_two_children_eldest_first(rules):
    kids = [
        child("c", dt.date(2015, 1, 1), "tk_sd"),
        child("a", dt.date(2008, 1, 1), "sma"),
        child("b", dt.date(2011, 1, 1), "smp"),
    ]
    r = run(rules, children=kids)
    by = {s.name: s for s in r.scholarships}
    assert by["a"].entitled and by["a"].yearly_amount == 3_000_000 and by["a"].max_years == 3
    assert by["b"].entitled and by["b"].yearly_amount == 2_000_000
    assert not by["c"].entitled and "2 anak" in by["c"].reason


def test_scholarship_needs_three_years_of_contributions_for_jkm(rules):
    kid = [child("a", dt.date(2012, 1, 1), "smp")]
    short = MembershipFacts(dt.date(2022, 6, 2), dt.date(2026, 1, 1), None, 1_000_000)
    r = run(rules, facts=short, event=dt.date(2025, 6, 1), children=kid)  # 35 months
    assert not r.scholarships[0].entitled
    enough = MembershipFacts(dt.date(2022, 6, 1), dt.date(2026, 1, 1), None, 1_000_000)
    assert (
        run(rules, facts=enough, event=dt.date(2025, 6, 1), children=kid).scholarships[0].entitled
    )


def test_scholarship_ends_at_23_marriage_or_work(rules):
    kids = [
        child("tua", dt.date(2003, 1, 15), "pt"),
        child("muda", dt.date(2003, 1, 16), "pt"),
        child("nikah", dt.date(2006, 1, 1), "pt", married=True),
        child("kerja", dt.date(2006, 1, 1), "pt", working=True),
    ]
    by = {s.name: s for s in run(rules, children=kids).scholarships}  # as_of 15 Jan 2026
    assert not by["tua"].entitled and "23" in by["tua"].reason
    assert by["muda"].entitled and by["muda"].yearly_amount == 12_000_000
    assert not by["nikah"].entitled and not by["kerja"].entitled


def test_child_not_yet_at_school_is_entitled_without_amount(rules):
    line = run(rules, children=[child("bayi", dt.date(2024, 1, 1), "belum_sekolah")]).scholarships[
        0
    ]
    assert line.entitled and line.yearly_amount == 0


def test_jkk_death_gives_scholarship_without_minimum_tenure(rules):
    new = MembershipFacts(dt.date(2025, 5, 1), dt.date(2026, 1, 1), None, 1_000_000)
    r = run(
        rules,
        facts=new,
        claim_type="JKK",
        jkk_outcome="meninggal",
        children=[child("a", dt.date(2012, 1, 1), "smp")],
    )
    assert r.scholarships[0].entitled


def test_a_new_rule_version_changes_the_amount_from_its_date():
    """Pure: a hand-built rulebook, no database."""
    base = [
        RuleValue(c, Decimal(v), dt.date(2019, 12, 2), "PP 82/2019")
        for c, v in [
            ("jkm_lump_sum", 20_000_000),
            ("jkm_periodic", 12_000_000),
            ("jkm_funeral", 10_000_000),
        ]
    ]
    raised = RuleValue("jkm_lump_sum", Decimal(30_000_000), dt.date(2027, 1, 1), "PP baru")
    book = RuleBook.build([*base, raised], [ScholarshipRow("smp", 1, 1, dt.date(2021, 4, 1), "x")])
    assert run(book, event=dt.date(2026, 12, 31)).total == 42_000_000
    later = run(book, event=dt.date(2027, 1, 1))
    assert later.total == 52_000_000
    assert {
        "code": "jkm_lump_sum",
        "value": "3E+7",
        "effective_from": "2027-01-01",
        "regulation": "PP baru",
    } in later.rule_versions


def test_missing_rule_is_a_warning_not_a_crash():
    r = run(RuleBook.build([]), event=dt.date(2025, 1, 1))
    assert r.total == 0 and "belum berlaku" in r.warnings[0]


def test_compute_benefit_from_claim_uses_setting_and_heirs(db, lotim):
    m = make_membership(start=dt.date(2025, 5, 1), income=1_000_000)
    claim = make_claim(m, event=dt.date(2025, 6, 1))
    s = ClaimsSettings.current()
    s.jkm_waiting_variant = JkmWaitingVariant.PEMAKAMAN
    s.save()
    assert {c.code for c in compute_benefit(claim).components} == {"jkm_pemakaman"}
    s.jkm_waiting_variant = JkmWaitingVariant.SANTUNAN_DAN_PEMAKAMAN
    s.save()
    assert compute_benefit(claim).total == 10_000_000
    assert len(compute_benefit(claim).components) == 2
    # A membership and a hypothetical event
    assert compute_benefit(m, dt.date(2025, 9, 1), claim_type="JKM").total == 42_000_000
    with pytest.raises(ValueError):
        compute_benefit(m)


@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 1, 1)),
    st.integers(min_value=0, max_value=600),
)
def test_add_months_properties(day, months):
    out = add_months_clamped(day, months)
    assert (out.year - day.year) * 12 + out.month - day.month == months
    assert out.day <= day.day

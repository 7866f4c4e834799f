"""Eligibility rules are data with effective dates; results carry Indonesian reasons."""

import datetime as dt

import pytest

from lindung.workers import testing
from lindung.workers.eligibility import evaluate, rule_for
from lindung.workers.models import EligibilityRule, Sector

ON = dt.date(2026, 11, 24)


@pytest.fixture
def tobacco(db):
    return Sector.objects.get(code="petani-tembakau")


def test_seeded_rules_have_sources_and_no_maximum_age(db):
    general = rule_for("MANDIRI", ON)
    assert general.funding_type == "" and general.min_age == 15 and general.max_age is None
    # The open maximum age is explained in plain words, without research references.
    assert "Usia maksimum BPU belum ditetapkan" in general.source and "§" not in general.source
    dbhcht = rule_for("DBHCHT", ON)
    assert dbhcht.funding_type == "DBHCHT" and dbhcht.requires_residency
    assert {s.code for s in dbhcht.allowed_sectors.all()} == {
        "petani-tembakau",
        "buruh-tani-tembakau",
    }
    # The open question is visible as data, in plain words.
    assert "Masih diperdebatkan" in rule_for("DANA_DESA", ON).note


def test_tobacco_farmer_eligible_for_dbhcht_but_buruh_tani_not(lotim, tobacco):
    farmer = testing.make_worker(sector=tobacco)
    labourer = testing.make_worker()  # buruh tani
    ok = evaluate(farmer, "DBHCHT", ON)
    assert ok.eligible and ok.reasons == []
    assert any("Petani tembakau" in p for p in ok.passed)
    no = evaluate(labourer, "DBHCHT", ON)
    assert not no.eligible
    assert no.reasons == [
        "sektor Buruh tani bukan sasaran DBH Cukai Hasil Tembakau "
        "(yang boleh: Buruh tani tembakau, Petani tembakau)"
    ]
    assert evaluate(labourer, "APBD", ON).eligible


def test_minimum_age_and_deceased(lotim):
    young = testing.make_worker(birth_date=dt.date(2012, 1, 1))
    result = evaluate(young, "MANDIRI", ON)
    assert result.reasons == ["usia 14 tahun, di bawah usia minimum 15 tahun"]
    assert evaluate(young, "MANDIRI", dt.date(2027, 1, 1)).eligible  # turned 15
    dead = testing.make_worker(deceased_date=dt.date(2026, 6, 1))
    assert not evaluate(dead, "APBD", ON).eligible
    assert "meninggal pada 1 Jun 2026" in evaluate(dead, "APBD", ON).summary
    assert evaluate(dead, "APBD", dt.date(2026, 5, 1)).eligible


def test_new_rule_version_applies_from_its_date(lotim):
    # A regulation sets a maximum age of 60 from 2027: the old rule ends the day before.
    old = rule_for("APBD", ON)
    old.effective_to = dt.date(2026, 12, 31)
    old.save()
    new = EligibilityRule.objects.create(
        funding_type="APBD",
        effective_from=dt.date(2027, 1, 1),
        min_age=18,
        max_age=60,
        requires_residency=True,
        source="Perbup uji",
    )
    worker = testing.make_worker(birth_date=dt.date(1966, 3, 1))  # 60 in 2026, 61 in 2027
    before = evaluate(worker, "APBD", dt.date(2026, 12, 31))
    after = evaluate(worker, "APBD", dt.date(2027, 3, 2))
    assert before.eligible and before.rule == old
    assert not after.eligible and after.rule == new
    assert after.reasons == ["usia 61 tahun, melebihi usia maksimum 60 tahun"]


def test_residency_outside_the_regency(lotim):
    worker = testing.make_worker()
    result = evaluate(worker, "APBD", ON, regency_code="52.01")
    assert not result.eligible
    assert "domisili di luar kabupaten" in result.reasons[0]
    assert evaluate(worker, "CSR", ON, regency_code="52.01").eligible  # no residency rule


def test_no_rule_in_force(lotim):
    EligibilityRule.objects.all().delete()
    result = evaluate(testing.make_worker(), "CSR", ON)
    assert not result.eligible and result.rule is None
    assert "belum ada aturan kelayakan untuk CSR / donatur" in result.reasons[0]

"""Indicator arithmetic on hand-computed fixtures."""

import datetime as dt
from decimal import Decimal

import pytest

from lindung.areas.models import Area
from lindung.core import testing
from lindung.coverage.indicators import (
    BandBook,
    BpjsBook,
    DenominatorBook,
    TargetBook,
    area_indicators,
    combine,
    percent_of,
    workers_to_enrol,
)
from lindung.coverage.models import BpjsReportCount, CoverageTarget, GradeBand
from lindung.coverage.snapshots import refresh_area

from .conftest import D, denominator, member

A, A2, KEC, REG = testing.VILLAGE_A, testing.VILLAGE_A2, testing.KECAMATAN_A, testing.REGENCY
JAN = D(2026, 1, 1)
JAN_END = D(2026, 1, 31)


@pytest.fixture
def jan_fixture(lotim):
    """Village A on 31 Jan 2026: 3 active (1 lapsing by 15 Feb); ended, lapsed, pre-active ignored.
    Village A2: 2 active. Denominators: A 100 (2024, BPS), A2 40 (2025, BPS; Dukcapil 50 ignored),
    Selong 1000 (2025)."""
    member(A, paid_until=D(2026, 2, 15))
    member(A)
    member(A, start=D(2026, 1, 10), funding="APBD")
    member(A, end=D(2026, 1, 10))  # ended before the 31st
    member(A, paid_until=D(2025, 12, 31), status="menunggak")  # lapsed
    member(A, status="didata", start=None, paid_until=None)  # not yet registered
    member(A2)
    member(A2, funding="APBD")
    denominator(A, 2024, 100)
    denominator(A2, 2025, 40)
    denominator(A2, 2025, 50, source="dukcapil_produktif")
    denominator(KEC, 2025, 1000)


def test_percent_and_workers_to_enrol_by_hand():
    assert percent_of(3, 100) == Decimal("3.00")
    assert percent_of(1, 3) == Decimal("33.33")
    assert percent_of(2, 3) == Decimal("66.67")
    assert percent_of(5, 0) is None
    assert percent_of(5, None) is None
    # 34,99% of 100 = 34,99 -> 35 people needed; 3 already in -> 32 more.
    assert workers_to_enrol(Decimal("34.99"), 100, 3) == 32
    assert workers_to_enrol(Decimal("34.99"), 1000, 5) == 345  # 349,9 -> 350
    assert workers_to_enrol(Decimal("10"), 100, 12) == 0  # already above target


def test_area_indicators_live_by_hand(jan_fixture):
    kec = Area.objects.get(code=KEC)
    head, children = area_indicators(kec, JAN, live_day=JAN_END)
    by_code = {c.code: c for c in children}
    a, a2 = by_code[A], by_code[A2]
    assert a.numerator.lindung == 3 and a.lapse_risk == 1
    assert a.denominator.value == 100 and a.denominator.year == 2024
    assert a.denominator.source == "bps_bekerja"
    assert a.percent == Decimal("3.00")
    assert a.target.percent == Decimal("34.99") and a.target.area_code is None
    assert a.to_enrol == 32
    assert a.gap_points == Decimal("31.99")
    assert a2.numerator.lindung == 2 and a2.percent == Decimal("5.00")  # BPS preferred over 50
    assert head.numerator.lindung == 5
    assert head.denominator.value == 1000 and head.percent == Decimal("0.50")
    assert head.to_enrol == 345
    others = [c for c in children if c.code not in (A, A2)]
    assert all(c.numerator.lindung == 0 and c.percent is None for c in others)


def test_snapshot_figures_equal_live_figures(jan_fixture):
    refresh_area(REG, on=D(2026, 3, 5))
    for code in (KEC, REG):
        area = Area.objects.get(code=code)
        live_head, live_children = area_indicators(area, JAN, live_day=JAN_END)
        snap_head, snap_children = area_indicators(area, JAN, on=D(2026, 3, 5))
        assert snap_head.numerator.lindung == live_head.numerator.lindung
        assert snap_head.lapse_risk == live_head.lapse_risk
        assert [(c.code, c.numerator.lindung, c.lapse_risk) for c in snap_children] == [
            (c.code, c.numerator.lindung, c.lapse_risk) for c in live_children
        ]
    kec = Area.objects.get(code=KEC)
    head, _ = area_indicators(kec, JAN, on=D(2026, 3, 5))
    assert head.numerator.lindung == 5
    assert head.extra["new_members"] == 1  # the APBD member who started on 10 Jan


def test_kecamatan_denominator_sums_children_only_when_all_have_one(lotim):
    book = DenominatorBook(KEC, 2026)
    assert book.get(KEC).value is None
    villages = list(Area.objects.filter(parent_id=KEC).values_list("code", flat=True))
    for i, code in enumerate(villages):
        denominator(code, 2025, 100 + i)
    book = DenominatorBook(KEC, 2026)
    den = book.get(KEC)
    assert den.value == sum(100 + i for i in range(len(villages)))
    assert den.parts == len(villages) and den.year == 2025
    denominator(KEC, 2026, 7777, source="bpjs_potensi")
    own = DenominatorBook(KEC, 2026).get(KEC)
    assert own.value == 7777 and own.parts == 0 and own.source == "bpjs_potensi"
    # A later year is never used for an earlier period.
    assert DenominatorBook(KEC, 2025).get(KEC).value == den.value


def test_combine_rules():
    assert combine(10, None, "max") == 10
    assert combine(10, {"PU": 300, "BPU": 4, "JAKON": 6}, "max") == 316
    assert combine(10, {"PU": 300, "BPU": 40, "JAKON": 6}, "max") == 346
    assert combine(10, {"PU": 300, "BPU": 4, "JAKON": 6}, "sum") == 320
    assert combine(10, {"PU": 300}, "max") == 310  # no BPU in the report: add Lindung's


def test_bpjs_report_larger_area_wins_and_latest_month_is_used(lotim):
    def report(code, period, segment, n):
        BpjsReportCount.objects.create(area_id=code, period=period, segment=segment, participants=n)

    report(KEC, JAN, "PU", 300)
    report(KEC, JAN, "BPU", 4)
    report(A, JAN, "BPU", 10)
    report(A, JAN, "PU", 99)  # covered by the kecamatan PU total
    report(A, D(2025, 12, 1), "PU", 1)  # older month
    book = BpjsBook(KEC, D(2026, 2, 1))
    totals, period = book.get(KEC)
    assert period == JAN and totals == {"PU": 300, "BPU": 4}
    village, vperiod = book.get(A)
    assert vperiod == JAN and village == {"BPU": 10, "PU": 99}
    assert BpjsBook(KEC, D(2025, 12, 1)).get(A) == ({"PU": 1}, D(2025, 12, 1))
    assert BpjsBook(KEC, D(2025, 11, 1)).get(A) == (None, None)


def test_combined_numerator_in_indicator(jan_fixture):
    BpjsReportCount.objects.create(area_id=A, period=JAN, segment="PU", participants=20)
    BpjsReportCount.objects.create(area_id=A, period=JAN, segment="BPU", participants=2)
    kec = Area.objects.get(code=KEC)
    _, children = area_indicators(kec, JAN, live_day=JAN_END)
    a = next(c for c in children if c.code == A)
    # PU 20 + max(BPJS BPU 2, Lindung 3) = 23 of 100.
    assert a.numerator.combined == 23 and a.percent == Decimal("23.00")
    data = a.as_dict()
    assert data["numerator"]["lindung_bpu"] == 3
    assert data["numerator"]["bpjs_report"]["pu"] == 20
    assert data["numerator"]["bpjs_report"]["total"] == 22
    assert data["denominator"] == {
        "value": 100,
        "year": 2024,
        "source": "bps_bekerja",
        "source_label": "BPS: penduduk bekerja (Sakernas)",
        "note": None,
        "summed_from_children": 0,
    }


def test_targets_inherit_from_nearest_area_then_national(lotim):
    book = TargetBook(2026)
    assert book.get(A).percent == Decimal("34.99") and book.get(A).area_code is None
    CoverageTarget.objects.create(area_id=REG, year=2026, percent=Decimal("45"), source="RPJMD")
    CoverageTarget.objects.create(area_id=A, year=2026, percent=Decimal("60"), source="Perdes")
    book = TargetBook(2026)
    assert book.get(A).percent == Decimal("60")
    assert book.get(A2).percent == Decimal("45") and book.get(A2).area_code == REG
    assert TargetBook(2027).get(A) is None  # no national target seeded for 2027


def test_grade_bands_are_data_and_unverified(db):
    book = BandBook(D(2026, 1, 1))
    assert [b.code for b in book.bands] == ["sangat_rendah", "rendah", "sedang", "tinggi"]
    assert all(not b.source_verified for b in book.bands)
    assert book.get(Decimal("3")).code == "sangat_rendah"
    assert book.get(Decimal("25")).code == "rendah"
    assert book.get(Decimal("74.99")).code == "sedang"
    assert book.get(None) is None
    # A new set of thresholds replaces the old one from its start date.
    for code, low in (("rendah", 0), ("tinggi", 10)):
        GradeBand.objects.create(
            code=code, label=code, min_percent=low, valid_from=D(2027, 1, 1), source="uji"
        )
    assert BandBook(D(2027, 2, 1)).get(Decimal("12")).code == "tinggi"
    assert BandBook(D(2026, 12, 31)).get(Decimal("12")).code == "sangat_rendah"


def test_dates_move_with_month_ends():
    from lindung.core.months import add_months_to_first
    from lindung.coverage.periods import parse_period, ref_day

    assert ref_day(D(2026, 2, 1), on=D(2026, 5, 1)) == D(2026, 2, 28)
    assert ref_day(D(2026, 5, 1), on=D(2026, 5, 7)) == D(2026, 5, 7)
    assert add_months_to_first(D(2026, 1, 1), -13) == D(2024, 12, 1)
    assert parse_period("2026-01") == D(2026, 1, 1)
    assert parse_period("2026-13") is None and parse_period("x") is None


def test_unknown_period_window_is_empty(lotim):
    area = Area.objects.get(code=REG)
    head, children = area_indicators(area, dt.date(2026, 1, 1), live_day=D(2026, 1, 31))
    assert head.numerator.combined == 0 and len(children) == 21

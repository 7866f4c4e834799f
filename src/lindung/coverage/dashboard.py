"""Figures for a dashboard (kabupaten, kecamatan, desa): all read from snapshots, all scoped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Sum

from lindung.accounts.scoping import scoped
from lindung.areas.models import Area
from lindung.core.areacodes import ancestor_codes
from lindung.core.figures import cached
from lindung.core.months import add_months_to_first
from lindung.enrollment.models import FundingType, MembershipStatus
from lindung.workers.models import Sector

from .indicators import (
    BpjsBook,
    DenominatorBook,
    Indicator,
    area_indicators,
    combine,
    percent_of,
)
from .models import CoverageConfig, CoverageRefreshLog, CoverageSnapshot, CoverageStatusCount
from .periods import ref_day, today

TREND_MONTHS = 12


def snapshots(user):
    return scoped(CoverageSnapshot.objects.all(), user)


def trend(user, area: Area, period: dt.date, months: int = TREND_MONTHS) -> list[dict]:
    """Month by month up to `period`: Lindung active, BPJS report total, combined and percent."""
    first = add_months_to_first(period, -(months - 1))
    rows = {
        r["period"]: r
        for r in snapshots(user)
        .filter(area_id=area.code, period__gte=first, period__lte=period)
        .values("period")
        .annotate(a=Sum("active"), lr=Sum("lapse_risk"), n=Sum("new_members"))
    }
    config = CoverageConfig.current()
    bpjs_book = BpjsBook(area.code, period, first=first)
    denominators: dict[int, DenominatorBook] = {}
    out = []
    p = first
    while p <= period:
        row = rows.get(p, {})
        active = row.get("a") or 0
        bpjs, bpjs_period = bpjs_book.get(area.code, at=p)
        exact_bpjs = bpjs if bpjs_period == p else None  # trends show a month's own report only
        combined = combine(active, exact_bpjs, config.bpu_overlap)
        if p.year not in denominators:  # one book a year (setdefault would read one a month)
            denominators[p.year] = DenominatorBook(area.code, p.year, config.source_order())
        book = denominators[p.year]
        den = book.get(area.code).value
        out.append(
            {
                "period": p,
                "lindung": active,
                "lapse_risk": row.get("lr") or 0,
                "new_members": row.get("n") or 0,
                "bpjs": None if exact_bpjs is None else sum(exact_bpjs.values()),
                "combined": combined,
                "percent": percent_of(combined, den),
            }
        )
        p = add_months_to_first(p, 1)
    return out


def breakdown(user, area: Area, period: dt.date, by: str) -> list[dict]:
    """Lindung active participants by sector or by funding source for the month."""
    field = "sector_id" if by == "sector" else "funding_type"
    rows = (
        snapshots(user)
        .filter(area_id=area.code, period=period)
        .values(field)
        .annotate(a=Sum("active"), lr=Sum("lapse_risk"), n=Sum("new_members"))
        .order_by("-a", field)
    )
    if by == "sector":
        names = dict(Sector.objects.values_list("id", "name"))
    else:
        names = {k: str(v) for k, v in FundingType.choices}
    total = sum(r["a"] for r in rows) or 0
    return [
        {
            "key": r[field],
            "label": names.get(r[field], str(r[field])),
            "active": r["a"],
            "lapse_risk": r["lr"],
            "new_members": r["n"],
            "share": percent_of(r["a"], total),
        }
        for r in rows
        if r["a"] or r["lr"] or r["n"]
    ]


def status_counts(user, area: Area) -> list[dict]:
    rows = dict(
        scoped(CoverageStatusCount.objects.all(), user)
        .filter(area_id=area.code)
        .values_list("status", "count")
    )
    return [
        {"status": value, "label": str(label), "count": rows.get(value, 0)}
        for value, label in MembershipStatus.choices
    ]


@dataclass
class Freshness:
    ref_day: dt.date | None
    full_refresh: dt.date | None
    stale: bool
    never: bool


def freshness(area: Area, period: dt.date) -> Freshness:
    """Whether the month's figures were counted on the day they should have been."""
    expected = ref_day(period)
    counted = (
        CoverageSnapshot.objects.filter(area_id=area.code, period=period)
        .aggregate(m=Max("ref_day"))
        .get("m")
    )
    log = (
        CoverageRefreshLog.objects.filter(area_id__in=[area.code, *ancestor_codes(area.code)])
        .order_by("-ref_day")
        .values_list("ref_day", flat=True)
        .first()
    )
    never = counted is None and log is None
    stale = (log or dt.date.min) < expected and (counted or dt.date.min) < expected
    return Freshness(counted, log, stale and not never, never)


def claims_card(user, area: Area, period: dt.date) -> dict | None:
    """Claims paid in the year up to the month, when the claims app offers totals."""
    try:
        from lindung.claims.selectors import claims_totals
    except ImportError:  # claims module not installed in this deployment
        return None
    start = period.replace(month=1, day=1)
    end = ref_day(period)
    return claims_totals(user, area.code, start, end)


def shared_indicators(user, area: Area, period: dt.date) -> tuple[Indicator, list[Indicator]]:
    """area_indicators of the month, counted once for the home card and the dashboard (after
    a write in the area both pages would otherwise each count them again)."""
    return cached(
        f"coverage-indicators:{period:%Y-%m}", user, area, lambda: area_indicators(area, period)
    )


def shared_trend(user, area: Area, period: dt.date) -> list[dict]:
    """trend() up to the month, counted once for the home chart and the dashboard."""
    return cached(f"coverage-trend:{period:%Y-%m}", user, area, lambda: trend(user, area, period))


def dashboard(user, area: Area, period: dt.date) -> dict:
    head, children = shared_indicators(user, area, period)
    ranked = sorted(
        children,
        key=lambda c: (c.percent is None, -(c.percent or 0), -c.numerator.combined, c.name),
    )
    return {
        "head": head,
        "children": children,
        "ranked": ranked,
        "trend": shared_trend(user, area, period),
        "by_sector": breakdown(user, area, period, "sector"),
        "by_funding": breakdown(user, area, period, "funding"),
        "statuses": status_counts(user, area),
        "claims": claims_card(user, area, period),
        "freshness": freshness(area, period),
        "is_current": period == today().replace(day=1),
    }


def children_table(children: list[Indicator]) -> tuple[list[str], list[list]]:
    """The child-area table as header + rows (for CSV/XLSX exports)."""
    header = [
        "kode",
        "nama",
        "peserta_gabungan",
        "peserta_lindung_bpu",
        "laporan_bpjs_total",
        "laporan_bpjs_bulan",
        "penyebut",
        "penyebut_tahun",
        "penyebut_sumber",
        "cakupan_persen",
        "kategori",
        "target_persen",
        "selisih_poin",
        "pekerja_perlu_didaftarkan",
        "berisiko_putus",
    ]
    rows = []
    for c in children:
        rows.append(
            [
                c.code,
                c.name,
                c.numerator.combined,
                c.numerator.lindung,
                c.numerator.bpjs_total,
                c.numerator.bpjs_period.strftime("%Y-%m") if c.numerator.bpjs_period else "",
                c.denominator.value,
                c.denominator.year,
                c.denominator.source_label,
                c.percent,
                c.band.label if c.band else "",
                c.target.percent if c.target else None,
                c.gap_points,
                c.to_enrol,
                c.lapse_risk,
            ]
        )
    return header, rows

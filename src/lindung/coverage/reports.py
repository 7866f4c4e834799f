"""Monthly UCJ report for the Bupati and the Paritrana Award dossier (XLSX and PDF).

Both only contain figures computed from stored data; the Paritrana dossier's budget section
appears only when the funding app offers committed-budget totals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from lindung.accounts.scoping import scoped
from lindung.areas.models import Area, AreaLevel
from lindung.core.export import XLSX_TYPE, xlsx_bytes, xlsx_response
from lindung.core.formatting import format_date, format_month
from lindung.core.months import add_months_to_first, month_start

from . import dashboard as dash
from . import svgcharts
from .exports import pdf_bytes
from .indicators import Indicator
from .league import league_rows, league_table
from .letterhead import letterhead_context
from .models import CoverageConfig, Innovation, RegionalPolicy
from .periods import today


def _summary_rows(head: Indicator) -> list[list]:
    num, den = head.numerator, head.denominator
    rows = [
        ["Wilayah", f"{head.label} ({head.code})"],
        ["Posisi per", format_date(head.ref_day)],
        ["Peserta aktif (gabungan)", num.combined],
        ["  Peserta BPU didaftarkan Lindung", num.lindung],
    ]
    if num.bpjs is not None:
        rows.append(
            [f"  Laporan BPJS bulan {format_month(num.bpjs_period)} (total)", num.bpjs_total]
        )
        for seg, n in sorted(num.bpjs.items()):
            rows.append([f"    {seg}", n])
    else:
        rows.append(["  Laporan BPJS", "belum ada"])
    rows += [
        ["Penyebut (penduduk bekerja)", den.value if den.value is not None else "belum ada"],
        ["  Tahun penyebut", str(den.year) if den.year else "-"],
        ["  Sumber penyebut", den.source_label or "-"],
        ["Cakupan (%)", head.percent if head.percent is not None else "belum ada penyebut"],
        # Official documents show only decided values: a category whose thresholds have no
        # verified source is left out (the dashboard still shows it, with its note).
        ["Kategori", head.band.label if head.band and head.band.verified else "-"],
        ["Target (%)", head.target.percent if head.target else "belum ada target"],
        ["  Sumber target", head.target.source if head.target else "-"],
        [
            "Selisih terhadap target (poin %)",
            head.gap_points if head.gap_points is not None else "-",
        ],
        [
            "Pekerja yang masih perlu didaftarkan",
            head.to_enrol if head.to_enrol is not None else "-",
        ],
        ["Peserta berisiko putus", head.lapse_risk],
    ]
    return rows


def _notes(head: Indicator) -> list[str]:
    config = CoverageConfig.current()
    notes = [
        "Cakupan = peserta aktif ÷ penduduk bekerja × 100 (pembilang dan penyebut disimpan "
        "terpisah; sumber penyebut dicantumkan).",
        f"Gabungan BPU Lindung dan laporan BPJS: {config.get_bpu_overlap_display()}.",
    ]
    return notes


def monthly(user, area: Area, period: dt.date) -> dict:
    data = dash.dashboard(user, area, period)
    league = None
    if area.level < AreaLevel.DESA:
        league = league_table(area, "persen", add_months_to_first(period, -12), period)
    return {
        **data,
        "area": area,
        "period": period,
        "summary": _summary_rows(data["head"]),
        "notes": _notes(data["head"]),
        "league": league,
        "top": league.ranked[:10] if league else [],
        "generated": today(),
        "trend_svg": svgcharts.line_chart(
            [format_month(t["period"]) for t in data["trend"]],
            [t["percent"] for t in data["trend"]],
        ),
        "sector_svg": svgcharts.bar_chart([(r["label"], r["active"]) for r in data["by_sector"]]),
        **letterhead_context(),
    }


def monthly_sheets(data: dict) -> list:
    head = data["head"]
    header, rows = dash.children_table([head, *data["children"]])
    sheets = [
        ("Ringkasan", ["uraian", "nilai"], data["summary"] + [[n, ""] for n in data["notes"]]),
        ("Per wilayah", header, rows),
        (
            "Tren bulanan",
            ["bulan", "peserta_lindung_bpu", "laporan_bpjs", "peserta_gabungan", "cakupan_persen"],
            [
                [
                    t["period"].strftime("%Y-%m"),
                    t["lindung"],
                    t["bpjs"],
                    t["combined"],
                    t["percent"],
                ]
                for t in data["trend"]
            ],
        ),
        (
            "Per sektor",
            ["sektor", "peserta_aktif", "persen", "berisiko_putus"],
            [[r["label"], r["active"], r["share"], r["lapse_risk"]] for r in data["by_sector"]],
        ),
        (
            "Per sumber dana",
            ["sumber_dana", "peserta_aktif", "persen", "berisiko_putus"],
            [[r["label"], r["active"], r["share"], r["lapse_risk"]] for r in data["by_funding"]],
        ),
    ]
    claims = data.get("claims")
    if claims:
        sheets.append(
            (
                "Klaim dibayar",
                ["jenis_klaim", "jumlah_klaim", "santunan_dibayar"],
                [[t["label"], t["count"], t["amount"]] for t in claims["by_type"].values()]
                + [["Jumlah", claims["paid_count"], claims["paid_amount"]]],
            )
        )
    if data["league"] is not None:
        lh, lr = league_rows(data["league"])
        sheets.append(("Peringkat desa", lh, lr))
    return sheets


def monthly_xlsx(data: dict, filename: str):
    return xlsx_response(filename, monthly_sheets(data))


def budget_totals(user, area: Area, year: int) -> list[dict] | None:
    """Budget per funding source type for the fiscal year: ceiling, committed and realised.

    Read from the funding app's FundingSource (scoped, owned inside the area); None when the
    funding app is not installed.
    """
    try:
        from lindung.funding.models import FundingSource
    except ImportError:
        return None
    from django.db.models import Count, Sum

    from lindung.enrollment.models import FundingType

    from .indicators import within_q

    labels = dict(FundingType.choices)
    rows = (
        scoped(FundingSource.objects.all(), user)
        .filter(within_q(area.code, "owner_area"), fiscal_year=year)
        .values("source_type")
        .annotate(
            n=Count("id"), amount=Sum("amount"), allocated=Sum("allocated"), spent=Sum("spent")
        )
        .order_by("source_type")
    )
    return [
        {
            "label": str(labels.get(r["source_type"], r["source_type"])),
            "sources": r["n"],
            "amount": r["amount"] or 0,
            "allocated": r["allocated"] or 0,
            "spent": r["spent"] or 0,
        }
        for r in rows
    ]


def paritrana(user, area: Area, year: int) -> dict:
    current = month_start(today())
    period = min(dt.date(year, 12, 1), current)
    data = dash.dashboard(user, area, period)
    start = dt.date(year, 1, 1)
    end = dt.date(year, 12, 31)
    return {
        "area": area,
        "year": year,
        "period": period,
        "head": data["head"],
        "summary": _summary_rows(data["head"]),
        "notes": _notes(data["head"]),
        "trend": data["trend"],
        "by_funding": data["by_funding"],
        "children": data["children"],
        "budget": budget_totals(user, area, year),
        "policies": list(
            scoped(RegionalPolicy.objects.select_related("area"), user).filter(issued_on__lte=end)
        ),
        "innovations": list(
            scoped(Innovation.objects.select_related("area"), user).filter(started_on__lte=end)
        ),
        "year_start": start,
        "generated": today(),
        **letterhead_context(),
    }


def paritrana_sheets(data: dict) -> list:
    sheets = [
        ("Cakupan", ["uraian", "nilai"], data["summary"] + [[n, ""] for n in data["notes"]]),
        (
            "Peserta per sumber dana",
            ["sumber_dana", "peserta_aktif", "persen"],
            [[r["label"], r["active"], r["share"]] for r in data["by_funding"]],
        ),
        (
            "Regulasi",
            ["jenis", "nomor", "tentang", "ditetapkan", "wilayah", "catatan"],
            [
                [p.get_kind_display(), p.number, p.title, p.issued_on, p.area.name, p.note]
                for p in data["policies"]
            ],
        ),
        (
            "Inovasi",
            ["inovasi", "uraian", "mulai", "wilayah"],
            [[i.title, i.description, i.started_on, i.area.name] for i in data["innovations"]],
        ),
    ]
    if data["budget"] is not None:
        sheets.insert(
            2,
            (
                "Anggaran",
                ["sumber_dana", "jumlah_pos", "pagu_rp", "dikomitmenkan_rp", "terealisasi_rp"],
                [
                    [b["label"], b["sources"], b["amount"], b["allocated"], b["spent"]]
                    for b in data["budget"]
                ],
            ),
        )
    return sheets


def paritrana_xlsx(data: dict, filename: str):
    return xlsx_response(filename, paritrana_sheets(data))


# --- One entry point for the views and the background job ---------------------------------

CONTENT_TYPES = {"xlsx": XLSX_TYPE, "pdf": "application/pdf"}
FORMATS = tuple(CONTENT_TYPES)


@dataclass(frozen=True)
class Document:
    content: bytes
    filename: str
    content_type: str


def _no_progress(percent: int, message: str) -> None:
    pass


def make(kind: str, fmt: str, user, area: Area, period: dt.date, progress=_no_progress) -> Document:
    """The monthly report (`kind` "monthly", month `period`) or the Paritrana dossier
    ("paritrana", the year of `period`) as XLSX or PDF, with `user`'s scope."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"unknown report format {fmt!r}")
    progress(10, _("Menghitung angka cakupan"))
    if kind == "monthly":
        data = monthly(user, area, period)
        name, template, sheets = (
            f"laporan_ucj_{area.digits}_{period:%Y%m}",
            "coverage/pdf/monthly.html",
            monthly_sheets,
        )
    elif kind == "paritrana":
        data = paritrana(user, area, period.year)
        name, template, sheets = (
            f"dossier_paritrana_{area.digits}_{period.year}",
            "coverage/pdf/paritrana.html",
            paritrana_sheets,
        )
    else:
        raise ValueError(f"unknown report kind {kind!r}")
    progress(50, _("Menyusun berkas %(fmt)s") % {"fmt": fmt.upper()})
    if fmt == "xlsx":
        content = xlsx_bytes(sheets(data))
    else:
        content = pdf_bytes(render_to_string(template, data))
    return Document(content, f"{name}.{fmt}", CONTENT_TYPES[fmt])

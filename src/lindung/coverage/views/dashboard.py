"""An area's coverage dashboard, its tables as downloads, and the recount button."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from lindung.areas.generic import HomeAreaRedirectView
from lindung.core.export import table_response
from lindung.core.figures import cached, generation_key
from lindung.core.generic import FilteredMixin, requested_delimiter
from lindung.core.urlcache import cached_reverse

from .. import dashboard as dash
from ..filters import PeriodFilterForm
from ..indicators import BandBook
from ..models import CoverageConfig
from ..periods import ref_day
from ..snapshots import refresh_area
from .base import EXPORT_FORMATS, CoverageAreaMixin, is_branch_or_regency, months_back


class CoverageHomeView(HomeAreaRedirectView):
    pattern_name = "coverage:dashboard"
    no_area_template = "coverage/no_area.html"


def people_url(code: str, period: dt.date, kind: str, **extra) -> str:
    params = {"bulan": period.strftime("%Y-%m"), "jenis": kind}
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return cached_reverse("coverage:people", [code]) + "?" + urlencode(params)


def _link_indicators(indicators, period: dt.date) -> None:
    """People and dashboard links of every area row (a regency's dashboard has ~90 of them;
    core.urlcache remembers the reversals per process)."""
    for ind in indicators:
        ind.extra["people_url"] = people_url(ind.code, period, "aktif")
        ind.extra["risk_url"] = people_url(ind.code, period, "risiko")
        ind.extra["new_url"] = people_url(ind.code, period, "baru")
        ind.extra["dashboard_url"] = cached_reverse("coverage:dashboard", [ind.code])


def _claims_url(code: str, period: dt.date) -> str | None:
    try:
        base = reverse("claims:list")
    except NoReverseMatch:
        return None
    query = {
        "status": "dibayar",
        "wilayah": code,
        "dari": period.replace(month=1, day=1).isoformat(),
        "sampai": ref_day(period).isoformat(),
    }
    return base + "?" + urlencode(query)


def _chart(data) -> dict:
    return {
        "labels": [p["period"].strftime("%Y-%m") for p in data["trend"]],
        "lindung": [p["lindung"] for p in data["trend"]],
        "bpjs": [p["bpjs"] for p in data["trend"]],
        "percent": [None if p["percent"] is None else float(p["percent"]) for p in data["trend"]],
        "sector": {
            "labels": [r["label"] for r in data["by_sector"]],
            "values": [r["active"] for r in data["by_sector"]],
        },
        "funding": {
            "labels": [r["label"] for r in data["by_funding"]],
            "values": [r["active"] for r in data["by_funding"]],
        },
    }


class AreaDashboardView(CoverageAreaMixin, FilteredMixin, TemplateView):
    template_name = "coverage/dashboard.html"
    filter_form_class = PeriodFilterForm

    def get_context_data(self, **kwargs):
        user, area = self.request.user, self.area
        period = self.filter_values()["bulan"]

        def count() -> dict:
            # Bands and settings are coverage records: saving one renews every area's cache.
            data = dash.dashboard(user, area, period)
            bands = BandBook(data["head"].ref_day).bands
            return {**data, "bands": bands, "config": CoverageConfig.current()}

        name = f"dashboard:{period:%Y-%m}"
        data = cached(name, user, area, count)
        _link_indicators([data["head"], *data["children"]], period)
        for row in data["by_sector"]:
            row["url"] = people_url(area.code, period, "aktif", sektor=row["key"])
        for row in data["by_funding"]:
            row["url"] = people_url(area.code, period, "aktif", dana=row["key"])
        for row in data["statuses"]:
            row["url"] = people_url(area.code, period, "status", status=row["status"])
        return {
            **super().get_context_data(**kwargs),
            **data,
            "area": area,
            "period": period,
            "bulan": f"{period:%Y-%m}",  # the query value of links to other pages of the month
            # the figures' part of the page is rendered once per count (its key and generation)
            "figures_key": generation_key(name, user, area),
            "filter_form": self.get_filter_form(),
            "months": [(f"{m:%Y-%m}", m) for m in months_back(24)],
            "chart": _chart(data),
            "claims_url": _claims_url(area.code, period),
            "breadcrumbs": self.breadcrumbs(),
            "can_refresh": is_branch_or_regency(user),
            "level_name": area.get_level_display(),
            "children_combined": sum(c.numerator.combined for c in data["children"]),
            "children_lindung": sum(c.numerator.lindung for c in data["children"]),
        }


class AreaExportView(CoverageAreaMixin, FilteredMixin, View):
    """A dashboard table as CSV or XLSX (figures only, no personal data: not logged)."""

    filter_form_class = PeriodFilterForm
    TREND_HEADER = [
        "bulan",
        "peserta_lindung_bpu",
        "laporan_bpjs",
        "peserta_gabungan",
        "cakupan_persen",
        "berisiko_putus",
        "peserta_baru",
    ]

    def get(self, request, code: str, table: str, fmt: str):
        make = {
            "wilayah": self.areas,
            "tren": self.trend,
            "sektor": lambda p: self.breakdown(p, "sektor", "sector"),
            "dana": lambda p: self.breakdown(p, "dana", "funding"),
            "status": self.statuses,
        }.get(table)
        if fmt not in EXPORT_FORMATS or make is None:
            raise Http404
        period = self.filter_values(warn=False)["bulan"]
        name, title, header, rows = make(period)
        return table_response(
            fmt,
            f"{name}_{self.area.digits}_{period:%Y%m}",
            title,
            header,
            rows,
            delimiter=requested_delimiter(request),
        )

    def areas(self, period):
        head, children = dash.area_indicators(self.area, period)
        header, rows = dash.children_table([head, *children])
        return "cakupan", "Cakupan per wilayah", header, rows

    def trend(self, period):
        rows = [
            [
                t["period"].strftime("%Y-%m"),
                t["lindung"],
                t["bpjs"],
                t["combined"],
                t["percent"],
                t["lapse_risk"],
                t["new_members"],
            ]
            for t in dash.trend(self.request.user, self.area, period)
        ]
        return "tren", "Tren bulanan", self.TREND_HEADER, rows

    def breakdown(self, period, name: str, by: str):
        header = [name, "peserta_aktif", "persen_dari_peserta_lindung", "berisiko_putus",
                  "peserta_baru"]  # fmt: skip
        rows = [
            [r["label"], r["active"], r["share"], r["lapse_risk"], r["new_members"]]
            for r in dash.breakdown(self.request.user, self.area, period, by)
        ]
        return name, f"Per {name}", header, rows

    def statuses(self, period):
        rows = [[r["label"], r["count"]] for r in dash.status_counts(self.request.user, self.area)]
        return "status", "Status kepesertaan", ["status", "jumlah"], rows


class RefreshView(CoverageAreaMixin, View):
    """Recounts an area's snapshots now (admin kabupaten and BPJS officers)."""

    http_method_names = ["post"]

    def post(self, request, code: str):
        area = self.area
        if not is_branch_or_regency(request.user):
            raise PermissionDenied(
                _("Hanya admin kabupaten atau petugas BPJS yang dapat menghitung ulang.")
            )
        result = refresh_area(area.code)
        messages.success(
            request,
            _("Angka cakupan %(area)s dihitung ulang: %(n)s desa.")
            % {"area": area, "n": result["villages"]},
        )
        url = reverse("coverage:dashboard", args=[area.code])
        return redirect(url + "?" + request.GET.urlencode())

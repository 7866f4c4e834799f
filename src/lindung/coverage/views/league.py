"""The village league of an area (the Bupati's award) and its certificate; a village sees
its own place in its kecamatan's and the regency's league."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from lindung.accounts.models import Role
from lindung.areas.generic import HomeAreaRedirectView
from lindung.areas.models import AreaLevel
from lindung.core.export import table_response
from lindung.core.generic import FilteredMixin, requested_delimiter
from lindung.core.months import add_months_to_first

from ..exports import pdf_response
from ..filters import LeagueFilterForm
from ..league import METRICS, league_rows, league_table
from ..letterhead import letterhead_context
from ..periods import today
from .base import EXPORT_FORMATS, CoverageAreaMixin, months_back


class LeagueHomeView(HomeAreaRedirectView):
    pattern_name = "coverage:league"
    no_area_template = "coverage/no_area.html"


def may_certify(user) -> bool:
    """The Bupati's award is printed by the regency; a camat prints their kecamatan's."""
    return user.is_admin or user.role == Role.CAMAT


def outreach_yield(codes: list[str], start: dt.date, end: dt.date) -> dict[str, int]:
    """Registrations credited to socialisation activities held in the league's months."""
    from lindung.outreach.services import yield_by_village

    last_day = add_months_to_first(end, 1) - dt.timedelta(days=1)
    return yield_by_village(codes, start, last_day)


class LeagueMixin(CoverageAreaMixin, FilteredMixin):
    filter_form_class = LeagueFilterForm

    def months(self) -> tuple[str, dt.date, dt.date]:
        """The metric and the league's first and last month (swapped when given reversed)."""
        values = self.filter_values()
        end = values["sampai"]
        start = values["dari"] or add_months_to_first(end, -12)
        if start > end:
            messages.warning(self.request, _("Bulan awal setelah bulan akhir; keduanya ditukar."))
            start, end = end, start
        return values["urut"], start, end


class LeagueView(LeagueMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        metric, start, end = self.months()
        if self.area.level >= AreaLevel.DESA:
            return self.village_rank(metric, start, end)
        table = league_table(self.area, metric, start, end)
        rows = (*table.ranked, *table.without_denominator)
        yields = outreach_yield([r.code for r in rows], start, end)
        for row in rows:
            row.outreach = yields.get(row.code, 0)
        fmt = self.get_filter_form().values["format"]
        if fmt in EXPORT_FORMATS:
            header, data = league_rows(table)
            return table_response(
                fmt,
                f"peringkat_{self.area.digits}_{metric}_{end:%Y%m}",
                "Peringkat desa",
                header,
                data,
                delimiter=requested_delimiter(request),
            )
        query = request.GET.copy()
        query.pop("format", None)
        return self.render(
            "coverage/league.html",
            table=table,
            metric=metric,
            query=query.urlencode(),
            can_certify=may_certify(request.user),
        )

    def village_rank(self, metric: str, start: dt.date, end: dt.date):
        """A village's own place in its kecamatan's and the regency's league (figures only)."""
        village = self.area
        places = []
        for scope in (village.parent, village.parent.parent if village.parent else None):
            if scope is None:
                continue
            table = league_table(scope, metric, start, end)
            row = next((r for r in table.ranked if r.code == village.code), None)
            places.append({"scope": scope, "row": row, "of": len(table.ranked)})
        return self.render(
            "coverage/league_village.html",
            places=places,
            metric=metric,
            metric_label=METRICS[metric],
            outreach_yield=outreach_yield([village.code], start, end).get(village.code, 0),
            start=start,
            end=end,
        )

    def render(self, template: str, **context):
        self.template_name = template
        return self.render_to_response(
            self.get_context_data(
                area=self.area,
                filter_form=self.get_filter_form(),
                metrics=METRICS,
                months=months_back(36),
                breadcrumbs=self.breadcrumbs(),
                **context,
            )
        )


class CertificateView(LeagueMixin, View):
    """The award certificate (PDF) for the top villages of a kecamatan or the regency."""

    def get(self, request, *args, **kwargs):
        area = self.area
        if not may_certify(request.user):
            raise PermissionDenied(
                _("Sertifikat penghargaan dicetak admin kabupaten atau camat untuk wilayahnya.")
            )
        if area.level >= AreaLevel.DESA:
            raise Http404
        metric, start, end = self.months()
        table = league_table(area, metric, start, end)
        winners = table.winners(3)
        if not winners:
            messages.error(
                request, _("Belum ada desa yang dapat diberi peringkat untuk pilihan ini.")
            )
            url = reverse("coverage:league", args=[area.code])
            return redirect(url + "?" + request.GET.urlencode())
        html = render_to_string(
            "coverage/pdf/certificate.html",
            {
                "area": area,
                "table": table,
                "winners": winners,
                "metric_label": METRICS[metric],
                "issued": today(),
                **letterhead_context(),
            },
        )
        return pdf_response(html, f"sertifikat_{area.digits}_{metric}_{end:%Y%m}")

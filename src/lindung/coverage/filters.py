"""Query-string filters of the coverage pages (dashboards, people, league, reports)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.core.filters import (
    BoundedIntegerField,
    ExportFormatField,
    FilterForm,
    PagedFilterForm,
    PeriodField,
    YearField,
)
from lindung.enrollment.models import FundingType, MembershipStatus

from .league import METRICS
from .periods import month_start, today
from .selectors import KINDS


def _this_month():
    return month_start(today())


class PeriodFilterForm(FilterForm):
    """A dashboard or report month; the running month by default."""

    bulan = PeriodField(initial=_this_month)


class PeopleFilterForm(PagedFilterForm):
    bulan = PeriodField(initial=_this_month)
    jenis = forms.ChoiceField(
        choices=list(KINDS.items()), required=False, initial="aktif", label=_("Jenis")
    )
    sektor = BoundedIntegerField(min_value=1, label=_("Sektor"))
    dana = forms.ChoiceField(choices=FundingType.choices, required=False, label=_("Sumber dana"))
    status = forms.ChoiceField(choices=MembershipStatus.choices, required=False, label=_("Status"))
    format = ExportFormatField()


class LeagueFilterForm(FilterForm):
    """League months: `sampai` defaults to the running month, `dari` (empty) to a year before."""

    dari = PeriodField(label=_("Dari bulan"))
    sampai = PeriodField(initial=_this_month, label=_("Sampai bulan"))
    urut = forms.ChoiceField(
        choices=list(METRICS.items()), required=False, initial="persen", label=_("Urutan")
    )
    format = ExportFormatField()


class ParitranaFilterForm(FilterForm):
    tahun = YearField(last_offset=0, initial=lambda: today().year)


class ExportListForm(PagedFilterForm):
    """A plain list with a spreadsheet export."""

    format = ExportFormatField()

"""Query-string filters of the socialisation pages: every GET parameter is read here.

A bad value (an area outside the user's scope or unknown, a month or year out of range, a
negative page) is dropped with a warning and the page's default applies: never a 500, and a
filter never reaches outside the user's area.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.areas.models import Area
from lindung.areas.services import home_area_for
from lindung.core.filters import (
    FIRST_YEAR,
    AreaCodeField,
    BoundedIntegerField,
    FilterForm,
    PagedFilterForm,
    PeriodField,
    ScopedFilterForm,
    current_year,
)

from .forms import DATE_INPUT
from .models import ActivityKind

# Targets are set for 2021..2100 (TargetForm); a calendar month or a report date beyond 2100
# has nothing to show and would overflow the month arithmetic at year 9999.
LAST_YEAR = 2100


def _this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


class AreaFilterForm(ScopedFilterForm):
    """`?wilayah=`: an existing area inside the user's scope; the user's home area otherwise."""

    wilayah = AreaCodeField()

    def clean_wilayah(self) -> str:
        code = self.cleaned_data.get("wilayah") or ""
        if code and not Area.objects.filter(code=code).exists():
            raise forms.ValidationError(
                AreaCodeField.default_error_messages["outside"], code="unknown"
            )
        return code

    @property
    def area(self) -> Area | None:
        code = self.values["wilayah"]
        if code:
            return Area.objects.filter(code=code).first()
        return home_area_for(self.user)


class ActivityFilterForm(AreaFilterForm, PagedFilterForm):
    jenis = forms.ChoiceField(
        choices=[("", _("Semua jenis")), *ActivityKind.choices],
        required=False,
        label=_("Jenis kegiatan"),
    )


class TeamFilterForm(AreaFilterForm, PagedFilterForm):
    # "" is the default: active teams only.
    status = forms.ChoiceField(
        choices=[("", _("Aktif")), ("nonaktif", _("Nonaktif")), ("semua", _("Semua"))],
        required=False,
        label=_("Status"),
    )


class CalendarFilterForm(AreaFilterForm):
    bulan = PeriodField(allow_future=True, initial=_this_month)

    def clean_bulan(self) -> dt.date | None:
        month = self.cleaned_data.get("bulan")
        if month is not None and month.year > LAST_YEAR:
            raise forms.ValidationError(PeriodField.default_error_messages["invalid"])
        return month


class FlagsFilterForm(AreaFilterForm, PagedFilterForm):
    pass


class TargetFilterForm(AreaFilterForm, PagedFilterForm):
    tahun = BoundedIntegerField(
        min_value=FIRST_YEAR, max_value=LAST_YEAR, initial=current_year, label=_("Tahun")
    )


class ReportFilterForm(AreaFilterForm):
    """Report period: this year up to today by default; at most five years."""

    start = forms.DateField(label=_("Dari"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("Sampai"), required=False, widget=DATE_INPUT)

    def _bounded(self, name: str) -> dt.date | None:
        day = self.cleaned_data.get(name)
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("Tanggal di luar jangkauan (%(a)s–%(b)s).") % {"a": FIRST_YEAR, "b": LAST_YEAR}
            )
        return day

    def clean_start(self) -> dt.date | None:
        return self._bounded("start")

    def clean_end(self) -> dt.date | None:
        return self._bounded("end")

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["start"] = data.get("start") or today.replace(month=1, day=1)
        data["end"] = data.get("end") or today
        if data["start"] > data["end"]:
            raise forms.ValidationError(_("Tanggal awal harus sebelum tanggal akhir."))
        if (data["end"] - data["start"]).days > 366 * 5:
            raise forms.ValidationError(_("Periode laporan paling panjang 5 tahun."))
        return data

    @property
    def period(self) -> tuple[dt.date, dt.date] | None:
        """(start, end), or None when the period as a whole is refused (shown as an error)."""
        if self.is_bound:
            self.is_valid()
            if self.non_field_errors():
                return None
            return self.cleaned_data["start"], self.cleaned_data["end"]
        today = timezone.localdate()
        return today.replace(month=1, day=1), today


class ActivityCreateFilterForm(FilterForm):
    """`?tim=` preselects the team on the new-activity form (404 outside the area)."""

    tim = BoundedIntegerField(min_value=1, label=_("Tim"))

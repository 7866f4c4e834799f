"""Filters of the access log."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.core.filters import FilterForm

from .models import AccessLog

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AccessLogFilterForm(FilterForm):
    aksi = forms.ChoiceField(
        label=_("Aksi"), required=False, choices=[("", _("Semua")), *AccessLog.Action.choices]
    )
    dari = forms.DateField(label=_("Dari"), required=False, widget=DATE)
    sampai = forms.DateField(label=_("Sampai"), required=False, widget=DATE)

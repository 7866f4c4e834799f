"""Query-string filters of the site pages (worklists, personal-data search), on core.filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.core.filters import AreaCodeField, FilterForm, ScopedFilterForm
from lindung.workers.nik import clean_nik


class WorklistFilterForm(ScopedFilterForm):
    """`?wilayah=`: a kecamatan or village inside the user's area; any other value shows the
    user's own area with a warning."""

    wilayah = AreaCodeField()


class NikSearchField(forms.CharField):
    """A NIK as typed or pasted (spaces, dots, dashes, Excel's apostrophe removed); anything
    but 16 digits is refused with a message instead of being searched."""

    default_error_messages = {"nik": _("NIK harus 16 digit angka.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("label", "NIK")
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        return clean_nik(text) if text else text

    def validate(self, value):
        super().validate(value)
        if value and not (len(value) == 16 and value.isascii() and value.isdigit()):
            raise forms.ValidationError(self.error_messages["nik"], code="nik")


class PersonSearchForm(FilterForm):
    nik = NikSearchField()

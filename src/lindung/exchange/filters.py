"""Query-string filters of the exchange pages: every GET parameter they read is a field here."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.core.filters import AreaCodeField, FilterForm, PagedFilterForm, ScopedFilterForm


class PagedForm(PagedFilterForm):
    """A page with one paginated list and nothing else to choose (import history, batch rows)."""


class ExportAreaFilterForm(ScopedFilterForm):
    """`?area=` narrows the BPJS export preview to a kecamatan or village of the user's area."""

    area = AreaCodeField()


class ImportEntriesFilterForm(PagedFilterForm):
    """The rows of a BPJS status import: all of them, or only those needing a look."""

    tampil = forms.ChoiceField(
        label=_("Tampilkan"),
        choices=[("", _("Semua baris")), ("masalah", _("Hanya yang perlu dilihat"))],
        required=False,
    )


class OpensidStatusFilterForm(FilterForm):
    """The village of the OpenSID status list (`?ekspor-desa=`): one of the user's villages."""

    desa = forms.ChoiceField(label=_("Desa"))

    def __init__(self, data=None, *args, villages, **kwargs):
        kwargs.setdefault("prefix", "ekspor")
        super().__init__(data, *args, **kwargs)
        self.fields["desa"].choices = [(v.code, f"{v.name} ({v.code})") for v in villages]

"""Query parameters of the import pages, each read through a filter form (never request.GET)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.core.filters import PagedFilterForm

from .models import PossibleDuplicate


class JobListFilterForm(PagedFilterForm):
    """The import history has no filter but its page number."""


class ProblemFilterForm(PagedFilterForm):
    """Which problems of a checked file are listed: errors (rows refused) or warnings."""

    jenis = forms.ChoiceField(
        label=_("Jenis masalah"),
        choices=[("errors", _("Galat")), ("warnings", _("Peringatan"))],
        required=False,
        initial="errors",
    )


class DuplicateFilterForm(PagedFilterForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=PossibleDuplicate.Status.choices,
        required=False,
        initial=PossibleDuplicate.Status.OPEN,
    )

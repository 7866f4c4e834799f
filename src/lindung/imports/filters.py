"""Query-string filters of the import pages: every GET parameter they read is a field here."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.core.filters import PagedFilterForm

from .models import PossibleDuplicate


class JobListFilterForm(PagedFilterForm):
    """The import history under the upload form: only its page."""


class ProblemsFilterForm(PagedFilterForm):
    """The problems of a checked file: errors (rows refused) or warnings (rows kept)."""

    jenis = forms.ChoiceField(
        label=_("Jenis"),
        choices=[("errors", _("Galat")), ("warnings", _("Peringatan"))],
        required=False,
        initial="errors",
    )


class DuplicateFilterForm(PagedFilterForm):
    """The review queue, by the state of the pairs; open pairs by default."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=PossibleDuplicate.Status.choices,
        required=False,
        initial=PossibleDuplicate.Status.OPEN,
    )

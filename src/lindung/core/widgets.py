"""Form widgets."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe

from .tables import esc


class QuickSelect(forms.Select):
    """A <select> written in Python. Django renders every option through a template, which
    takes ~50 ms for the 270 kecamatan and villages of a regency, on every list page."""

    def render(self, name, value, attrs=None, renderer=None):
        # Once: a model field's choices are a query each time (list() would also COUNT them).
        choices = _listed(self.choices)
        if any(isinstance(label, list | tuple) for _value, label in choices):
            return super().render(name, value, attrs, renderer)  # option groups: Django's way
        chosen = set(self.format_value(value))
        # Plain escaping (tables.esc), not format_html per option: same HTML, a third of the time.
        options = "".join(
            f'<option value="{esc(v)}"{" selected" if str(v) in chosen else ""}>'
            f"{esc(label)}</option>"
            for v, label in ((("" if v is None else v), label) for v, label in choices)
        )
        final = self.build_attrs(self.attrs, attrs)
        return mark_safe(  # noqa: S308 - every value and label escaped
            f'<select name="{esc(name)}"{flatatt(final)}>{options}</select>'
        )


def _listed(choices) -> list:
    """The (value, label) pairs of a widget's choices. A model field's are read with one plain
    query: iterating them reads through a server-side cursor on PostgreSQL (three round trips
    for a dozen sectors)."""
    if not isinstance(choices, ModelChoiceIterator):
        return list(choices)
    field = choices.field
    first = [("", field.empty_label)] if field.empty_label is not None else []
    return first + [choices.choice(obj) for obj in field.queryset.all()]

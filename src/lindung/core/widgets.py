"""Form widgets."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe

from .tables import esc


class FixedChoices(BaseChoiceIterator):
    """Choices built once and kept across requests (a regency's ~275 areas). Django normalises
    a field's choices on each assignment, once for the field and once for its widget; these
    pass through as they are, and QuickSelect keeps their rendered options per selection."""

    RENDERED_MAX = 64  # selections whose options are kept (a picker has ~275 values)

    def __init__(self, pairs):
        self.pairs = tuple(pairs)
        self._rendered: dict[frozenset, str] = {}

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)

    def options(self, chosen: frozenset, render) -> str:
        html = self._rendered.get(chosen)
        if html is None:
            if len(self._rendered) >= self.RENDERED_MAX:
                self._rendered.clear()
            html = self._rendered[chosen] = render()
        return html


class QuickSelect(forms.Select):
    """A <select> written in Python. Django renders every option through a template, which
    takes ~50 ms for the 270 kecamatan and villages of a regency, on every list page."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = frozenset(self.format_value(value))
        if isinstance(self.choices, FixedChoices):
            fixed = self.choices
            options = fixed.options(chosen, lambda: _options(fixed.pairs, chosen))
        else:
            # Once: a model field's choices are a query each time (list() would also COUNT).
            choices = _listed(self.choices)
            if any(isinstance(label, list | tuple) for _value, label in choices):
                return super().render(name, value, attrs, renderer)  # option groups
            options = _options(choices, chosen)
        final = self.build_attrs(self.attrs, attrs)
        return mark_safe(  # noqa: S308 - every value and label escaped
            f'<select name="{esc(name)}"{flatatt(final)}>{options}</select>'
        )


def _options(choices, chosen: frozenset) -> str:
    # Plain escaping (tables.esc), not format_html per option: same HTML, a third of the time.
    return "".join(
        f'<option value="{esc(v)}"{" selected" if str(v) in chosen else ""}>{esc(label)}</option>'
        for v, label in ((("" if v is None else v), label) for v, label in choices)
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

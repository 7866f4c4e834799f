"""Form widgets."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class QuickSelect(forms.Select):
    """A <select> written in Python. Django renders every option through a template, which
    takes ~50 ms for the 270 kecamatan and villages of a regency, on every list page."""

    def render(self, name, value, attrs=None, renderer=None):
        # Once: a model field's choices are a query each time (list() would also COUNT them).
        choices = [choice for choice in self.choices]
        if any(isinstance(label, list | tuple) for _value, label in choices):
            return super().render(name, value, attrs, renderer)  # option groups: Django's way
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    "" if v is None else v,
                    " selected" if str("" if v is None else v) in chosen else "",
                    label,
                )
                for v, label in choices
            ),
        )
        final = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), options)

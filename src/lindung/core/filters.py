"""Query-string filters: every GET parameter a page reads goes through a FilterForm.

A filter form never raises on bad input. A value that does not validate is dropped (the page
shows the field's message) and the field's `initial` applies instead, so `?tahun=-1`,
`?tahun=99999999999999999999` or `?bulan=abc` give the default page, never a 500. Other valid
filters still apply.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.accounts.scoping import user_covers_area

# Years a page may be asked about: the programme's records start well after 2000, and a year
# beyond next year has no figures.
FIRST_YEAR = 2000


def current_year() -> int:
    return timezone.localdate().year


class FilterForm(forms.Form):
    """Base of every list/report filter. Use `form.values` (never `request.GET`)."""

    def __init__(self, data=None, *args, **kwargs):
        # An empty query string is an unbound form: the initial values apply silently.
        super().__init__(data or None, *args, **kwargs)

    @property
    def values(self) -> dict[str, Any]:
        """Cleaned values of the fields that validated; `initial` for the rest."""
        out: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        for name, field in self.fields.items():
            value = cleaned.get(name) if name not in self.errors else None
            if value in (None, "", [], ()):
                initial = self.get_initial_for_field(field, name)
                value = initial if initial not in (None, "") else value
            out[name] = value
        return out

    @property
    def filtered(self) -> bool:
        """True when the user narrowed the list (a value differs from the default)."""
        values = self.values
        return any(
            values[name] not in (None, "", [], ())
            and values[name] != self.get_initial_for_field(field, name)
            for name, field in self.fields.items()
        )

    def invalid_messages(self) -> list[str]:
        """One line per ignored parameter, for a warning above the list."""
        if not self.is_bound:
            return []
        self.is_valid()
        return [
            _("%(field)s: %(msg)s") % {"field": self.fields[name].label or name, "msg": msg}
            for name, msgs in self.errors.items()
            if name in self.fields
            for msg in msgs
        ]


class YearField(forms.TypedChoiceField):
    """A year between FIRST_YEAR and next year; choices built when the form is made."""

    def __init__(self, *, last_offset: int = 1, **kwargs):
        self.last_offset = last_offset
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("empty_value", None)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Tahun"))
        super().__init__(**kwargs)
        last = current_year() + last_offset
        self.choices = [(y, str(y)) for y in range(last, FIRST_YEAR - 1, -1)]


class PeriodField(forms.Field):
    """A month written `YYYY-MM` (what `<input type="month">` sends); cleans to its first day."""

    default_error_messages = {"invalid": _("Tulis bulan sebagai TTTT-BB, misalnya 2026-03.")}

    def __init__(self, *, allow_future: bool = False, **kwargs):
        self.allow_future = allow_future
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Bulan"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "month", "maxlength": 7}))
        super().__init__(**kwargs)

    def to_python(self, value):
        raw = str(value).strip() if value is not None else ""
        if raw in self.empty_values:
            return None
        try:
            # A whole date (old links, bookmarks) names its month.
            year, month, *day = raw.split("-")
            if len(year) != 4 or len(month) != 2 or len(day) > 1:
                raise ValueError
            if day:
                dt.date.fromisoformat(raw)
            period = dt.date(int(year), int(month), 1)
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if period.year < FIRST_YEAR:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        today = timezone.localdate()
        if not self.allow_future and period > today.replace(day=1):
            raise forms.ValidationError(_("Bulan di masa depan belum punya angka."), code="future")
        return period

    def prepare_value(self, value):
        if isinstance(value, dt.date):
            return value.strftime("%Y-%m")
        return value


class BoundedIntegerField(forms.IntegerField):
    """An integer parameter with limits, so an overflowing value is a message, not a 500."""

    def __init__(self, *, min_value: int = 0, max_value: int = 2_147_483_647, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)


class AreaCodeField(forms.CharField):
    """An area code (kecamatan or village) inside the user's scope; one outside it is dropped
    like any bad value, so a filter can never reach another area. Used in a ScopedFilterForm."""

    default_error_messages = {"outside": _("Wilayah tidak ditemukan di wilayah Anda.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 13)
        kwargs.setdefault("label", _("Wilayah"))
        super().__init__(**kwargs)
        self.user = None

    def validate(self, value):
        super().validate(value)
        if value and (self.user is None or not user_covers_area(self.user, value)):
            raise forms.ValidationError(self.error_messages["outside"], code="outside")


class ScopedFilterForm(FilterForm):
    """A FilterForm that knows its user: its AreaCodeFields accept only the user's area."""

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field, AreaCodeField):
                field.user = user


class ExportFormatField(forms.ChoiceField):
    """`?format=csv|xlsx` on a list: any other value shows the page itself."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Format"))
        kwargs.setdefault("choices", [("csv", "CSV"), ("xlsx", "Excel")])
        super().__init__(**kwargs)


class PagedFilterForm(FilterForm):
    """A FilterForm of a paginated page: `page` is read like every other parameter."""

    page = BoundedIntegerField(min_value=1, label=_("Halaman"))


def read_filters(request, form_class: type[FilterForm], **kwargs) -> FilterForm:
    """The page's filter form bound to its query string; each ignored value is a warning."""
    form = form_class(request.GET, **kwargs)
    for text in form.invalid_messages():
        messages.warning(request, text)
    return form

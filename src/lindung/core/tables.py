"""Tables for list pages: columns that know how to show a value to a given user.

A table declares its columns as class attributes, in display order:

    class WorkerTable(Table):
        name = LinkColumn(_("Nama"), url_name="workers:detail", sort_key="nama")
        nik = NikColumn(_("NIK"))
        birth_date = BirthColumn(_("Tgl lahir"), sort_key="lahir")

`core/_table.html` renders any table, with sortable headers where a column names its
`sort_key` (a key of the list's `Sorting`). Columns only format: personal data goes through
`lindung.accounts.masking` (NikColumn, PhoneColumn, BirthColumn), never masked here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape as html_escape
from typing import Any

from django.template import engines
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from lindung.accounts import masking

from .formatting import format_date, format_number, format_rupiah
from .urlcache import cached_reverse

EMPTY = "-"


def esc(value: Any) -> str:
    """Django's `conditional_escape`, same output, for the cells of a table: a list page
    escapes ~700 values, and Django's version pays its lazy-string wrapper on each of them."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html_escape(str(value))


def resolve(record: Any, accessor: str) -> Any:
    """`membership.worker.name` on a record; a missing step gives None, never an error."""
    value = record
    for step in accessor.split("."):
        if value is None:
            return None
        value = getattr(value, step, None)
    return value


@dataclass(frozen=True)
class Cell:
    html: SafeString
    css: str = ""


@dataclass(frozen=True)
class Header:
    label: str
    sort_key: str | None
    css: str = ""


def birth_text(user, birth_date: dt.date | None, today: dt.date) -> str:
    """A birth date as shown to `user`: the date, or the age for masked roles."""
    shown = masking.birth_for(user, birth_date, today)
    if shown is None:
        return EMPTY
    if isinstance(shown, dt.date):
        return format_date(shown)
    return _("%(n)s tahun") % {"n": shown}


class Column:
    """A plain value. `accessor` is a dotted path on the record (default: the attribute name)."""

    css = ""

    def __init__(
        self,
        label: str,
        accessor: str | None = None,
        *,
        sort_key: str | None = None,
        css: str | None = None,
        empty: str = EMPTY,
    ):
        self.label = label
        self.accessor = accessor
        self.sort_key = sort_key
        self.empty = empty
        if css is not None:
            self.css = css

    def label_for(self, user) -> str:
        return self.label

    def __set_name__(self, owner, name: str) -> None:
        self.name = name
        if self.accessor is None:
            self.accessor = name

    def value(self, record, user) -> Any:
        return resolve(record, self.accessor)

    def text(self, value, record, user) -> str:
        """The value as shown to this user; subclasses format or mask here."""
        return str(value)

    def html(self, record, user) -> SafeString:
        value = self.value(record, user)
        if value is None or value == "":
            return mark_safe(esc(self.empty))  # noqa: S308 - escaped
        return mark_safe(esc(self.text(value, record, user)))  # noqa: S308 - escaped

    def cell(self, record, user) -> Cell:
        return Cell(self.html(record, user), self.css)


class ChoiceColumn(Column):
    """A choice field's label (`get_<field>_display`)."""

    def value(self, record, user):
        owner, _, field = self.accessor.rpartition(".")
        target = resolve(record, owner) if owner else record
        display = getattr(target, f"get_{field}_display", None)
        return display() if display else resolve(record, self.accessor)


class LinkColumn(Column):
    """The value as a link to the record (or to the object at `link_accessor`)."""

    def __init__(self, label, accessor=None, *, url_name: str, link_accessor: str = "", **kw):
        super().__init__(label, accessor, **kw)
        self.url_name = url_name
        self.link_accessor = link_accessor

    def url(self, record) -> str:
        target = resolve(record, self.link_accessor) if self.link_accessor else record
        return cached_reverse(self.url_name, [target.pk])

    def html(self, record, user) -> SafeString:
        inner = super().html(record, user)
        return mark_safe(f'<a href="{esc(self.url(record))}">{inner}</a>')  # noqa: S308 - escaped


class DateColumn(Column):
    def text(self, value, record, user) -> str:
        return format_date(value)


class NumberColumn(Column):
    css = "num"

    def text(self, value, record, user) -> str:
        return format_number(value)


class MoneyColumn(Column):
    css = "num"

    def text(self, value, record, user) -> str:
        return format_rupiah(value)


class BadgeColumn(ChoiceColumn):
    """A status as a coloured badge; `styles` maps a raw value to ok / warn / err."""

    def __init__(self, label, accessor=None, *, styles: dict[str, str], default="warn", **kw):
        super().__init__(label, accessor, **kw)
        self.styles = styles
        self.default = default

    def html(self, record, user) -> SafeString:
        raw = resolve(record, self.accessor)
        if raw is None or raw == "":
            return conditional_escape(self.empty)
        style = self.styles.get(raw, self.default)
        return mark_safe(  # noqa: S308 - escaped
            f'<span class="badge {esc(style)}">{esc(self.value(record, user))}</span>'
        )


class NikColumn(Column):
    def html(self, record, user) -> SafeString:
        nik = masking.nik_for(user, self.value(record, user) or "")
        return mark_safe(f"<code>{esc(nik)}</code>" if nik else esc(self.empty))  # noqa: S308


class PhoneColumn(Column):
    def text(self, value, record, user) -> str:
        return masking.phone_for(user, value)


class BirthColumn(Column):
    """Birth date for roles that see personal data, the age in years for the others."""

    def __init__(self, label, accessor=None, *, today: Callable[[], dt.date] | None = None, **kw):
        super().__init__(label, accessor, **kw)
        self.today = today or timezone.localdate

    def label_for(self, user) -> str:
        return self.label if masking.sees_full(user) else _("Umur")

    def text(self, value, record, user) -> str:
        return birth_text(user, value, self.today())


class TemplateColumn(Column):
    """Several values in one cell: a template snippet with `record` and `user` in its context.
    Compiled once per column; the snippet must mask personal data through the columns above
    or `accounts.masking`, never show it raw."""

    def __init__(self, label, snippet: str, **kw):
        super().__init__(label, **kw)
        self.template = engines["django"].from_string("{% load i18n lindung %}" + snippet)

    def html(self, record, user) -> SafeString:
        return self.template.render({"record": record, "user": user})


class Table:
    """Rows of records, each cell rendered for `user`. Columns are the class's Column
    attributes in the order they were written (subclasses append to their parents')."""

    columns: list[Column] = []

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        inherited = [c for base in cls.__mro__[1:] for c in base.__dict__.get("columns", [])]
        own = [v for v in cls.__dict__.values() if isinstance(v, Column)]
        cls.columns = [*dict.fromkeys(inherited), *own]

    def __init__(self, records: Iterable, user, *, exclude: Iterable[str] = ()):
        self.records = records
        self.user = user
        skip = set(exclude)
        self.columns = [c for c in type(self).columns if c.name not in skip]

    @property
    def headers(self) -> list[Header]:
        return [Header(c.label_for(self.user), c.sort_key, c.css) for c in self.columns]

    @cached_property
    def rows(self) -> list[list[Cell]]:
        return [[c.cell(record, self.user) for c in self.columns] for record in self.records]

    @cached_property
    def body(self) -> SafeString:
        """The rows as `<tr>` elements, built here rather than by template loops: a list page
        spends most of its time rendering cells, and every cell is already escaped. The same
        HTML as from `rows`, without a Cell object per cell."""
        user = self.user
        opening = [f'<td class="{c.css}">' if c.css else "<td>" for c in self.columns]
        cells = list(zip(self.columns, opening, strict=True))
        return mark_safe(  # noqa: S308 - each cell's html is escaped or built by format_html
            "".join(
                "<tr>"
                + "".join(f"{td}{column.html(record, user)}</td>" for column, td in cells)
                + "</tr>\n"
                for record in self.records
            )
        )

"""Downloads of a list: the same scope and filter form as the page, every download logged.

The page declares `rows(qs, user)`: the records as lists of values, masked for the user by
`accounts.masking`, with their column titles in `.header`. `lindung.core.export` writes them
(override `write(rows, fmt, filename)` for another layout). A CSV takes `,` as separator, or
`;` with `?pemisah=titikkoma` («CSV untuk Excel»: Indonesian Excel splits on `;`).
This class only scopes, filters, counts and logs (`export.exported`, which audit records)."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from lindung.core import export
from lindung.core.filters import FilterForm

from .base import ScopedMixin
from .list import FilteredMixin


class ExportOptionsForm(FilterForm):
    """How a download is written (not what it holds): the CSV separator."""

    pemisah = forms.ChoiceField(
        label=_("Pemisah CSV"),
        choices=[("koma", _("Koma (,)")), ("titikkoma", _("Titik koma (;) untuk Excel"))],
        required=False,
        initial="koma",
    )


def requested_delimiter(request) -> str:
    """The CSV separator a download asks for with `pemisah` (`,` unless `titikkoma`). Every
    CSV download reads it here, so «CSV untuk Excel» works on each of them."""
    return export.separator(ExportOptionsForm(request.GET).values["pemisah"])


class ScopedExportView(FilteredMixin, ScopedMixin, View):
    formats: tuple[str, ...] = ("csv", "xlsx")
    filename_prefix = "data"
    log_label = ""  # what the access log says was downloaded, e.g. "Daftar pekerja"
    sheet_title = "Data"
    ordering: tuple[str, ...] = ()
    delimiter = ","

    def rows(self, qs: QuerySet, user):
        raise NotImplementedError

    def write(self, rows, fmt: str, filename: str) -> HttpResponse:
        if fmt == "xlsx":
            # constant_memory: a long list is written row by row, not held in memory.
            content = export.xlsx_bytes(
                [(self.sheet_title, rows.header, rows)], constant_memory=True
            )
            return export.attachment(content, export.XLSX_TYPE, filename)
        stream = export.csv_stream(rows.header, rows, self.delimiter)
        return export.attachment(stream, export.CSV_TYPE, filename)

    def log_area(self, values: dict) -> str:
        return values.get("wilayah") or self.request.user.scope_code or ""

    def get(self, request, fmt: str, *args, **kwargs):
        if fmt not in self.formats:
            raise Http404
        self.delimiter = requested_delimiter(request)
        qs = self.filtered_queryset()
        if self.ordering:
            qs = qs.order_by(*self.ordering)
        form = self.get_filter_form()
        values = form.values if form is not None else {}
        export.exported.send(
            type(self),
            user=request.user,
            what=f"{self.log_label} ({fmt.upper()}) {request.GET.urlencode()}".strip(),
            area_code=str(self.log_area(values) or ""),
            record_count=qs.count(),
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        filename = f"{self.filename_prefix}-{stamp}.{fmt}"
        return self.write(self.rows(qs, request.user), fmt, filename)

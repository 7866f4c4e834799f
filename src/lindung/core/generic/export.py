"""Downloads of a list: the same scope and filter form as the page, every download logged.

The page declares `rows(qs, user)` (the records as lists of values, masked for the user by
`accounts.masking`) and `write(rows, fmt, filename)` (the app's export writer returning the
response). This class only scopes, filters, counts and logs."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views import View

from lindung.audit.models import AccessLog, log_access

from .base import ScopedMixin
from .list import FilteredMixin


class ScopedExportView(FilteredMixin, ScopedMixin, View):
    formats: tuple[str, ...] = ("csv", "xlsx")
    filename_prefix = "data"
    log_label = ""  # what the access log says was downloaded, e.g. "Daftar pekerja"
    ordering: tuple[str, ...] = ()

    def rows(self, qs: QuerySet, user):
        raise NotImplementedError

    def write(self, rows, fmt: str, filename: str) -> HttpResponse:
        raise NotImplementedError

    def log_area(self, values: dict) -> str:
        return values.get("wilayah") or self.request.user.scope_code or ""

    def get(self, request, fmt: str, *args, **kwargs):
        if fmt not in self.formats:
            raise Http404
        qs = self.filtered_queryset()
        if self.ordering:
            qs = qs.order_by(*self.ordering)
        form = self.get_filter_form()
        values = form.values if form is not None else {}
        log_access(
            request.user,
            AccessLog.Action.EXPORT,
            f"{self.log_label} ({fmt.upper()}) {request.GET.urlencode()}".strip(),
            area_code=str(self.log_area(values) or ""),
            record_count=qs.count(),
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        filename = f"{self.filename_prefix}-{stamp}.{fmt}"
        return self.write(self.rows(qs, request.user), fmt, filename)

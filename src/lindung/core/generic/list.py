"""Scoped list pages: declared filter form, table, sorting and a cached-count paginator."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.db.models import QuerySet
from django.views.generic import TemplateView

from lindung.core.figures import generation_key
from lindung.core.filters import FilterForm
from lindung.core.paging import CachedCountPaginator
from lindung.core.sorting import PARAM as SORT_PARAM
from lindung.core.sorting import Sorting
from lindung.core.tables import Table

from .base import ScopedMixin


class FilteredMixin:
    """Every query parameter a page reads goes through `filter_form_class` (a FilterForm):
    a bad value is dropped with a warning and its default applies, so no value is a 500."""

    filter_form_class: type[FilterForm] | None = None

    def get_filter_form_kwargs(self) -> dict:
        return {}

    def get_filter_form(self) -> FilterForm | None:
        if self.filter_form_class is None:
            return None
        if not hasattr(self, "_filter_form"):
            self._filter_form = self.filter_form_class(
                self.request.GET, **self.get_filter_form_kwargs()
            )
        return self._filter_form

    def filter_values(self, *, warn: bool = True) -> dict:
        """The form's cleaned values; each ignored value becomes a warning on the page."""
        form = self.get_filter_form()
        if form is None:
            return {}
        if warn and not getattr(self, "_warned", False):
            self._warned = True
            for text in form.invalid_messages():
                messages.warning(self.request, text)
        return form.values

    def filter_queryset(self, qs: QuerySet, values: dict) -> QuerySet:
        """Narrow the scoped queryset by the form's cleaned values; pages override this."""
        return qs

    def filtered_queryset(self) -> QuerySet:
        form = self.get_filter_form()
        qs = self.get_queryset()
        return self.filter_queryset(qs, form.values) if form is not None else qs


class ScopedListView(FilteredMixin, ScopedMixin, TemplateView):
    """A paginated, sortable list of the records in the user's area.

    Declare `model` or `queryset`, `filter_form_class`, `table_class`, `sorting` and
    `template_name` (usually extending `core/generic/list.html`). The context holds `page`,
    `table`, `filter_form`, `filtered`, `sort_key` and `query` (the filters for export links).
    """

    table_class: type[Table] | None = None
    # `?format=` values (the filter form's `format`) answered by `download(fmt)` instead of
    # the page: for lists whose spreadsheet is the same query, not a ScopedExportView URL.
    download_formats: tuple[str, ...] = ()
    sorting: Sorting | None = None
    paginate_by = 50
    # Keep the rendered rows, pagination included, until the next write in the listed area
    # (core.figures generations). Only for lists whose rows show nothing but records of the
    # figures' watched apps and the masking of the user's role; a list of rows that change
    # without such a write (users, audit entries) leaves it off.
    cache_results = False
    template_name = "core/generic/list.html"
    title = ""
    empty_message = ""
    empty_hint = ""
    filtered_empty_message = ""

    def requested_sort(self) -> str:
        """The `urut` parameter as sent ("" when none); Sorting ignores unknown keys."""
        return self.request.GET.get(SORT_PARAM, "")

    def sort(self, qs: QuerySet) -> tuple[QuerySet, str]:
        if self.sorting is None:
            return qs, ""
        return self.sorting.apply(qs, self.requested_sort())

    def get(self, request, *args, **kwargs):
        fmt = self.filter_values(warn=False).get("format")
        if fmt and fmt in self.download_formats:
            return self.download(fmt)
        return super().get(request, *args, **kwargs)

    def download(self, fmt: str):
        raise NotImplementedError(f"{type(self).__name__} lists download_formats")

    def known_count(self, values: dict) -> int | None:
        """The number of rows when it is known without counting them (the per-village tallies
        of an unfiltered list); None counts them. Must equal the filtered queryset's count."""
        return None

    def results_area(self) -> str:
        """The area code the rows are narrowed to ("" = the user's scope)."""
        return self.filter_values(warn=False).get("wilayah") or ""

    def results_key(self) -> str | None:
        """The key of the rendered rows: this page, its whole query string, the user (their
        role's masking), the day, the language and the listed area's generation."""
        if not self.cache_results:
            return None
        query = sorted((k, v) for k in self.request.GET for v in self.request.GET.getlist(k))
        digest = hashlib.sha256(repr(query).encode()).hexdigest()[:32]
        view = getattr(self.request.resolver_match, "view_name", "") or type(self).__name__
        return generation_key(f"list:{view}:{digest}", self.request.user, self.results_area())

    def get_table(self, records) -> Table | None:
        if self.table_class is None:
            return None
        return self.table_class(records, self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.get_filter_form()
        self.filter_values()
        qs, sort_key = self.sort(self.filtered_queryset())
        known = self.known_count(self.filter_values(warn=False))
        paginator = CachedCountPaginator(qs, self.paginate_by, known_count=known)
        page = paginator.get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            page=page,
            table=self.get_table(page.object_list),
            filter_form=form,
            filtered=bool(form is not None and form.filtered),
            sort_key=sort_key,
            results_key=self.results_key(),
            query=query.urlencode(),
            title=self.title,
            empty_message=self.empty_message,
            empty_hint=self.empty_hint,
            filtered_empty_message=self.filtered_empty_message,
        )
        return context

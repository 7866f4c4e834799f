"""Paginator whose row count is cached like the worklist figures (lindung.core.figures).

A regency-wide list at 1M workers spends most of its time in COUNT(*) for the page links; the
count is kept under the SQL of the query (which holds the user's scope filters) until the next
write.
"""

from __future__ import annotations

import hashlib

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from .figures import remember


class CachedCountPaginator(Paginator):
    """`known_count` (from per-village tallies) stands in for the COUNT(*); a page then still
    reads up to `per_page` rows, so a count that has drifted can misnumber the pages but never
    hide the rows of the first one."""

    def __init__(self, object_list, per_page, *, known_count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_known = known_count is not None
        if self.count_known:
            self.count = known_count  # primes the cached property below

    def page(self, number):
        if not self.count_known:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return super().count
        try:
            sql = str(rows.query)
        except Exception:  # a query that cannot be printed (e.g. an empty IN list): count it
            return super().count
        key = "lindung:count:" + hashlib.sha256(sql.encode()).hexdigest()
        return remember(key, lambda: Paginator.count.func(self))

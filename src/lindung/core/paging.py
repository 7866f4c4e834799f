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

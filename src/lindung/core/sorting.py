"""Server-side column sorting for paginated lists: a list declares which columns sort and on
which indexed fields; the `urut` query parameter picks one ("nama", or "-nama" for descending).
Anything else falls back to the default, so no value of `urut` can break a page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

PARAM = "urut"


@dataclass(frozen=True)
class Sorting:
    columns: dict[str, tuple[str, ...]]  # key in the URL -> order_by fields (ascending)
    default: str

    def chosen(self, value: str | None) -> str:
        key = (value or "").strip()
        return key if key.lstrip("-") in self.columns else self.default

    def apply(self, qs: QuerySet, value: str | None) -> tuple[QuerySet, str]:
        key = self.chosen(value)
        fields = self.columns[key.lstrip("-")]
        if key.startswith("-"):
            fields = tuple(f[1:] if f.startswith("-") else f"-{f}" for f in fields)
        return qs.order_by(*fields), key

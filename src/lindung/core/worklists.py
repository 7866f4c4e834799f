"""Village worklists: each domain app registers sections (who needs action), shown on one page.

A provider takes (user, area) and returns a list of sections:
{"key", "title", "hint", "count", "rows": [{"label", "url", "detail"}], "more_url"}. Providers
must scope their querysets with lindung.accounts.scoping.scoped().
"""

from __future__ import annotations

from collections.abc import Callable

from .figures import cached

WorklistProvider = Callable[[object, object], list[dict]]
PROVIDERS: list[tuple[int, WorklistProvider]] = []


def register(provider: WorklistProvider, order: int = 50) -> WorklistProvider:
    if all(p is not provider for _, p in PROVIDERS):
        PROVIDERS.append((order, provider))
        PROVIDERS.sort(key=lambda item: item[0])
    return provider


def sections_for(user, area) -> list[dict]:
    return cached("worklists", user, area, lambda: _compute(user, area))


def _compute(user, area) -> list[dict]:
    sections: list[dict] = []
    for _, provider in PROVIDERS:
        sections.extend(provider(user, area))
    return sections

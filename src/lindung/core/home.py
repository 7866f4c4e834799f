"""Figures on the landing page. Each domain app adds a provider; all are scoped by the user."""

from __future__ import annotations

from collections.abc import Callable

from .figures import cached

HomeCardProvider = Callable[[object, object], list[dict]]
PROVIDERS: list[HomeCardProvider] = []


def register(provider: HomeCardProvider) -> HomeCardProvider:
    PROVIDERS.append(provider)
    return provider


def home_cards(user, area) -> list[dict]:
    return cached("home", user, area, lambda: _compute(user, area))


def _compute(user, area) -> list[dict]:
    cards: list[dict] = []
    for provider in PROVIDERS:
        cards.extend(provider(user, area))
    return cards

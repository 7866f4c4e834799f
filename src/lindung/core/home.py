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


ChartProvider = Callable[[object, object], list]
CHART_PROVIDERS: list[ChartProvider] = []


def register_chart(provider: ChartProvider) -> ChartProvider:
    CHART_PROVIDERS.append(provider)
    return provider


def home_charts(user, area) -> list:
    """Charts under the home figures (core.charts.Chart), counted once per user and day."""
    if area is None:
        return []
    return cached(
        "home-charts", user, area, lambda: [c for p in CHART_PROVIDERS for c in p(user, area)]
    )

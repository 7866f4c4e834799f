"""The home page and the dashboard show the same coverage figures: after a write they are
counted once for both, and both show the write."""

import pytest
from django.urls import reverse

from lindung.areas.models import Area
from lindung.core import testing
from lindung.coverage import dashboard
from lindung.coverage.snapshots import refresh_area

from .conftest import denominator, member

REG = testing.REGENCY


@pytest.fixture
def counted(monkeypatch):
    calls = {"indicators": 0, "trend": 0}
    indicators, trend = dashboard.area_indicators, dashboard.trend

    def counting_indicators(*args, **kwargs):
        calls["indicators"] += 1
        return indicators(*args, **kwargs)

    def counting_trend(*args, **kwargs):
        calls["trend"] += 1
        return trend(*args, **kwargs)

    monkeypatch.setattr(dashboard, "area_indicators", counting_indicators)
    monkeypatch.setattr(dashboard, "trend", counting_trend)
    return calls


def _both_pages(client):
    home = client.get("/")
    page = client.get(reverse("coverage:dashboard", args=[REG]))
    assert home.status_code == page.status_code == 200
    card = next(c for c in home.context["cards"] if c["label"] == "Cakupan UCJ")
    return card, page.context["head"]


def test_home_and_dashboard_count_the_month_once_and_show_each_write(client, users, lotim, counted):
    member(testing.VILLAGE_A)
    denominator(testing.VILLAGE_A, 2025, 10)
    refresh_area(REG)
    client.force_login(users["admin_kabupaten"])

    card, head = _both_pages(client)
    assert counted == {"indicators": 1, "trend": 1}
    assert head.numerator.lindung == 1
    assert card["note"] == "1 peserta aktif"

    member(testing.VILLAGE_B)  # a write in another kecamatan of the regency
    refresh_area(REG)
    card, head = _both_pages(client)
    assert counted == {"indicators": 2, "trend": 2}
    assert head.numerator.lindung == 2
    assert card["note"] == "2 peserta aktif"


def test_trend_reads_the_denominators_once_a_year(users, lotim, monkeypatch):
    import datetime as dt

    member(testing.VILLAGE_A)
    denominator(testing.VILLAGE_A, 2025, 10)
    denominator(testing.VILLAGE_A, 2026, 20)
    refresh_area(REG)
    books = []

    class CountedBook(dashboard.DenominatorBook):
        def __init__(self, root, year, order=None):
            books.append(year)
            super().__init__(root, year, order)

    monkeypatch.setattr(dashboard, "DenominatorBook", CountedBook)
    area = Area.objects.get(code=testing.VILLAGE_A)
    months = dashboard.trend(users["admin_kabupaten"], area, dt.date(2026, 3, 1))
    assert [m["period"] for m in months][:2] == [dt.date(2025, 4, 1), dt.date(2025, 5, 1)]
    assert sorted(books) == [2025, 2026]
    by_month = {m["period"]: m for m in months}
    # Each month is measured against its own year's denominator.
    december, january = by_month[dt.date(2025, 12, 1)], by_month[dt.date(2026, 1, 1)]
    assert december["lindung"] == january["lindung"] == 1
    assert december["percent"] == pytest.approx(2 * january["percent"])

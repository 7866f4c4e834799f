"""Summary charts: the home, funding, outreach and claims pages carry a chart and its figures."""

import datetime as dt
import json
import re

import pytest

from lindung.accounts.models import Role
from lindung.core import testing
from lindung.core.charts import Chart, Series
from lindung.coverage.tests.conftest import member
from lindung.outreach.models import Activity, Team

pytestmark = pytest.mark.django_db


def _charts(html: str) -> dict[str, dict]:
    found = re.findall(
        r'<script id="chart-data-([^"]+)" type="application/json">(.*?)</script>', html
    )
    return {name: json.loads(body) for name, body in found}


def test_chart_rows_follow_labels_and_series():
    chart = Chart("x", "t", "bar", ["Jan", "Feb"], [Series("a", [1, 2]), Series("b", [3, None])])
    assert chart.rows() == [("Jan", [1, 3]), ("Feb", [2, None])]
    assert not chart.empty
    assert Chart("y", "t", "bar", ["Jan"], [Series("a", [0])]).empty


@pytest.mark.parametrize(
    ("url", "chart_id"),
    [
        ("/", "tren-peserta"),
        ("/pendanaan/", "anggaran-per-sumber"),
        ("/sosialisasi/", "sosialisasi-per-bulan"),
        ("/klaim/rekap/", "klaim-per-bulan"),
    ],
)
def test_summary_pages_draw_their_chart(client, users, url, chart_id, monkeypatch):
    member(testing.VILLAGE_A)
    from lindung.funding.models import FundingSource

    if url == "/pendanaan/":
        FundingSource.objects.create(
            name="Dana Desa Danggen Timur", source_type="DANA_DESA", fiscal_year=2026,
            owner_area_id=testing.VILLAGE_A, amount=10_000_000,
            start_month=dt.date(2026, 1, 1), months=12,
        )  # fmt: skip
    if url == "/sosialisasi/":
        team = Team.objects.create(village_id=testing.VILLAGE_A, name="Tim Danggen Timur")
        Activity.objects.create(
            team=team, village_id=testing.VILLAGE_A, date=dt.date.today(), kind="door_to_door",
            place="Dusun Lendang", attendees=12,
        )  # fmt: skip
    if url == "/klaim/rekap/":
        # An empty chart is left out: give the page one figure to draw.
        monkeypatch.setattr(Chart, "empty", property(lambda self: False))
    client.force_login(users[Role.ADMIN_KABUPATEN])
    html = client.get(url).content.decode()
    charts = _charts(html)
    assert chart_id in charts, charts.keys()
    spec = charts[chart_id]
    assert spec["labels"] and all(len(s["values"]) == len(spec["labels"]) for s in spec["series"])
    assert "chart-4.6.1.umd.min.js" in html and "Lihat angka" in html


def test_home_trend_counts_the_active_members(client, users):
    for _ in range(2):
        member(testing.VILLAGE_A)
    client.force_login(users[Role.OPERATOR_DESA])
    spec = _charts(client.get("/").content.decode())["tren-peserta"]
    assert spec["series"][0]["values"][-1] == 2

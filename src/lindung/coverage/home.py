"""Home-page figure: the UCJ percent of the user's area, linking to its dashboard."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from lindung.accounts.scoping import user_covers_area
from lindung.core.charts import Chart, Series
from lindung.core.formatting import format_month, format_number, format_percent
from lindung.core.months import month_start

from .periods import today


def coverage_cards(user, area) -> list[dict]:
    if area is None or not user_covers_area(user, area.code):
        return []
    from .dashboard import shared_indicators

    head, _children = shared_indicators(user, area, month_start(today()))
    url = reverse("coverage:dashboard", args=[area.code])
    pct = head.percent
    return [
        {
            "label": _("Cakupan UCJ"),
            "value": format_percent(pct) if pct is not None else _("belum ada penyebut"),
            "url": url,
            "note": _("%(n)s peserta aktif") % {"n": format_number(head.numerator.combined)},
        }
    ]


def coverage_charts(user, area) -> list[Chart]:
    """Active participants month by month, with the month's new members, for the home page."""
    if area is None or not user_covers_area(user, area.code):
        return []
    from .dashboard import shared_trend

    months = shared_trend(user, area, month_start(today()))
    return [
        Chart(
            id="tren-peserta",
            title=_("Peserta aktif dan peserta baru per bulan"),
            kind="bar",
            labels=[format_month(m["period"]) for m in months],
            series=[
                Series(_("Peserta aktif"), [m["lindung"] for m in months]),
                Series(_("Peserta baru"), [m["new_members"] for m in months]),
            ],
        )
    ]

"""Home-page figure: the UCJ percent of the user's area, linking to its dashboard."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from lindung.accounts.scoping import user_covers_area
from lindung.core.formatting import format_number, format_percent

from .indicators import area_indicators
from .periods import month_start, today


def coverage_cards(user, area) -> list[dict]:
    if area is None or not user_covers_area(user, area.code):
        return []
    head, _children = area_indicators(area, month_start(today()))
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

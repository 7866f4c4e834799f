"""The sector and priority pickers of the worker list, remembered per process until a sector
changes (core.remembered): the list would otherwise read the sectors twice per page."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lindung.core.remembered import Remembered
from lindung.core.widgets import FixedChoices

from .models import Sector

PICKERS: Remembered[FixedChoices] = Remembered("sector-choices")
sectors_changed = PICKERS.changed


def sector_choices(blank: str) -> FixedChoices:
    """("", blank), then (code, name) of every sector in the list's order."""
    return PICKERS.get(
        ("sectors", get_language() or "", str(blank)),
        lambda: FixedChoices([("", str(blank)), *((s.code, str(s)) for s in Sector.objects.all())]),
    )


def priority_choices(blank: str) -> FixedChoices:
    """("", blank), then the priority groups that some sector has."""

    def build() -> FixedChoices:
        groups = sorted(set(Sector.objects.order_by().values_list("priority", flat=True)))
        return FixedChoices(
            [("", str(blank)), *((g, _("Prioritas %(n)s") % {"n": g}) for g in groups)]
        )

    return PICKERS.get(("priorities", get_language() or "", str(blank)), build)

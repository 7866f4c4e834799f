"""The area picker of list filters: kecamatan and villages inside the user's scope.

A regency's picker holds ~275 areas and is built on every list page; areas change only when
the area list is loaded or an admin edits one. So each process remembers the pickers per scope
and language (core.remembered): every change of an Area renews them (`areas_changed`, from the
model's signals and from `load_areas`, whose bulk writes send none).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language

from lindung.core.remembered import Remembered
from lindung.core.widgets import FixedChoices

from .models import Area, AreaLevel

PICKERS: Remembered[FixedChoices] = Remembered("area-choices")
areas_changed = PICKERS.changed


def area_choices(user, blank: str | None = None) -> FixedChoices:
    """(code, label) of the kecamatan and villages in the user's scope, villages indented,
    after a ("", blank) choice when `blank` is given."""
    scope = user.scope_code
    if scope is None:
        return FixedChoices([("", blank)] if blank is not None else [])
    code = scope or settings.LINDUNG_REGENCY_CODE
    first = [("", str(blank))] if blank is not None else []
    key = (code, get_language() or "", str(blank or ""))
    return PICKERS.get(key, lambda: FixedChoices(first + _build(code)))


def _build(scope_code: str) -> list[tuple[str, str]]:
    qs = Area.objects.filter(level__gte=AreaLevel.KECAMATAN).within(scope_code).order_by("code")
    out = []
    for code, name, level, kind in qs.values_list("code", "name", "level", "kind"):
        indent = "" if level == AreaLevel.KECAMATAN else "\u2003"
        out.append((code, indent + str(Area.label(level, kind, name))))
    return out

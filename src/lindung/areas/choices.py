"""The area picker of list filters: kecamatan and villages inside the user's scope.

A regency's picker holds ~275 areas and is built on every list page; areas change only when
the area list is loaded or an admin edits one. So each process remembers the pickers per
scope and language under a token kept in the shared cache: every change of an Area writes a
new token (`areas_changed`, from the model's signals and from `load_areas`, whose bulk writes
send none), and a process whose token differs builds its pickers again. A lost token (the
file cache culls entries) is replaced by a new one, which also rebuilds them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from lindung.core.widgets import FixedChoices

from .models import Area, AreaLevel

TOKEN_KEY = "areas:choices-token"
_remembered: dict[tuple[str, str, str], tuple[str, FixedChoices]] = {}


def areas_changed(**kwargs) -> None:
    cache.set(TOKEN_KEY, uuid.uuid4().hex, None)


def _token() -> str:
    token = cache.get(TOKEN_KEY)
    if token is None:
        token = uuid.uuid4().hex
        cache.set(TOKEN_KEY, token, None)
    return token


def area_choices(user, blank: str | None = None) -> FixedChoices:
    """(code, label) of the kecamatan and villages in the user's scope, villages indented,
    after a ("", blank) choice when `blank` is given."""
    scope = user.scope_code
    if scope is None:
        return FixedChoices([("", blank)] if blank is not None else [])
    key = (scope or settings.LINDUNG_REGENCY_CODE, get_language() or "", str(blank or ""))
    token = _token()
    remembered = _remembered.get(key)
    if remembered is not None and remembered[0] == token:
        return remembered[1]
    first = [("", str(blank))] if blank is not None else []
    choices = FixedChoices(first + _build(key[0]))
    _remembered[key] = (token, choices)
    return choices


def _build(scope_code: str) -> list[tuple[str, str]]:
    qs = Area.objects.filter(level__gte=AreaLevel.KECAMATAN).within(scope_code).order_by("code")
    out = []
    for code, name, level, kind in qs.values_list("code", "name", "level", "kind"):
        indent = "" if level == AreaLevel.KECAMATAN else "\u2003"
        out.append((code, indent + str(Area.label(level, kind, name))))
    return out

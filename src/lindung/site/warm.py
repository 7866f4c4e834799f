"""Count the day's home and worklist figures before anyone asks for them.

A figure is cached per user, area and day, so the first visit of the day pays the full count:
4 s for a regency's worklist at a million memberships. The nightly job counts them for every
active user whose area is wider than one village (a village's figures take milliseconds), in
the site language, so the morning's first visit reads the cache and later writes recount in
the background (figures.SLOW_SECONDS).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import translation

from lindung.accounts.models import User
from lindung.areas.models import AreaLevel
from lindung.areas.services import home_area_for
from lindung.core.home import home_cards
from lindung.core.worklists import sections_for


@dataclass(frozen=True)
class Warmed:
    username: str
    area_code: str
    seconds: float


def users_to_warm():
    """Active users whose pages start above village level (superusers: the regency)."""
    above_village = Q(area__level__lt=AreaLevel.DESA) | Q(area__isnull=True, is_superuser=True)
    return list(User.objects.filter(above_village, is_active=True).order_by("username"))


def warm_figures(users=None) -> list[Warmed]:
    warmed: list[Warmed] = []
    with translation.override(settings.LANGUAGE_CODE):
        for user in users_to_warm() if users is None else users:
            area = home_area_for(user)
            if area is None:
                continue
            started = time.perf_counter()
            home_cards(user, area)
            sections_for(user, area)
            warmed.append(Warmed(user.username, area.code, time.perf_counter() - started))
    return warmed

"""Home card and worklist sections contributed by the claims app (all scoped)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from lindung.accounts.masking import nik_for
from lindung.accounts.models import Role
from lindung.core.formatting import format_date, format_number
from lindung.tallies.entries import DEAD_NO_CLAIM
from lindung.tallies.services import area_for, total

from .deceased import (
    first_deceased_without_claim,
    followup_days,
)

ROWS = 10


def home_cards(user, area) -> list[dict]:
    if area is None:
        return []
    count = _count(user, area.code)
    url = reverse("claims:deceased")
    if area.code != (user.scope_code or area.code):
        url += f"?wilayah={area.code}"
    return [
        {
            "label": _("Peserta meninggal tanpa klaim"),
            "value": format_number(count),
            "url": url,
            "note": _("lebih dari %(d)s hari; bantu ahli waris mengajukan klaim")
            % {"d": followup_days(dt.date.today())},
        }
    ]


def _count(
    user, area_code: str | None, today: dt.date | None = None, days: int | None = None
) -> int:
    """deceased_without_claim(...).count(), from the per-village tallies."""
    today = today or dt.date.today()
    cutoff = today - dt.timedelta(days=followup_days(today) if days is None else days)
    return total(area_for(user, area_code), DEAD_NO_CLAIM, until=cutoff)


def recent_deaths_count(user, area_code: str | None, today: dt.date, days: int) -> int:
    """recent_deaths_without_claim(...).count(), from the per-village tallies."""
    since = today - dt.timedelta(days=days) + dt.timedelta(days=1)
    return total(area_for(user, area_code), DEAD_NO_CLAIM, since=since, until=today)


def _section(
    user,
    key: str,
    title: str,
    area_code: str | None,
    more_url: str,
    days: int,
    *,
    recent: bool = False,
) -> dict:
    today = dt.date.today()
    if recent:  # recent_deaths_without_claim's first rows
        since = today - dt.timedelta(days=days)
        first = first_deceased_without_claim(user, area_code, today, ROWS, days=0, after=since)
    else:
        first = first_deceased_without_claim(user, area_code, today, ROWS, days=days)
    rows = []
    for m in first:
        nik = nik_for(user, m.worker.nik)
        rows.append(
            {
                "label": f"{m.worker.name} ({nik})",
                "url": reverse("claims:create") + f"?kepesertaan={m.pk}" if user.can_edit else "",
                "detail": _("%(v)s · meninggal %(d)s, %(n)s hari lalu")
                % {
                    "v": m.village.name,
                    "d": format_date(m.worker.deceased_date),
                    "n": (today - m.worker.deceased_date).days,
                },
            }
        )
    count = (recent_deaths_count if recent else _count)(user, area_code, today, days)
    return {
        "key": key,
        "title": title,
        "hint": _("Terlindungi pada tanggal meninggal, tetapi belum ada klaim JKM/JKK."),
        "count": count,  # from the tallies
        "rows": rows,
        "more_url": more_url,
    }


def worklist_sections(user, area) -> list[dict]:
    if area is None:
        return []
    days = followup_days(dt.date.today())  # the rule book read once for every section
    title = _("Meninggal tanpa klaim > %(d)s hari") % {"d": days}
    more = reverse("claims:deceased") + f"?wilayah={area.code}"
    sections = [_section(user, "klaim-meninggal", title, area.code, more, days)]
    recent = _section(
        user,
        "klaim-meninggal-baru",
        _("Kematian baru dicatat — ajukan klaim"),
        area.code,
        more,
        days,
        recent=True,
    )
    if recent["count"]:
        sections.append(recent)
    # The branch office follows up every village it serves, whatever area is being viewed.
    if user.role == Role.PETUGAS_BPJS and user.scope_code is not None:
        sections.append(
            _section(
                user,
                "klaim-meninggal-cabang",
                _("Meninggal tanpa klaim > %(d)s hari — seluruh wilayah cabang") % {"d": days},
                None,
                reverse("claims:deceased"),
                days,
            )
        )
    return sections

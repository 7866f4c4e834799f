"""Home-page figures and worklist sections of the worker registry (scoped by user)."""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from lindung.accounts.scoping import area_q, scoped, user_covers_area
from lindung.core.formatting import format_number
from lindung.tallies import entries as tally
from lindung.tallies.models import VillageTally
from lindung.tallies.services import area_for, in_area
from lindung.tallies.services import total as tally_total

from .flags import describe_for
from .models import Worker
from .selectors import needing_verification

WORKLIST_ROWS = 10
# Worker list filters the tallies cannot answer (they count workers per village, and those
# needing verification).
NOT_TALLIED = ("q", "sektor", "status", "dana", "prioritas")


def _in_area(user, area):
    qs = scoped(Worker.objects.all(), user)
    return qs.filter(area_q("village", area.code)) if area else qs.none()


def listed_count(user, values: dict) -> int | None:
    """The worker list's row count from the tallies, when only the area and «perlu
    verifikasi» narrow it (a regency's list would otherwise COUNT a million rows after every
    write anywhere); None when other filters apply."""
    if any(values.get(name) not in (None, "") for name in NOT_TALLIED):
        return None
    key = {"": tally.WORKERS, "perlu": tally.WORKERS_FLAGGED}.get(values.get("verifikasi") or "")
    area = values.get("wilayah") or None
    if key is None or (area and not user_covers_area(user, area)):
        return None
    return tally_total(area_for(user, area), key)


def home_cards(user, area) -> list[dict]:
    if area is None:
        return []
    code = area_for(user, area)
    total = tally_total(code, tally.WORKERS)
    flagged = tally_total(code, tally.WORKERS_FLAGGED)
    note = _("%(n)s perlu verifikasi") % {"n": format_number(flagged)} if flagged else ""
    url = reverse("workers:list")
    if area.level >= 3:
        url += "?" + urlencode({"wilayah": area.code})
    return [
        {"label": _("Pekerja terdata"), "value": format_number(total), "url": url, "note": note}
    ]


def _more_params(area) -> dict:
    params = {"verifikasi": "perlu"}
    if area.level >= 3:
        params["wilayah"] = area.code
    return params


def verification_worklist(user, area) -> list[dict]:
    if area is None:
        return []
    code = area_for(user, area)
    count = tally_total(code, tally.WORKERS_FLAGGED)
    # Sample rows from the first villages that have workers to verify (tallies), read through
    # the village index: ordering the whole area by priority scans the registry.
    villages = list(
        VillageTally.objects.filter(in_area(code), key=tally.WORKERS_FLAGGED, count__gt=0)
        .order_by("village_id")
        .values_list("village_id", flat=True)[:WORKLIST_ROWS]
    )
    qs = needing_verification(_in_area(user, area).filter(village_id__in=villages))
    # The villages of the ten rows are read after them: joined in the query, PostgreSQL
    # (which expects few flagged workers) read the area table once per flagged worker of
    # those villages before sorting them (220 ms for a village of 12,602).
    qs = qs.prefetch_related("village")
    rows = [
        {
            "label": w.name,
            "url": reverse("workers:detail", args=[w.pk]),
            "detail": f"{w.village.name}: "
            + "; ".join(f["message"] for f in describe_for(user, w)),
        }
        for w in qs.order_by(F("priority_group") + 0, "name")[:WORKLIST_ROWS]
    ]
    return [
        {
            "key": "pekerja-perlu-verifikasi",
            "title": _("Data perlu verifikasi"),
            "hint": _(
                "Tanggal lahir, jenis kelamin atau wilayah NIK berbeda dengan data yang diisi. "
                "Cocokkan dengan KTP/KK, lalu tandai terverifikasi."
            ),
            "count": count,
            "rows": rows,
            "more_url": reverse("workers:list") + "?" + urlencode(_more_params(area)),
        }
    ]

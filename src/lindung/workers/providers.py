"""Home-page figures and worklist sections of the worker registry (scoped by user)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from lindung.accounts.scoping import area_q, scoped
from lindung.core.formatting import format_number
from lindung.tallies import entries as tally
from lindung.tallies.services import area_for
from lindung.tallies.services import total as tally_total

from .models import Worker
from .selectors import needing_verification

WORKLIST_ROWS = 10


def _in_area(user, area):
    qs = scoped(Worker.objects.all(), user)
    return qs.filter(area_q("village", area.code)) if area else qs.none()


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
    qs = needing_verification(_in_area(user, area)).select_related("village")
    count = tally_total(area_for(user, area), tally.WORKERS_FLAGGED)
    rows = [
        {
            "label": w.name,
            "url": reverse("workers:detail", args=[w.pk]),
            "detail": f"{w.village.name}: " + "; ".join(f["message"] for f in w.flag_details),
        }
        for w in qs.order_by("priority_group", "name")[:WORKLIST_ROWS]
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

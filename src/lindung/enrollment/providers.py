"""Worklist sections and home-page figures for memberships (scoped to the user and area)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.scoping import scoped
from lindung.core.formatting import format_date, format_number
from lindung.tallies import entries as tally
from lindung.tallies.services import active_on, area_for, in_area, total, totals_up_to

from . import selectors
from .models import Membership, MembershipStatus

ROWS = 10
WINDOWS = (30, 60, 90)


def _base(user, area):
    qs = scoped(Membership.objects.select_related("worker", "village"), user)
    # A range of village codes (not "= code OR LIKE 'code.%'"), so the village index serves it.
    return qs.filter(in_area(area.code)) if area else qs


def _list_url(area, **params) -> str:
    if area is not None:
        params["wilayah"] = area.code
    return reverse("enrollment:list") + "?" + urlencode(params)


def _row(m, detail: str) -> dict:
    return {
        "label": f"{m.worker.name} ({m.village.name})",
        "url": reverse("enrollment:detail", args=[m.pk]),
        "detail": detail,
    }


def worklist_sections(user, area) -> list[dict]:
    today = timezone.localdate()
    qs = _base(user, area)

    code = area_for(user, area)  # counts from the per-village tallies, rows from the records
    pending = selectors.not_submitted(qs).order_by("created_at", "id")
    pending_count = total(code, tuple(tally.STATUS + s for s in selectors.NOT_SUBMITTED))
    pending_rows = [
        _row(
            m,
            _("%(s)s sejak %(d)s") % {"s": m.get_status_display(), "d": format_date(m.created_at)},
        )
        for m in pending[:ROWS]
    ]

    ends = {days: today + dt.timedelta(days=days) for days in WINDOWS}
    up_to = totals_up_to(code, tally.EXPIRES, today, ends.values())
    counts = {days: up_to[end] for days, end in ends.items()}
    longest = WINDOWS[-1]
    expiring = selectors.expiring_within(qs, today, longest).order_by("paid_until", "id")
    expiring_rows = [
        _row(
            m,
            _("dibayar sampai %(d)s (%(n)s hari lagi), %(f)s")
            % {
                "d": format_date(m.paid_until),
                "n": (m.paid_until - today).days,
                "f": m.get_funding_type_display(),
            },
        )
        for m in expiring[:ROWS]
    ]
    return [
        {
            "key": "kepesertaan-belum-diajukan",
            "title": _("Didata, belum diverifikasi/diajukan"),
            "hint": _("Periksa data lalu ajukan ke BPJS Ketenagakerjaan agar segera terlindungi."),
            "count": pending_count,
            "rows": pending_rows,
            "more_url": _list_url(area, status="pra_aktif"),
        },
        {
            "key": "kepesertaan-habis-masa-bayar",
            "title": _("Habis masa bayar dalam 30/60/90 hari"),
            "hint": " · ".join(
                _("%(days)s hari: %(n)s orang") % {"days": d, "n": format_number(counts[d])}
                for d in WINDOWS
            ),
            "count": counts[longest],
            "rows": expiring_rows,
            "more_url": _list_url(area, habis=longest),
        },
    ]


def listed_count(user, values: dict, today: dt.date) -> int | None:
    """The membership list's row count from the tallies when it is narrowed by area, status
    or «habis dalam N hari» alone (not by search or funding source); None otherwise."""
    if values.get("funding_type") or (values.get("q") or "").strip():
        return None
    code = area_for(user, values.get("wilayah") or None)
    status, days = values.get("status") or "", values.get("habis")
    if days:
        if status:
            return None
        until = today + dt.timedelta(days=days)
        return total(code, tally.EXPIRES, since=today, until=until)
    if status == "pra_aktif":
        statuses = selectors.NOT_SUBMITTED
    elif status:
        statuses = (status,)
    else:
        statuses = tuple(MembershipStatus.values)
    return total(code, tuple(tally.STATUS + s for s in statuses))


def home_cards(user, area) -> list[dict]:
    if area is None:
        return []
    today = timezone.localdate()
    return [
        {
            "label": _("Peserta aktif (terlindungi hari ini)"),
            "value": format_number(active_on(area_for(user, area), today)),
            "url": _list_url(area, status="aktif"),
            "note": _("Iuran dibayar sampai hari ini atau sesudahnya."),
        }
    ]

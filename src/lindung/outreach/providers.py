"""Sections for the worklist page and figures for the home page (registered in apps.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.models import Role
from lindung.accounts.scoping import user_covers_area
from lindung.core.formatting import format_number

from . import services

# Who follows up villages that went quiet: the camat, and the regency admin above them.
FLAG_ROLES = {Role.CAMAT, Role.ADMIN_KABUPATEN}
MAX_ROWS = 10


def inactive_villages_section(user, area) -> list[dict]:
    if area is None or not (user.is_superuser or user.role in FLAG_ROLES):
        return []
    if not user_covers_area(user, area.code):
        return []
    today = timezone.localdate()
    threshold = services.OutreachPolicy.current(today).inactive_days
    quiet = services.quiet_villages(area.code, today, threshold)
    rows = services.village_rows(quiet[:MAX_ROWS], today, threshold) if quiet else []
    more = reverse("outreach:flags") + f"?wilayah={area.code}"
    return [
        {
            "key": "outreach-inactive",
            "title": _("Desa tanpa kegiatan sosialisasi > %(n)s hari") % {"n": threshold},
            "hint": _("Dorong kepala desa agar tim sosialisasinya kembali turun ke warga."),
            "count": len(quiet),
            "rows": [
                {
                    "label": str(row["village"]),
                    "url": reverse("outreach:index") + f"?wilayah={row['village'].code}",
                    "detail": _describe(row),
                }
                for row in rows
            ],
            "more_url": more,
        }
    ]


def _describe(row: dict) -> str:
    parts = []
    if row["last_date"] is None:
        parts.append(_("belum pernah ada kegiatan"))
    else:
        parts.append(_("terakhir %(d)s hari lalu") % {"d": row["days_since"]})
    if not row["has_team"]:
        parts.append(_("belum ada tim aktif"))
    return ", ".join(parts)


def home_cards(user, area) -> list[dict]:
    if area is None or not user_covers_area(user, area.code):
        return []
    recent = services.recent_counts(area.code)
    return [
        {
            "label": _("Kegiatan sosialisasi 30 hari terakhir"),
            "value": format_number(recent["activities"]),
            "url": reverse("outreach:index") + f"?wilayah={area.code}",
        },
        {
            "label": _("Pendaftaran hasil sosialisasi 30 hari terakhir"),
            "value": format_number(recent["registrations"]),
            "url": reverse("outreach:report") + f"?wilayah={area.code}",
        },
    ]

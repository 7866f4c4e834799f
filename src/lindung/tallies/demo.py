"""Demo step: demo data is inserted in bulk (no signals), so the tallies are counted after it."""

from __future__ import annotations

import random

from django.utils.translation import gettext as _

from lindung.core.formatting import format_number

from .services import rebuild


def demo_tallies(rng: random.Random, context: dict) -> str:
    rows = rebuild(context.get("villages") or None)
    return _("Rekap per desa: %(n)s baris") % {"n": format_number(rows)}

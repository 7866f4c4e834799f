"""What the coverage pages share: the area from the URL, breadcrumbs to its dashboards."""

from __future__ import annotations

import datetime as dt

from lindung.accounts.models import Role
from lindung.areas.generic import AreaScopedMixin
from lindung.core.months import add_months_to_first, month_start
from lindung.core.urlcache import cached_reverse

from ..periods import today

EXPORT_FORMATS = ("csv", "xlsx")


class CoverageAreaMixin(AreaScopedMixin):
    def breadcrumbs(self) -> list[dict]:
        crumbs = super().breadcrumbs()
        for crumb in crumbs:
            if crumb["url"]:
                crumb["url"] = cached_reverse("coverage:dashboard", [crumb["code"]])
        return crumbs


def months_back(count: int) -> list[dt.date]:
    """The month choices of a period picker: this month and the `count - 1` before it."""
    first = month_start(today())
    return [add_months_to_first(first, -i) for i in range(count)]


def is_branch_or_regency(user) -> bool:
    """The admin kabupaten and the BPJS branch officers: they upload BPJS's counts and may
    have an area's figures recounted now."""
    return user.is_admin or user.role == Role.PETUGAS_BPJS

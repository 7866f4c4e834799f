"""The memberships behind each dashboard number, with the same rules the snapshots use."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lindung.accounts.scoping import area_q, scoped
from lindung.enrollment.models import Membership, MembershipStatus

from .models import CoverageConfig
from .periods import ref_day
from .snapshots import counted_memberships, lapse_risk_q

KINDS = {
    "aktif": _("Peserta aktif"),
    "risiko": _("Peserta aktif berisiko putus"),
    "baru": _("Peserta baru bulan ini"),
    "status": _("Kepesertaan menurut status saat ini"),
}


def people(
    user,
    area_code: str,
    period: dt.date,
    kind: str = "aktif",
    *,
    sector: int | None = None,
    funding: str | None = None,
    status: str | None = None,
    on: dt.date | None = None,
) -> QuerySet[Membership]:
    """`on` is "today" (tests pass a fixed day so the running month is counted on it)."""
    day = ref_day(period, on)
    if kind == "aktif":
        qs = Membership.objects.active_on(day)
    elif kind == "risiko":
        days = CoverageConfig.current().lapse_risk_days
        qs = counted_memberships().filter(lapse_risk_q(day, days))
    elif kind == "baru":
        qs = counted_memberships().filter(coverage_start__gte=period, coverage_start__lte=day)
    elif kind == "status" and status in MembershipStatus.values:
        qs = Membership.objects.filter(status=status)
    else:
        return Membership.objects.none()
    qs = scoped(qs, user).filter(area_q("village", area_code))
    if sector:
        qs = qs.filter(worker__sector_id=sector)
    if funding:
        qs = qs.filter(funding_type=funding)
    return qs.select_related("worker", "worker__sector", "village").order_by(
        "village_id", "worker__name", "id"
    )

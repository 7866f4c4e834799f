"""Read-side filters shared by the list page, worklists and the home card."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from lindung.accounts.scoping import area_q

from .models import Membership, MembershipStatus

S = MembershipStatus
NOT_SUBMITTED = (S.DIDATA, S.DIVERIFIKASI)


def in_area(qs: QuerySet[Membership], area_code: str | None) -> QuerySet[Membership]:
    return qs.filter(area_q("village", area_code)) if area_code else qs


def not_submitted(qs: QuerySet[Membership]) -> QuerySet[Membership]:
    return qs.filter(status__in=NOT_SUBMITTED)


def expiring_within(qs: QuerySet[Membership], today: dt.date, days: int) -> QuerySet[Membership]:
    """Active memberships whose paid period runs out within `days` days from today."""
    return qs.filter(
        status=S.AKTIF, paid_until__gte=today, paid_until__lte=today + dt.timedelta(days=days)
    )


def search(qs: QuerySet[Membership], text: str) -> QuerySet[Membership]:
    text = text.strip()
    if not text:
        return qs
    if text.isdigit():
        return qs.filter(Q(worker__nik__startswith=text) | Q(kpj__startswith=text))
    return qs.filter(worker__name__icontains=text)

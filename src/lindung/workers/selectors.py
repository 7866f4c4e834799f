"""The scoped, filtered worker list shared by the list page, the export and the worklist."""

from __future__ import annotations

from django.db.models import Exists, Q, QuerySet

from lindung.accounts.scoping import area_q, scoped, user_covers_area

from . import memberships
from .models import Worker
from .nik import clean_nik

NO_MEMBERSHIP = "belum"


def _by_membership(qs: QuerySet[Worker], params: dict) -> QuerySet[Worker]:
    status, funding = params.get("status"), params.get("dana")
    found = memberships.lookup()
    if found is None or not (status or funding):
        return qs
    of_worker = found.of_worker()
    if status == NO_MEMBERSHIP:
        qs = qs.filter(~Exists(of_worker))
    elif status:
        qs = qs.filter(Exists(of_worker.filter(status=status)))
    if funding:
        qs = qs.filter(Exists(of_worker.filter(funding_type=funding)))
    return qs


def needing_verification(qs: QuerySet[Worker]) -> QuerySet[Worker]:
    return qs.exclude(verification_flags=[]).exclude(verification_flags__isnull=True)


def filtered_workers(user, params: dict) -> QuerySet[Worker]:
    """Workers the user may see, narrowed by the cleaned filter values in `params`."""
    return filter_workers(scoped(Worker.objects.all(), user), user, params)


def filter_workers(qs: QuerySet[Worker], user, params: dict) -> QuerySet[Worker]:
    """Narrow already scoped workers by the cleaned filter values in `params`."""
    area = params.get("wilayah")
    if area and user_covers_area(user, area):
        qs = qs.filter(area_q("village", area))
    elif area:
        return qs.none()
    if params.get("sektor"):
        qs = qs.filter(sector__code=params["sektor"])
    if params.get("prioritas") is not None:
        qs = qs.filter(priority_group=params["prioritas"])
    qs = _by_membership(qs, params)
    if params.get("verifikasi") == "perlu":
        qs = needing_verification(qs)
    elif params.get("verifikasi") == "ok":
        qs = qs.filter(verification_flags=[])
    q = (params.get("q") or "").strip()
    if q:
        digits = clean_nik(q)
        if digits.isdigit() and len(digits) >= 4:
            qs = qs.filter(nik__startswith=digits)
        else:
            qs = qs.filter(Q(name__icontains=q))
    return qs.select_related("village", "village__parent", "sector")

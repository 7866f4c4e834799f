"""Claims paid per period and area, for dashboards and reports."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth

from lindung.accounts.scoping import area_q, scoped

from .models import Claim, ClaimStatus, ClaimType


def paid_claims(user, area_code: str | None, start: dt.date, end: dt.date) -> QuerySet[Claim]:
    """Claims paid between start and end (inclusive) inside the area and the user's scope."""
    qs = scoped(Claim.objects.all(), user).filter(
        status=ClaimStatus.DIBAYAR, paid_date__gte=start, paid_date__lte=end
    )
    if area_code:
        qs = qs.filter(area_q("membership__village", area_code))
    return qs


def claims_totals(user, area_code: str | None, start: dt.date, end: dt.date) -> dict:
    """{"paid_count", "paid_amount", "by_type": {type: {"label", "count", "amount"}}}.

    Amount is what was paid to the heir or participant (amount_paid); delay compensation is
    reported separately as "delay_penalty".
    """
    rows = {
        r["claim_type"]: r
        for r in paid_claims(user, area_code, start, end)
        .values("claim_type")
        .annotate(n=Count("id"), amount=Sum("amount_paid"), penalty=Sum("delay_penalty"))
        .order_by()
    }
    by_type = {}
    for value, label in ClaimType.choices:
        row = rows.get(value, {})
        by_type[value] = {
            "label": str(label),
            "count": row.get("n", 0),
            "amount": int(row.get("amount") or 0),
        }
    return {
        "area_code": area_code or "",
        "start": start,
        "end": end,
        "paid_count": sum(t["count"] for t in by_type.values()),
        "paid_amount": sum(t["amount"] for t in by_type.values()),
        "delay_penalty": sum(int(r.get("penalty") or 0) for r in rows.values()),
        "by_type": by_type,
    }


def totals_by_child_area(user, area, start: dt.date, end: dt.date) -> list[dict]:
    """One row per child area of `area` (kecamatan or desa) with paid count and amount."""
    qs = paid_claims(user, area.code, start, end)
    depth = len(area.code.split(".")) + 1
    sums: dict[str, dict] = {}
    for village, n, amount in (
        qs.values_list("membership__village").annotate(Count("id"), Sum("amount_paid")).order_by()
    ):
        code = ".".join(village.split(".")[:depth])
        entry = sums.setdefault(code, {"count": 0, "amount": 0})
        entry["count"] += n
        entry["amount"] += int(amount or 0)
    out = []
    for child in area.children.order_by("code"):
        entry = sums.get(child.code, {"count": 0, "amount": 0})
        out.append({"area": child, **entry})
    return out


def paid_by_month(user, area_code: str | None, start: dt.date, end: dt.date) -> list[dict]:
    """Claims paid per month from start to end: [{"month", "count", "amount"}], gaps as zero."""
    rows = {
        r["month"]: r
        for r in paid_claims(user, area_code, start, end)
        .annotate(month=TruncMonth("paid_date"))
        .values("month")
        .annotate(n=Count("id"), amount=Sum("amount_paid"))
        .order_by()
    }
    out, month = [], start.replace(day=1)
    while month <= end:
        row = rows.get(month, {})
        out.append(
            {"month": month, "count": row.get("n", 0), "amount": int(row.get("amount") or 0)}
        )
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out

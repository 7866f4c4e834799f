"""Lapse before the next budget year, and renewal batches into it.

A membership "lapses at the year boundary" when it is paid (and committed) only up to a month
before 1 January of the fiscal year: protection ends when the funder stops paying.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from lindung.enrollment.models import Membership

from .models import LIVE_STATUSES, Commitment, FundingSource, RenewalBatch
from .services import (
    ENDED,
    CostCalculator,
    FundingError,
    active_policy,
    commit_many,
    eligibility_problems,
    weight_of,
)


def due_for_renewal(memberships, year: int):
    """Memberships (of the given queryset) not covered from 1 Jan `year`: paid until before it
    and with no live commitment reaching into that year."""
    first = dt.date(year, 1, 1)
    covering = Commitment.objects.filter(
        membership=OuterRef("pk"), status__in=LIVE_STATUSES, end_month__gte=first
    )
    last_source = (
        Commitment.objects.filter(membership=OuterRef("pk"), status__in=LIVE_STATUSES)
        .order_by("-end_month", "-id")
        .values("source_id")[:1]
    )
    return (
        memberships.exclude(status__in=ENDED)
        .filter(worker__deceased_date__isnull=True)
        .filter(Q(paid_until__lt=first) | Q(paid_until__isnull=True))
        .exclude(Exists(covering))
        .annotate(last_source_id=Subquery(last_source))
    )


def due_by_village(due) -> list[dict]:
    return list(
        due.values("village_id", "village__name", "village__parent__name")
        .annotate(count=Count("id"), latest=Max("paid_until"))
        .order_by("village_id")
    )


def due_by_source(due) -> list[dict]:
    rows = list(due.values("last_source_id").annotate(count=Count("id")).order_by("-count"))
    # A source's name alone ("Dana Desa 2026") does not say whose budget it is.
    names = {
        pk: f"{name} · {area}"
        for pk, name, area in FundingSource.objects.filter(
            pk__in=[r["last_source_id"] for r in rows if r["last_source_id"]]
        ).values_list("pk", "name", "owner_area__name")
    }
    for r in rows:
        r["source_name"] = names.get(r["last_source_id"]) or _(
            "Belum pernah didanai sumber tercatat"
        )
    return rows


@dataclass
class RenewalLine:
    membership: Membership
    weight: int
    cost: int
    fits: bool
    reason: str = ""


@dataclass
class RenewalPreview:
    source: FundingSource
    lines: list[RenewalLine] = field(default_factory=list)

    @property
    def fitting(self) -> list[RenewalLine]:
        return [line for line in self.lines if line.fits]

    @property
    def total(self) -> int:
        return sum(line.cost for line in self.fitting)

    @property
    def skipped(self) -> list[RenewalLine]:
        return [line for line in self.lines if not line.fits]


def preview(
    source: FundingSource,
    memberships,
    *,
    previous_type: str = "",
    limit: int = 5000,
) -> RenewalPreview:
    """Who would be renewed into `source` (highest priority first, within its remaining budget).

    `memberships` must already be scoped to the user. `previous_type` keeps only those last
    funded by that source type (e.g. renew last year's Dana Desa cohort into this year's).
    """
    due = due_for_renewal(memberships, source.fiscal_year).select_related(
        "worker__sector", "village"
    )
    if previous_type:
        due = due.filter(
            Exists(
                Commitment.objects.filter(
                    membership=OuterRef("pk"),
                    status__in=LIVE_STATUSES,
                    source__source_type=previous_type,
                )
            )
        )
    policy = active_policy()
    calc = CostCalculator()
    out = RenewalPreview(source)
    candidates: list[tuple[int, Membership]] = []
    for m in due.order_by("pk")[:limit]:
        w = weight_of(
            policy, m.worker.sector.code, m.worker.sector.priority, m.worker.poverty_desil
        )
        candidates.append((w, m))
    candidates.sort(key=lambda t: (-t[0], t[1].worker.name, t[1].pk))
    remaining = source.amount - source.allocated
    for w, m in candidates:
        problems = eligibility_problems(m, source)
        if problems:
            out.lines.append(RenewalLine(m, w, 0, False, "; ".join(problems)))
            continue
        cost = calc.for_membership(m, source, source.start_month, source.months)
        if cost <= remaining:
            remaining -= cost
            out.lines.append(RenewalLine(m, w, cost, True))
        else:
            out.lines.append(RenewalLine(m, w, cost, False, _("Sisa anggaran tidak cukup.")))
    return out


def run_batch(source: FundingSource, memberships, *, by, previous_type: str = "") -> RenewalBatch:
    """Commit the preview's fitting lines as one batch (all or nothing)."""
    plan = preview(source, memberships, previous_type=previous_type)
    chosen = [line.membership for line in plan.fitting]
    if not chosen:
        raise FundingError(_("Tidak ada kepesertaan yang dapat diperpanjang ke sumber ini."))
    with transaction.atomic():
        batch = RenewalBatch.objects.create(source=source, created_by=by)
        created = commit_many(
            chosen,
            source,
            by=by,
            batch=batch,
            note=_("Perpanjangan tahun anggaran %(y)s") % {"y": source.fiscal_year},
        )
        batch.committed_count = len(created)
        batch.skipped_count = len(plan.skipped)
        batch.total_cost = sum(c.cost for c in created)
        batch.save(update_fields=["committed_count", "skipped_count", "total_cost"])
    return batch

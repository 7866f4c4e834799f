"""Budget cuts against what is already committed.

A scenario that cuts a budget below its live commitments shows the over-commitment and who
would lose funding: unpaid commitments, lowest priority first, until the rest fits. Applying the
cut ends those commitments explicitly (after confirmation), each with a note naming the
scenario, recorded in the commitment's history with who did it, and leaves a per-village list.
Paid commitments cannot be undone; if they alone exceed the cut, the cut is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from lindung.core.formatting import format_rupiah

from .models import Commitment, CommitmentStatus, FundingSource, Scenario
from .services import FundingError, active_policy, cancel, set_amount, weight_of


def cut_amount(source: FundingSource, scenario: Scenario) -> int:
    """The pagu after the scenario's global and per-type cuts."""
    factor = (Decimal(100) - Decimal(scenario.cut_percent)) / 100
    extra = Decimal(str((scenario.type_cuts or {}).get(source.source_type, 0) or 0))
    factor *= (Decimal(100) - extra) / 100
    return int(Decimal(source.amount) * factor)


@dataclass
class OverCommitment:
    source: FundingSource
    new_amount: int
    allocated: int
    paid: int
    losing: list[Commitment] = field(default_factory=list)

    @property
    def over(self) -> int:
        return self.allocated - self.new_amount

    @property
    def released(self) -> int:
        return sum(c.cost for c in self.losing)

    @property
    def feasible(self) -> bool:
        return self.paid <= self.new_amount


def over_commitments(scenario: Scenario, sources=None) -> list[OverCommitment]:
    """Sources the scenario cuts below their live commitments, with who loses funding."""
    policy = scenario.weight_policy or active_policy()
    rows = []
    qs = sources if sources is not None else [r.source for r in scenario.sources.all()]
    for src in qs:
        new_amount = cut_amount(src, scenario)
        if src.allocated <= new_amount:
            continue
        live = list(
            src.commitments.filter(
                status__in=(CommitmentStatus.DIALOKASIKAN, CommitmentStatus.DIBAYAR)
            ).select_related("membership__worker__sector", "membership__village")
        )
        paid = sum(c.cost for c in live if c.status == CommitmentStatus.DIBAYAR)
        unpaid = [c for c in live if c.status == CommitmentStatus.DIALOKASIKAN]
        for c in unpaid:
            w = c.membership.worker
            c.weight = weight_of(policy, w.sector.code, w.sector.priority, w.poverty_desil)
        unpaid.sort(key=lambda c: (c.weight, -c.created_at.timestamp(), -c.pk))
        row = OverCommitment(src, new_amount, src.allocated, paid)
        need = src.allocated - new_amount
        for c in unpaid:
            if row.released >= need:
                break
            row.losing.append(c)
        rows.append(row)
    return rows


def apply_cuts(scenario: Scenario, *, by, user_sources: set[int], confirmed: bool) -> list:
    """End the losing commitments and lower the pagu, for the sources the user manages.

    Refused without `confirmed`, and refused if paid commitments alone exceed the cut.
    Returns the ended commitments (the per-village list)."""
    sources = [r.source for r in scenario.sources.select_related("source__owner_area")]
    rows = [r for r in over_commitments(scenario, sources) if r.source.pk in user_sources]
    if not rows:
        for src in sources:
            if src.pk in user_sources and cut_amount(src, scenario) < src.amount and confirmed:
                set_amount(src, cut_amount(src, scenario))
        return []
    if not confirmed:
        raise FundingError(
            [
                _(
                    "%(src)s: pagu setelah pemotongan %(new)s di bawah yang sudah dialokasikan "
                    "%(alloc)s; %(n)s peserta akan kehilangan pendanaan. Centang konfirmasi "
                    "untuk mengakhiri komitmen mereka."
                )
                % {
                    "src": r.source.name,
                    "new": format_rupiah(r.new_amount),
                    "alloc": format_rupiah(r.allocated),
                    "n": len(r.losing),
                }
                for r in rows
            ]
        )
    blocked = [r for r in rows if not r.feasible]
    if blocked:
        raise FundingError(
            [
                _(
                    "%(src)s: yang sudah dibayar (%(paid)s) melebihi pagu setelah pemotongan "
                    "(%(new)s); pemotongan ini tidak dapat diterapkan."
                )
                % {
                    "src": r.source.name,
                    "paid": format_rupiah(r.paid),
                    "new": format_rupiah(r.new_amount),
                }
                for r in blocked
            ]
        )
    ended = []
    note = _("Diakhiri: anggaran dipotong menurut skenario «%(n)s»") % {"n": scenario.name}
    with transaction.atomic():
        for r in rows:
            for c in r.losing:
                ended.append(cancel(c, by=by, note=note))
            set_amount(r.source, r.new_amount)
        for src in sources:
            if src.pk in user_sources and src.pk not in {r.source.pk for r in rows}:
                new_amount = cut_amount(src, scenario)
                if new_amount < src.amount:
                    set_amount(src, new_amount)
    return ended


def by_village(commitments) -> dict[str, list]:
    """Ended commitments grouped by village name, for the list a village can act on."""
    out: dict[str, list] = {}
    for c in sorted(commitments, key=lambda c: (c.membership.village.name, c.membership_id)):
        out.setdefault(c.membership.village.name, []).append(c)
    return out

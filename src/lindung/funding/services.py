"""Budgets and commitments: pricing, eligibility, and refusing over-commitment atomically.

Concurrency: every change to a source's `allocated` happens inside one transaction that first
locks the source row (SELECT ... FOR UPDATE on PostgreSQL) and then the memberships. On SQLite
the project opens transactions with BEGIN IMMEDIATE (settings.py), so writers are serialised at
BEGIN and a second commit sees the first one's allocation. A CHECK constraint
(allocated <= amount) backs this up on both databases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.models import Role
from lindung.accounts.scoping import scoped, user_covers_area
from lindung.core.areacodes import ancestor_codes
from lindung.core.formatting import format_month, format_rupiah
from lindung.core.months import add_months_to_first
from lindung.enrollment.models import FundingType, Membership, MembershipStatus
from lindung.tallies.signals import track as track_tallies

from .models import (
    LIVE_STATUSES,
    Commitment,
    CommitmentStatus,
    FundingSource,
    RenewalBatch,
    WeightPolicy,
)

ENDED = (MembershipStatus.BERAKHIR, MembershipStatus.NONAKTIF)


class FundingError(ValidationError):
    """A refused funding action; the message is for the user."""


class OverCommitment(FundingError):
    pass


# ---------------------------------------------------------------------------------------------
# Visibility and permissions
# ---------------------------------------------------------------------------------------------


def visible_sources(user, qs=None):
    """Sources inside the user's area (scoped) plus, read-only, the broader budgets above it
    (a desa operator sees the regency's APBD and DBHCHT lines that may fund their residents)."""
    qs = FundingSource.objects.all() if qs is None else qs
    own = scoped(qs, user)
    code = getattr(user, "scope_code", None)
    if not code:
        return own
    return (own | qs.filter(owner_area_id__in=ancestor_codes(code))).distinct()


def can_manage(user, source: FundingSource) -> bool:
    """Edit the budget and commit members: editors inside the owner area; a village operator
    only for their own village's Dana Desa."""
    if not getattr(user, "can_edit", False):
        return False
    if not user_covers_area(user, source.owner_area_id):
        return False
    if user.role == Role.OPERATOR_DESA and not user.is_superuser:
        return source.source_type == FundingType.DANA_DESA
    return True


def can_create_type(user, source_type: str) -> bool:
    if not getattr(user, "can_edit", False):
        return False
    if user.role == Role.OPERATOR_DESA and not user.is_superuser:
        return source_type == FundingType.DANA_DESA
    return True


# ---------------------------------------------------------------------------------------------
# Pricing and eligibility
# ---------------------------------------------------------------------------------------------


def _tariffs():
    # Imported lazily: the tariff module belongs to enrollment and loads its own tables.
    from lindung.enrollment import tariffs

    return tariffs


class CostCalculator:
    """Prices commitments with the versioned tariff tables, loaded once per calculator."""

    def __init__(self) -> None:
        t = _tariffs()
        self._t = t
        self.tables = t.load_tables()
        self._memo: dict[tuple, int] = {}

    def is_transport(self, sector_code: str | None) -> bool:
        return bool(self._t.is_transport_sector(sector_code, self.tables))

    def cost(
        self,
        income: int,
        start_month: dt.date,
        months: int,
        *,
        with_jht: bool,
        funding_type: str,
        transport: bool,
    ) -> int:
        key = (income, start_month, months, with_jht, funding_type, transport)
        if key not in self._memo:
            self._memo[key] = int(
                self._t.period_cost(
                    int(income),
                    start_month,
                    months,
                    with_jht=with_jht,
                    funding_type=funding_type,
                    transport=transport,
                    tables=self.tables,
                )
            )
        return self._memo[key]

    def for_membership(
        self, m: Membership, source: FundingSource, start_month: dt.date, months: int
    ) -> int:
        sector_code = m.worker.sector.code if m.worker_id else None
        return self.cost(
            m.declared_income,
            start_month,
            months,
            with_jht=m.with_jht,
            funding_type=source.source_type,
            transport=self.is_transport(sector_code),
        )


def owner_problems(source_type: str, owner) -> list[str]:
    """Dana Desa belongs to a desa (UU 6/2014); a kelurahan has no Dana Desa and is funded
    through the regency budget (dana kelurahan, APBD)."""
    from lindung.areas.models import AreaKind

    if source_type == FundingType.DANA_DESA and getattr(owner, "kind", "") == AreaKind.KELURAHAN:
        return [
            _(
                "%(area)s adalah kelurahan: Dana Desa hanya untuk desa (UU 6/2014). Iuran warga "
                "kelurahan dibiayai APBD kabupaten (dana kelurahan)."
            )
            % {"area": owner}
        ]
    return []


def rule_problems(m: Membership, source: FundingSource, rule=None) -> list[str]:
    """The dated eligibility rules for the source's type (age, residency, sector) on its
    first month, unless an authorised override for this worker and source type exists."""
    from lindung.workers import eligibility

    kwargs = {} if rule is None else {"rule": rule}
    result = eligibility.evaluate(m.worker, source.source_type, source.start_month, **kwargs)
    if result.eligible or eligibility.has_override(m.worker, source.source_type):
        return []
    return [str(r)[:1].upper() + str(r)[1:] + "." for r in result.reasons]


def eligibility_problems(m: Membership, source: FundingSource, rule=None) -> list[str]:
    """Why this membership may not be funded by this source (empty = eligible)."""
    problems: list[str] = list(owner_problems(source.source_type, source.owner_area))
    if not source.is_active:
        problems.append(_("Sumber dana tidak aktif."))
    if m.status in ENDED:
        problems.append(_("Kepesertaan sudah berakhir/nonaktif."))
    if m.worker.deceased_date:
        problems.append(_("Pekerja tercatat meninggal dunia."))
    village = m.village_id
    owner = source.owner_area_id
    if not (village == owner or village.startswith(owner + ".")):
        problems.append(_("Domisili peserta di luar wilayah pemilik anggaran."))
    areas = [a.code for a in source.eligible_areas.all()]
    if areas and not any(village == a or village.startswith(a + ".") for a in areas):
        problems.append(_("Desa peserta bukan wilayah sasaran sumber dana ini."))
    sectors = {s.pk for s in source.eligible_sectors.all()}
    if sectors and m.worker.sector_id not in sectors:
        problems.append(
            _("Sektor «%(s)s» bukan sasaran sumber dana ini.") % {"s": m.worker.sector.name}
        )
    problems.extend(p for p in rule_problems(m, source, rule) if p not in problems)
    if source.max_poverty_desil is not None:
        desil = m.worker.poverty_desil
        if desil is None:
            problems.append(_("Desil DTSEN peserta belum diketahui."))
        elif desil > source.max_poverty_desil:
            problems.append(
                _("Desil %(d)s di atas batas desil %(max)s.")
                % {"d": desil, "max": source.max_poverty_desil}
            )
    return problems


def period_problems(source: FundingSource, start_month: dt.date, months: int) -> list[str]:
    if months < 1 or months > 12:
        return [_("Jumlah bulan harus 1 sampai 12.")]
    start = start_month.replace(day=1)
    end = add_months_to_first(start, months - 1)
    if start < source.start_month or end > source.end_month:
        return [
            _("Periode %(a)s–%(b)s di luar periode anggaran %(c)s–%(d)s.")
            % {
                "a": format_month(start),
                "b": format_month(end),
                "c": format_month(source.start_month),
                "d": format_month(source.end_month),
            }
        ]
    return []


def overlapping(membership_ids: Iterable[int], start: dt.date, end: dt.date):
    """Live commitments of these memberships that cover any month in [start, end]."""
    return Commitment.objects.filter(
        membership_id__in=list(membership_ids),
        status__in=LIVE_STATUSES,
        start_month__lte=end,
        end_month__gte=start,
    )


# ---------------------------------------------------------------------------------------------
# Commit, cancel, realise
# ---------------------------------------------------------------------------------------------


@dataclass
class PlannedCommitment:
    membership: Membership
    cost: int


def price(
    memberships: Sequence[Membership],
    source: FundingSource,
    start_month: dt.date,
    months: int,
    calc: CostCalculator | None = None,
) -> list[PlannedCommitment]:
    calc = calc or CostCalculator()
    start = start_month.replace(day=1)
    return [
        PlannedCommitment(m, calc.for_membership(m, source, start, months)) for m in memberships
    ]


def commit_many(
    memberships: Sequence[Membership],
    source: FundingSource,
    *,
    start_month: dt.date | None = None,
    months: int | None = None,
    by=None,
    note: str = "",
    batch: RenewalBatch | None = None,
    calc: CostCalculator | None = None,
) -> list[Commitment]:
    """Commit all memberships or none. Refuses over-commitment, ineligibility and overlap."""
    if not memberships:
        raise FundingError(_("Pilih minimal satu peserta."))
    start = (start_month or source.start_month).replace(day=1)
    if months is None:
        months = (
            (source.end_month.year - start.year) * 12 + source.end_month.month - start.month + 1
        )
    problems = period_problems(source, start, months)
    if problems:
        raise FundingError(problems)
    end = add_months_to_first(start, months - 1)
    errors: list[str] = []
    from lindung.workers.eligibility import rule_for

    rule = rule_for(source.source_type, source.start_month)
    for m in memberships:
        for p in eligibility_problems(m, source, rule):
            errors.append(f"{m.worker.name}: {p}")
    if errors:
        raise FundingError(errors[:20])
    planned = price(memberships, source, start, months, calc)
    total = sum(p.cost for p in planned)
    ids = [m.pk for m in memberships]
    if len(set(ids)) != len(ids):
        raise FundingError(_("Peserta yang sama dipilih lebih dari sekali."))
    with transaction.atomic():
        locked = FundingSource.objects.select_for_update().get(pk=source.pk)
        # Lock order: source, then memberships (same everywhere, so no deadlock).
        list(Membership.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
        if total > locked.amount - locked.allocated:
            raise OverCommitment(
                _(
                    "Anggaran tidak cukup: %(src)s tersisa %(rem)s, sedangkan biaya %(n)s "
                    "peserta × %(months)s bulan = %(total)s (kurang %(short)s). "
                    "Tidak ada komitmen yang disimpan."
                )
                % {
                    "src": locked.name,
                    "rem": format_rupiah(locked.amount - locked.allocated),
                    "n": len(planned),
                    "months": months,
                    "total": format_rupiah(total),
                    "short": format_rupiah(total - (locked.amount - locked.allocated)),
                }
            )
        clash = list(overlapping(ids, start, end).select_related("membership__worker", "source"))
        if clash:
            raise FundingError(
                [
                    _("%(name)s sudah didanai %(src)s untuk %(a)s–%(b)s.")
                    % {
                        "name": c.membership.worker.name,
                        "src": c.source.name,
                        "a": format_month(c.start_month),
                        "b": format_month(c.end_month),
                    }
                    for c in clash[:20]
                ]
            )
        rows = [
            Commitment(
                source=locked,
                membership=p.membership,
                start_month=start,
                months=months,
                end_month=end,
                cost=p.cost,
                tariff_note=_("Dihitung dari tabel tarif iuran (enrollment) untuk %(t)s")
                % {"t": locked.get_source_type_display()},
                status=CommitmentStatus.DIALOKASIKAN,
                batch=batch,
                note=note[:255],
                created_by=by if getattr(by, "is_authenticated", False) else None,
            )
            for p in planned
        ]
        with track_tallies(p.membership.pk for p in planned):  # bulk writes send no signals
            created = Commitment.objects.bulk_create(rows, batch_size=2000)
            # The membership shows the source that pays its months (its payments are priced so).
            Membership.objects.filter(pk__in=ids).exclude(funding_type=locked.source_type).update(
                funding_type=locked.source_type
            )
        locked.allocated += total
        locked.save(update_fields=["allocated", "updated_at"])
    source.refresh_from_db()
    return created


def commit(membership: Membership, source: FundingSource, **kwargs) -> Commitment:
    return commit_many([membership], source, **kwargs)[0]


def cancel(commitment: Commitment, *, by=None, note: str = "") -> Commitment:
    """Cancel an unpaid commitment; `note` says why (kept in the commitment and its history,
    with the user who did it)."""
    with transaction.atomic():
        source = FundingSource.objects.select_for_update().get(pk=commitment.source_id)
        c = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if c.status != CommitmentStatus.DIALOKASIKAN:
            raise FundingError(
                _("Komitmen berstatus «%(s)s» tidak dapat dibatalkan.")
                % {"s": c.get_status_display()}
            )
        c.status = CommitmentStatus.DIBATALKAN
        c.status_changed_at = timezone.now()
        fields = ["status", "status_changed_at"]
        if note:
            c.note = note[:255]
            fields.append("note")
        if getattr(by, "is_authenticated", False):
            c._history_user = by
        c.save(update_fields=fields)
        source.allocated -= c.cost
        source.save(update_fields=["allocated", "updated_at"])
    return c


def release_after_death(worker, date: dt.date, *, by=None) -> list[Commitment]:
    """Cancel unpaid commitments for months after the month of death: the budget gets the
    money back for someone else. Paid ones stay (BPJS refunds them with the claim)."""
    after = add_months_to_first(date.replace(day=1), 1)
    pending = Commitment.objects.filter(
        membership__worker=worker, status=CommitmentStatus.DIALOKASIKAN, start_month__gte=after
    )
    return [cancel(c, by=by) for c in pending]


def mark_paid(commitment: Commitment, *, by=None, paid_on: dt.date | None = None) -> Commitment:
    """The premium was transferred: record the contribution months it pays, which realises the
    budget (see `realise`). One path for both, so paid months and realisation never diverge."""
    from lindung.enrollment.services import record_payment

    c = Commitment.objects.select_related("membership").get(pk=commitment.pk)
    if c.status != CommitmentStatus.DIALOKASIKAN:
        raise FundingError(
            _("Hanya komitmen berstatus «Dialokasikan» yang dapat ditandai dibayar.")
        )
    record_payment(c.membership, months=c.months, paid_on=paid_on or timezone.localdate(), by=by)
    c.refresh_from_db()
    return c


# ---------------------------------------------------------------------------------------------
# Payments against commitments: the commitment's price is the price of its months
# ---------------------------------------------------------------------------------------------


def _month_label(day: dt.date) -> str:
    return day.strftime("%m/%Y")


def first_open_commitment(membership_id: int) -> Commitment | None:
    """The earliest commitment still waiting for its payment."""
    return (
        Commitment.objects.filter(membership_id=membership_id, status=CommitmentStatus.DIALOKASIKAN)
        .select_related("source")
        .order_by("start_month", "id")
        .first()
    )


def commitment_for_payment(
    membership: Membership, start: dt.date, months: int, amount: int | None, expected: int
) -> Commitment | None:
    """The commitment a payment of `months` from `start` is made against, or None when no budget
    funds those months. Raises FundingError saying why when the payment disagrees with it.

    `expected` is the tariff price of those months for the commitment's own source type; the
    caller computes it so the tariff tables stay with enrollment.
    """
    end = add_months_to_first(start, months - 1)
    live = list(
        overlapping([membership.pk], start, end)
        .select_related("source")
        .order_by("start_month", "id")
    )
    if not live:
        return None
    c = live[0]
    label = {
        "src": c.source.name,
        "a": _month_label(c.start_month),
        "b": _month_label(c.end_month),
        "n": c.months,
        "cost": format_rupiah(c.cost),
    }
    if c.status != CommitmentStatus.DIALOKASIKAN or c.start_month != start:
        raise FundingError(
            _(
                "Bulan iuran %(a)s–%(b)s didanai %(src)s (%(n)s bulan, %(cost)s). Pembayaran "
                "yang dicatat mulai %(start)s bertumpang tindih dengan komitmen itu; catat "
                "pembayaran komitmen tersebut sebagai satu pembayaran %(n)s bulan."
            )
            % {**label, "start": _month_label(start)}
        )
    if months != c.months:
        raise FundingError(
            _(
                "Bulan iuran %(a)s–%(b)s didanai %(src)s sebagai satu komitmen %(n)s bulan "
                "(%(cost)s); pembayaran %(m)s bulan tidak sesuai komitmen."
            )
            % {**label, "m": months}
        )
    if amount is not None and int(amount) != c.cost:
        raise FundingError(
            _(
                "Jumlah dibayar %(amount)s tidak sama dengan komitmen %(src)s untuk %(a)s–%(b)s "
                "sebesar %(cost)s."
            )
            % {**label, "amount": format_rupiah(int(amount))}
        )
    if expected != c.cost:
        raise FundingError(
            _(
                "Tarif iuran untuk %(a)s–%(b)s kini %(expected)s, sedangkan komitmen %(src)s "
                "dihitung %(cost)s (penghasilan atau kepesertaan JHT berubah sejak komitmen "
                "dibuat). Batalkan lalu buat ulang komitmen sebelum mencatat pembayaran."
            )
            % {**label, "expected": format_rupiah(expected)}
        )
    return c


def realise(commitment: Commitment, payment) -> Commitment:
    """The payment realises the commitment: dibayar, linked to the payment, spent += cost.
    Called inside the payment's transaction."""
    source = FundingSource.objects.select_for_update().get(pk=commitment.source_id)
    c = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if c.status != CommitmentStatus.DIALOKASIKAN:
        raise FundingError(
            _("Hanya komitmen berstatus «Dialokasikan» yang dapat ditandai dibayar.")
        )
    c.status = CommitmentStatus.DIBAYAR
    c.status_changed_at = timezone.now()
    c.payment = payment
    c.save(update_fields=["status", "status_changed_at", "payment"])
    source.spent += c.cost
    source.save(update_fields=["spent", "updated_at"])
    return c


def set_amount(source: FundingSource, amount: int) -> FundingSource:
    """Change the budget (e.g. after a cut); never below what is already committed."""
    with transaction.atomic():
        locked = FundingSource.objects.select_for_update().get(pk=source.pk)
        if amount < locked.allocated:
            raise OverCommitment(
                _(
                    "Pagu tidak boleh di bawah yang sudah dialokasikan (%(alloc)s). Batalkan "
                    "komitmen terlebih dahulu."
                )
                % {"alloc": format_rupiah(locked.allocated)}
            )
        locked.amount = amount
        locked.save(update_fields=["amount", "updated_at"])
    source.refresh_from_db()
    return source


def recompute_allocated(source: FundingSource) -> tuple[int, int]:
    """Sums from the commitments themselves (for checks and repair)."""
    agg = source.commitments.aggregate(
        allocated=Sum("cost", filter=Q(status__in=LIVE_STATUSES)),
        spent=Sum("cost", filter=Q(status=CommitmentStatus.DIBAYAR)),
    )
    return agg["allocated"] or 0, agg["spent"] or 0


# ---------------------------------------------------------------------------------------------
# Budget overview
# ---------------------------------------------------------------------------------------------


def budget_by_type(sources) -> list[dict]:
    """Pagu, allocated and realised per source type, for the summary chart."""
    rows = (
        sources.order_by()
        .values("source_type")
        .annotate(amount=Sum("amount"), allocated=Sum("allocated"), spent=Sum("spent"))
        .order_by("source_type")
    )
    labels = dict(FundingType.choices)
    return [{**r, "label": labels.get(r["source_type"], r["source_type"])} for r in rows]


def budget_totals(sources) -> dict:
    agg = sources.aggregate(amount=Sum("amount"), allocated=Sum("allocated"), spent=Sum("spent"))
    amount = agg["amount"] or 0
    allocated = agg["allocated"] or 0
    return {
        "amount": amount,
        "allocated": allocated,
        "spent": agg["spent"] or 0,
        "remaining": amount - allocated,
        "percent": 100.0 * allocated / amount if amount else 0.0,
    }


# ---------------------------------------------------------------------------------------------
# Priority weights (data, see WeightPolicy)
# ---------------------------------------------------------------------------------------------


def policy_tiers(policy: WeightPolicy) -> list[dict]:
    """The policy's effect in words: sectors by weight (highest first), each with the range a
    desil can add, so the page can show who comes first."""
    from lindung.workers.models import Sector

    desils = [int(w) for w in policy.desil_weights or []] + [policy.unknown_desil_weight]
    low, high = min(desils, default=0), max(desils, default=0)
    tiers: dict[int, list[str]] = {}
    for sector in Sector.objects.filter(is_active=True).order_by("priority", "name"):
        base = weight_of(policy, sector.code, sector.priority, None) - policy.unknown_desil_weight
        tiers.setdefault(base, []).append(sector.name)
    return [
        {"base": base, "sectors": names, "lowest": base + low, "highest": base + high}
        for base, names in sorted(tiers.items(), reverse=True)
    ]


def active_policy() -> WeightPolicy:
    policy = WeightPolicy.objects.filter(is_active=True).order_by("code").first()
    if policy is None:
        raise FundingError(_("Belum ada kebijakan bobot prioritas yang aktif."))
    return policy


def weight_of(
    policy: WeightPolicy, sector_code: str | None, sector_priority: int | None, desil: int | None
) -> int:
    w = 0
    if sector_code and sector_code in (policy.tobacco_sector_codes or []):
        w += policy.tobacco_weight
    desils = policy.desil_weights or []
    if desil is not None and 1 <= desil <= len(desils):
        w += int(desils[desil - 1])
    else:
        w += policy.unknown_desil_weight
    if sector_priority is not None:
        w += int((policy.sector_priority_weights or {}).get(str(sector_priority), 0))
    return w

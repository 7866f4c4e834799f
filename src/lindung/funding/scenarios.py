"""Optimiser scenarios on real data: build the instance, solve, explain, store, compare, apply."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.scoping import area_q
from lindung.core import jobqueue
from lindung.core.areacodes import ancestor_codes
from lindung.core.jobstatus import JobStatus
from lindung.enrollment.models import Membership

from . import optimiser
from .models import (
    LIVE_STATUSES,
    Commitment,
    FundingSource,
    Reason,
    Scenario,
    ScenarioCandidate,
    ScenarioSource,
)
from .services import (
    ENDED,
    CostCalculator,
    commit_many,
    owner_problems,
    weight_of,
)

REASON_BY_CODE = {
    optimiser.FUNDED: Reason.DIDANAI,
    optimiser.NOT_ELIGIBLE: Reason.TIDAK_LAYAK,
    optimiser.BELOW_CUTOFF: Reason.DI_BAWAH_BATAS,
    optimiser.BUDGET_EXHAUSTED: Reason.ANGGARAN_HABIS,
}


def scenario_sources(scenario: Scenario):
    """Active sources of the year owned inside the scenario's area or above it."""
    code = scenario.area_id
    return (
        FundingSource.objects.filter(fiscal_year=scenario.fiscal_year, is_active=True)
        .filter(area_q("owner_area", code) | Q(owner_area_id__in=ancestor_codes(code)))
        .select_related("owner_area")
        .prefetch_related("eligible_sectors", "eligible_areas")
        .order_by("source_type", "name", "pk")
    )


def candidate_memberships(scenario: Scenario):
    """Members in the area who are not ended and have no live commitment in the fiscal year."""
    first = dt.date(scenario.fiscal_year, 1, 1)
    last = dt.date(scenario.fiscal_year, 12, 1)
    funded = Commitment.objects.filter(
        membership=OuterRef("pk"),
        status__in=LIVE_STATUSES,
        start_month__lte=last,
        end_month__gte=first,
    )
    return (
        Membership.objects.filter(area_q("village", scenario.area_id))
        .exclude(status__in=ENDED)
        .filter(worker__deceased_date__isnull=True)
        .exclude(Exists(funded))
    )


def effective_budget(source: FundingSource, scenario: Scenario) -> int:
    """Pagu after the scenario's cuts, minus what is already committed (never negative)."""
    factor = (Decimal(100) - Decimal(scenario.cut_percent)) / 100
    extra = Decimal(str((scenario.type_cuts or {}).get(source.source_type, 0) or 0))
    factor *= (Decimal(100) - extra) / 100
    return max(0, int(Decimal(source.amount) * factor) - source.allocated)


def rule_mask(src: FundingSource, rows, villages, vill, sector) -> np.ndarray:
    """The dated eligibility rule of the source's type on its first month (age, residency,
    sector), as for a single commitment; workers with an override for that type pass."""
    from django.conf import settings

    from lindung.workers.eligibility import rule_for
    from lindung.workers.models import EligibilityOverride

    n = len(rows)
    rule = rule_for(src.source_type, src.start_month)
    if rule is None:
        return np.zeros(n, dtype=bool)
    on = src.start_month
    ages = np.fromiter(
        (on.year - b.year - ((on.month, on.day) < (b.month, b.day)) for b in (r[8] for r in rows)),
        dtype=np.int64,
        count=n,
    )
    mask = np.ones(n, dtype=bool)
    if rule.min_age is not None:
        mask &= ages >= rule.min_age
    if rule.max_age is not None:
        mask &= ages <= rule.max_age
    if rule.requires_residency:
        regency = settings.LINDUNG_REGENCY_CODE
        home = np.asarray([v == regency or v.startswith(regency + ".") for v in villages], bool)
        mask &= home[vill] if villages else mask
    allowed = [s.pk for s in rule.allowed_sectors.all()]
    if allowed:
        mask &= np.isin(sector, allowed)
    if not mask.all():
        excused = set(
            EligibilityOverride.objects.filter(funding_type=src.source_type).values_list(
                "worker_id", flat=True
            )
        )
        if excused:
            mask |= np.fromiter((r[9] in excused for r in rows), dtype=bool, count=n)
    return mask


class Built:
    def __init__(self, ids, weights, sources, budgets, inst, tobacco, desil):
        self.ids, self.weights, self.sources, self.budgets, self.inst = (
            ids,
            weights,
            sources,
            budgets,
            inst,
        )
        self.tobacco, self.desil = tobacco, desil


def build(scenario: Scenario, calc: CostCalculator | None = None) -> Built:
    """Vectorised eligibility and pricing (a few distinct profiles are priced once each)."""
    calc = calc or CostCalculator()
    policy = scenario.weight_policy
    sources = list(scenario_sources(scenario))
    rows = list(
        candidate_memberships(scenario)
        .order_by("pk")
        .values_list(
            "pk",
            "village_id",
            "declared_income",
            "with_jht",
            "worker__sector_id",
            "worker__sector__code",
            "worker__sector__priority",
            "worker__poverty_desil",
            "worker__birth_date",
            "worker_id",
        )
    )
    n = len(rows)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    villages = sorted({r[1] for r in rows})
    vindex = {v: k for k, v in enumerate(villages)}
    vill = np.fromiter((vindex[r[1]] for r in rows), dtype=np.int64, count=n)
    sector = np.fromiter((r[4] for r in rows), dtype=np.int64, count=n)
    desil = np.fromiter(((r[7] or 0) for r in rows), dtype=np.int64, count=n)
    sector_info = {r[4]: (r[5], r[6]) for r in rows}
    # Weight depends on (sector, desil) only.
    wcache: dict[tuple[int, int], int] = {}
    weights = np.empty(n, dtype=np.int64)
    for i, r in enumerate(rows):
        key = (r[4], r[7] or 0)
        if key not in wcache:
            code, prio = sector_info[r[4]]
            wcache[key] = weight_of(policy, code, prio, r[7])
        weights[i] = wcache[key]
    # Price profile: (income, jht, transport); usually a handful of distinct values.
    profiles: dict[tuple, int] = {}
    prof = np.empty(n, dtype=np.int64)
    for i, r in enumerate(rows):
        key = (r[2], r[3], calc.is_transport(r[5]))
        prof[i] = profiles.setdefault(key, len(profiles))
    profile_keys = list(profiles)

    budgets = []
    pc, ps, pk = [], [], []
    for s_index, src in enumerate(sources):
        budgets.append(effective_budget(src, scenario))
        if owner_problems(src.source_type, src.owner_area):
            continue  # e.g. a "Dana Desa" line recorded for a kelurahan funds nobody
        targets = [a.code for a in src.eligible_areas.all()] or [src.owner_area_id]

        def inside(v: str, targets=targets) -> bool:
            return any(v == t or v.startswith(t + ".") for t in targets)

        ok_v = np.asarray([inside(v) for v in villages], dtype=bool)
        if not villages:
            continue
        mask = ok_v[vill] & rule_mask(src, rows, villages, vill, sector)
        sectors = [s.pk for s in src.eligible_sectors.all()]
        if sectors:
            mask &= np.isin(sector, sectors)
        if src.max_poverty_desil is not None:
            mask &= (desil >= 1) & (desil <= src.max_poverty_desil)
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            continue
        table = np.asarray(
            [
                calc.cost(
                    income,
                    src.start_month,
                    src.months,
                    with_jht=jht,
                    funding_type=src.source_type,
                    transport=transport,
                )
                for income, jht, transport in profile_keys
            ],
            dtype=np.int64,
        )
        pc.append(idx)
        ps.append(np.full(idx.size, s_index, dtype=np.int64))
        pk.append(table[prof[idx]])
    empty = np.zeros(0, dtype=np.int64)
    inst = optimiser.Instance(
        weights,
        np.asarray(budgets, dtype=np.int64),
        np.concatenate(pc) if pc else empty,
        np.concatenate(ps) if ps else empty,
        np.concatenate(pk) if pk else empty,
    )
    tobacco_codes = set(policy.tobacco_sector_codes or [])
    tobacco = np.fromiter((r[5] in tobacco_codes for r in rows), dtype=bool, count=n)
    return Built(ids, weights, sources, budgets, inst, tobacco, desil)


STALE_AFTER = jobqueue.STALE_AFTER  # seconds without progress before a scenario run is dead
WAITING = (JobStatus.QUEUED,)
RUNNING = (JobStatus.RUNNING,)


def _progress(scenario_id: int, pct: int, message: str) -> None:
    Scenario.objects.filter(pk=scenario_id).update(
        progress=pct, progress_message=message[:255], progress_at=timezone.now()
    )


def recover_stale(now: dt.datetime | None = None, *, waiting: bool | None = None) -> int:
    """Mark scenarios whose run died (no progress for STALE_AFTER) as failed.

    Waiting scenarios queued for longer than that are failed too when `waiting` is true; by
    default only when no `run_jobs` worker is alive (with a worker, they are simply queued
    behind other jobs and will run). A run stores its result in one transaction at the end,
    so a dead run left nothing behind.
    """
    now = now or timezone.now()
    if waiting is None:
        waiting = not jobqueue.worker_alive()
    cutoff = now - dt.timedelta(seconds=STALE_AFTER)
    dead = Q(status__in=RUNNING) & (
        Q(progress_at__lt=cutoff) | Q(progress_at__isnull=True, created_at__lt=cutoff)
    )
    if waiting:
        dead |= Q(status__in=WAITING, created_at__lt=cutoff)
    return Scenario.objects.filter(dead).update(
        status=JobStatus.FAILED,
        error=_("Perhitungan terhenti di tengah jalan; hasil tidak tersimpan. Buat skenario lagi."),
        finished_at=now,
    )


def run(scenario_id: int) -> Scenario:
    """Solve a scenario and store its result; progress is written to the row as it goes."""
    Scenario.objects.filter(pk=scenario_id).update(
        status=JobStatus.RUNNING, error="", progress_at=timezone.now()
    )
    return _solve(scenario_id)


def process(scenario_id: int) -> Scenario | None:
    """The queue's entry point: run a waiting scenario, or nothing when someone else has it."""
    claimed = Scenario.objects.filter(pk=scenario_id, status__in=WAITING).update(
        status=JobStatus.RUNNING, error="", progress_at=timezone.now()
    )
    return _solve(scenario_id) if claimed else None


def _solve(scenario_id: int) -> Scenario:
    scenario = Scenario.objects.select_related("weight_policy").get(pk=scenario_id)
    try:
        t0 = time.perf_counter()
        _progress(scenario_id, 2, _("Membaca kandidat dan sumber dana"))
        built = build(scenario)
        t_build = time.perf_counter() - t0
        inst = built.inst

        def report(pct: int, msg: str) -> None:
            _progress(scenario_id, 10 + int(pct * 0.6), msg)

        result = optimiser.solve(inst, progress=report)
        _progress(scenario_id, 72, _("Menghitung pembanding (greedy)"))
        base = optimiser.greedy(inst)
        reasons, cutoff = optimiser.explain(inst, result.assign)
        _progress(scenario_id, 80, _("Menyimpan hasil"))
        with transaction.atomic():
            scenario.candidates.all().delete()
            scenario.sources.all().delete()
            _store(scenario, built, result, base, reasons, cutoff)
        summary = _summary(built, result, base, reasons, t_build)
        Scenario.objects.filter(pk=scenario_id).update(
            status=JobStatus.DONE,
            progress=100,
            progress_message=_("Selesai"),
            summary=summary,
            finished_at=timezone.now(),
        )
    except Exception as exc:  # the user must see a failed run, not a stuck bar
        Scenario.objects.filter(pk=scenario_id).update(
            status=JobStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        if getattr(settings, "LINDUNG_FUNDING_RAISE", False):
            raise
    scenario.refresh_from_db()
    return scenario


def _store(scenario, built: Built, result, base, reasons, cutoff) -> None:
    inst = built.inst
    src_ids = [s.pk for s in built.sources]
    used = np.zeros(inst.m, dtype=np.int64)
    funded = np.zeros(inst.m, dtype=np.int64)
    gused = np.zeros(inst.m, dtype=np.int64)
    gfunded = np.zeros(inst.m, dtype=np.int64)
    cost = np.zeros(inst.n, dtype=np.int64)
    min_cost = np.zeros(inst.n, dtype=np.int64)
    counts = np.diff(inst.offsets)
    for i in range(inst.n):
        lo, hi = inst.offsets[i], inst.offsets[i + 1]
        if lo == hi:
            continue
        srcs, costs = inst.pair_src[lo:hi], inst.pair_cost[lo:hi]
        min_cost[i] = costs.min()
        a = result.assign[i]
        if a >= 0:
            c = int(costs[np.flatnonzero(srcs == a)[0]])
            cost[i] = c
            used[a] += c
            funded[a] += 1
        g = base.assign[i]
        if g >= 0:
            gused[g] += int(costs[np.flatnonzero(srcs == g)[0]])
            gfunded[g] += 1
    ScenarioSource.objects.bulk_create(
        [
            ScenarioSource(
                scenario=scenario,
                source_id=src_ids[s],
                budget=int(built.budgets[s]),
                used=int(used[s]),
                funded=int(funded[s]),
                greedy_used=int(gused[s]),
                greedy_funded=int(gfunded[s]),
                cutoff_weight=int(cutoff[s]) if cutoff[s] >= 0 else None,
            )
            for s in range(inst.m)
        ]
    )
    batch: list[ScenarioCandidate] = []
    for i in range(inst.n):
        a, g = int(result.assign[i]), int(base.assign[i])
        batch.append(
            ScenarioCandidate(
                scenario=scenario,
                membership_id=int(built.ids[i]),
                source_id=src_ids[a] if a >= 0 else None,
                greedy_source_id=src_ids[g] if g >= 0 else None,
                weight=int(built.weights[i]),
                cost=int(cost[i] if a >= 0 else min_cost[i]),
                reason=REASON_BY_CODE[int(reasons[i])],
                eligible_count=min(int(counts[i]), 32767),
            )
        )
        if len(batch) >= 5000:
            ScenarioCandidate.objects.bulk_create(batch)
            batch = []
    if batch:
        ScenarioCandidate.objects.bulk_create(batch)


def _summary(built: Built, result, base, reasons, t_build: float) -> dict:
    inst = built.inst
    funded = result.assign >= 0
    by_reason = {
        REASON_BY_CODE[code].value: int((reasons == code).sum()) for code in REASON_BY_CODE
    }
    return {
        "candidates": int(inst.n),
        "funded": int(funded.sum()),
        "greedy_funded": int((base.assign >= 0).sum()),
        "objective": int(result.objective),
        "greedy_objective": int(base.objective),
        "upper_bound": float(result.upper_bound or 0),
        "gap_percent": round(100 * (result.gap or 0), 4),
        "method": result.method,
        "classes": int(result.classes),
        "solve_seconds": round(result.seconds, 3),
        "greedy_seconds": round(base.seconds, 3),
        "build_seconds": round(t_build, 3),
        "budget": int(sum(built.budgets)),
        "by_reason": by_reason,
        "tiers": tiers(built.tobacco, built.desil, funded),
    }


def tiers(tobacco: np.ndarray, desil: np.ndarray, funded: np.ndarray) -> list[dict]:
    """Funded/total per priority tier: tobacco sectors, then desil bands (0 = unknown)."""
    groups = [
        (_("Petani/buruh tembakau"), tobacco),
        (_("Desil 1–2"), (~tobacco) & (desil >= 1) & (desil <= 2)),
        (_("Desil 3–4"), (~tobacco) & (desil >= 3) & (desil <= 4)),
        (_("Desil 5–10"), (~tobacco) & (desil >= 5)),
        (_("Desil tidak diketahui"), (~tobacco) & (desil == 0)),
    ]
    return [
        {"label": label, "total": int(mask.sum()), "funded": int((mask & funded).sum())}
        for label, mask in groups
    ]


def start(scenario: Scenario) -> None:
    """Queue the run (core.jobqueue: Redis, a live `run_jobs` worker, or a web thread) once
    the scenario's row is committed; inline when LINDUNG_FUNDING_SYNC is set (tests)."""
    if getattr(settings, "LINDUNG_FUNDING_SYNC", False):
        run(scenario.pk)
        return
    transaction.on_commit(lambda: jobqueue.launch(KIND, scenario.pk))


def waiting() -> list:
    return list(Scenario.objects.filter(status__in=WAITING).values_list("created_at", "pk"))


KIND = "scenarios"
JOB_KIND = jobqueue.Kind(
    name=KIND,
    process=lambda scenario_id: process(scenario_id),
    waiting=waiting,
    recover=lambda waiting: recover_stale(waiting=waiting),
    describe=lambda sc: f"Skenario #{sc.pk}: {sc.get_status_display()}",
    stale_message="{n} skenario alokasi terhenti ditandai gagal.",
)


def compare(scenarios: list[Scenario]) -> dict:
    """Side-by-side figures and, against the first scenario, who moves in or out."""
    base = scenarios[0]
    base_in = set(
        base.candidates.filter(reason=Reason.DIDANAI).values_list("membership_id", flat=True)
    )
    columns = []
    for sc in scenarios:
        funded = set(
            sc.candidates.filter(reason=Reason.DIDANAI).values_list("membership_id", flat=True)
        )
        by_type: dict[str, dict] = {}
        for row in sc.sources.select_related("source"):
            t = by_type.setdefault(
                row.source.get_source_type_display(), {"budget": 0, "used": 0, "funded": 0}
            )
            t["budget"] += row.budget
            t["used"] += row.used
            t["funded"] += row.funded
        columns.append(
            {
                "scenario": sc,
                "summary": sc.summary,
                "by_type": by_type,
                "gained": len(funded - base_in),
                "lost": len(base_in - funded),
            }
        )
    types = sorted({t for c in columns for t in c["by_type"]})
    return {"columns": columns, "types": types}


def apply(scenario: Scenario, *, by, user_sources) -> int:
    """Commit the scenario's funded candidates, source by source (each all-or-nothing)."""
    total = 0
    for row in scenario.sources.select_related("source").filter(funded__gt=0):
        if row.source_id not in user_sources:
            continue
        ids = scenario.candidates.filter(source_id=row.source_id).values_list(
            "membership_id", flat=True
        )
        members = list(
            candidate_memberships(scenario)
            .filter(pk__in=list(ids))
            .select_related("worker__sector", "village")
        )
        if members:
            total += len(
                commit_many(
                    members,
                    row.source,
                    by=by,
                    note=_("Dari skenario «%(n)s»") % {"n": scenario.name},
                )
            )
    return total

"""Who is funded by which source when budgets do not cover everyone (pure; numpy + HiGHS).

The problem is a generalized assignment / multiple-knapsack problem:

    maximise   sum_i sum_s w_i x_is
    subject to sum_s x_is <= 1                 for every candidate i
               sum_i c_is x_is <= B_s          for every source s
               x_is in {0, 1}, only for eligible pairs (i, s)

Candidates with the same weight, eligible sources and costs are interchangeable, so we solve it
over *classes* (integer counts y_ks <= n_k). Real data has few classes (village x priority tier x
income bracket), which makes 300k candidates a small model. Three solvers:

- ``solve(..., exact=True)``: the class model as a MIP in HiGHS (optimal up to ``mip_gap``).
- ``solve(...)`` (default): the class LP, rounded down, then topped up greedily with what each
  budget has left. A basic LP solution has at most (#sources) fractional classes, so rounding
  loses little; the LP value is an upper bound, so the reported gap is certified.
- ``greedy(...)``: baseline; highest weight first, each to the eligible source with the most
  budget left.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

Progress = Callable[[int, str], None]

# Reason codes returned by explain(); the Django layer maps them to Reason choices.
FUNDED, NOT_ELIGIBLE, BELOW_CUTOFF, BUDGET_EXHAUSTED = 0, 1, 2, 3


@dataclass
class Instance:
    """Eligible (candidate, source, cost) pairs as flat arrays; costs and budgets in rupiah."""

    weights: np.ndarray  # (n,) int64
    budgets: np.ndarray  # (m,) int64
    pair_cand: np.ndarray  # (P,) int64
    pair_src: np.ndarray  # (P,) int64
    pair_cost: np.ndarray  # (P,) int64

    def __post_init__(self) -> None:
        self.weights = np.asarray(self.weights, dtype=np.int64)
        self.budgets = np.asarray(self.budgets, dtype=np.int64)
        cand = np.asarray(self.pair_cand, dtype=np.int64)
        src = np.asarray(self.pair_src, dtype=np.int64)
        cost = np.asarray(self.pair_cost, dtype=np.int64)
        order = np.lexsort((src, cand))
        self.pair_cand, self.pair_src, self.pair_cost = cand[order], src[order], cost[order]
        # offsets[i]:offsets[i+1] are candidate i's pairs
        self.offsets = np.searchsorted(self.pair_cand, np.arange(self.n + 1), side="left")

    @property
    def n(self) -> int:
        return len(self.weights)

    @property
    def m(self) -> int:
        return len(self.budgets)

    def pairs_of(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = self.offsets[i], self.offsets[i + 1]
        return self.pair_src[lo:hi], self.pair_cost[lo:hi]


@dataclass
class Result:
    assign: np.ndarray  # (n,) source index or -1
    objective: int
    upper_bound: float | None
    method: str
    seconds: float
    classes: int = 0
    stats: dict = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        if self.upper_bound is None or self.upper_bound <= 0:
            return None
        return max(0.0, (self.upper_bound - self.objective) / self.upper_bound)


def objective(inst: Instance, assign: np.ndarray) -> int:
    return int(inst.weights[assign >= 0].sum())


def check(inst: Instance, assign: np.ndarray) -> list[str]:
    """Constraint violations of an assignment (empty list = feasible)."""
    problems: list[str] = []
    used = np.zeros(inst.m, dtype=np.int64)
    for i in np.flatnonzero(assign >= 0):
        srcs, costs = inst.pairs_of(int(i))
        hit = np.flatnonzero(srcs == assign[i])
        if len(hit) == 0:
            problems.append(f"candidate {i} not eligible for source {assign[i]}")
            continue
        used[assign[i]] += costs[hit[0]]
    for s in np.flatnonzero(used > inst.budgets):
        problems.append(f"source {s} over budget: {used[s]} > {inst.budgets[s]}")
    return problems


def _cost_of(inst: Instance, i: int, s: int) -> int:
    srcs, costs = inst.pairs_of(i)
    return int(costs[np.flatnonzero(srcs == s)[0]])


def greedy(inst: Instance) -> Result:
    t0 = time.perf_counter()
    remaining = inst.budgets.astype(np.int64).copy()
    assign = np.full(inst.n, -1, dtype=np.int64)
    min_cost = np.full(inst.n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(min_cost, inst.pair_cand, inst.pair_cost)
    order = np.lexsort((min_cost, -inst.weights))
    offsets, psrc, pcost = inst.offsets, inst.pair_src, inst.pair_cost
    for i in order:
        lo, hi = offsets[i], offsets[i + 1]
        if lo == hi:
            continue
        srcs, costs = psrc[lo:hi], pcost[lo:hi]
        rem = remaining[srcs]
        ok = rem >= costs
        if not ok.any():
            continue
        k = int(np.argmax(np.where(ok, rem, -1)))
        remaining[srcs[k]] -= costs[k]
        assign[i] = srcs[k]
    return Result(assign, objective(inst, assign), None, "greedy", time.perf_counter() - t0)


@dataclass
class _Classes:
    members: list[np.ndarray]  # candidate indices per class
    weight: np.ndarray  # (K,)
    col_class: np.ndarray  # (C,) class of each class-source column
    col_src: np.ndarray  # (C,)
    col_cost: np.ndarray  # (C,)


def _classes(inst: Instance) -> _Classes:
    """Group interchangeable candidates: same weight and same (source, cost) list.

    Each candidate becomes one padded row [weight, src_1, cost_1, ..., src_k, cost_k]; an exact
    np.unique over the rows groups them without a Python loop per candidate.
    """
    counts = np.diff(inst.offsets)
    has = np.flatnonzero(counts > 0)
    empty = np.zeros(0, dtype=np.int64)
    if has.size == 0:
        return _Classes([], empty, empty, empty, empty)
    k = int(counts.max())
    rows = np.full((inst.n, 1 + 2 * k), -1, dtype=np.int64)
    rows[:, 0] = inst.weights
    pos = np.arange(len(inst.pair_cand)) - inst.offsets[inst.pair_cand]
    rows[inst.pair_cand, 1 + 2 * pos] = inst.pair_src
    rows[inst.pair_cand, 2 + 2 * pos] = inst.pair_cost
    sub = rows[has]
    order = np.lexsort(sub.T[::-1])
    ordered = sub[order]
    starts = np.flatnonzero(np.r_[True, (ordered[1:] != ordered[:-1]).any(axis=1)])
    uniq = ordered[starts]
    bounds = np.r_[starts, len(order)]
    members = [has[order[bounds[c] : bounds[c + 1]]] for c in range(len(uniq))]
    weight = uniq[:, 0].copy()
    srcs = uniq[:, 1::2]
    costs = uniq[:, 2::2]
    valid = srcs >= 0
    col_class = np.repeat(np.arange(len(uniq)), valid.sum(axis=1))
    return _Classes(members, weight, col_class, srcs[valid], costs[valid])


def _solve_class_model(
    inst: Instance, cl: _Classes, *, integer: bool, time_limit: float, mip_gap: float
) -> tuple[np.ndarray, float]:
    """y per class-source column and the solver's upper bound on the objective."""
    import highspy

    ncol, nclass, m = len(cl.col_src), len(cl.members), inst.m
    sizes = np.asarray([len(g) for g in cl.members], dtype=np.float64)
    # Column j has two entries: its class row (j's class) and its source row (nclass + source).
    lp = highspy.HighsLp()
    lp.num_col_ = ncol
    lp.num_row_ = nclass + m
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = cl.weight[cl.col_class].astype(np.float64)
    lp.col_lower_ = np.zeros(ncol)
    lp.col_upper_ = sizes[cl.col_class]
    lp.row_lower_ = np.full(nclass + m, -highspy.kHighsInf)
    lp.row_upper_ = np.concatenate([sizes, inst.budgets.astype(np.float64)])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = ncol
    lp.a_matrix_.num_row_ = nclass + m
    lp.a_matrix_.start_ = np.arange(0, 2 * ncol + 1, 2, dtype=np.int32)
    idx = np.empty(2 * ncol, dtype=np.int32)
    idx[0::2] = cl.col_class
    idx[1::2] = nclass + cl.col_src
    val = np.empty(2 * ncol, dtype=np.float64)
    val[0::2] = 1.0
    val[1::2] = cl.col_cost
    lp.a_matrix_.index_ = idx
    lp.a_matrix_.value_ = val
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * ncol
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    if integer:
        h.setOptionValue("mip_rel_gap", float(mip_gap))
    h.passModel(lp)
    h.run()
    info = h.getInfo()
    y = np.asarray(h.getSolution().col_value, dtype=np.float64)
    bound = float(info.mip_dual_bound) if integer else float(info.objective_function_value)
    if y.size != ncol:  # solver gave no solution (time limit before first incumbent)
        y = np.zeros(ncol)
    return y, bound


def _fill(inst: Instance, assign: np.ndarray, remaining: np.ndarray) -> None:
    """Give leftover budget to unfunded candidates, highest weight first (makes it maximal)."""
    unfunded = np.flatnonzero(assign < 0)
    if unfunded.size == 0:
        return
    order = unfunded[np.argsort(-inst.weights[unfunded], kind="stable")]
    offsets, psrc, pcost = inst.offsets, inst.pair_src, inst.pair_cost
    for i in order:
        lo, hi = offsets[i], offsets[i + 1]
        if lo == hi:
            continue
        srcs, costs = psrc[lo:hi], pcost[lo:hi]
        ok = remaining[srcs] >= costs
        if ok.any():
            k = int(np.flatnonzero(ok)[np.argmin(costs[ok])])
            remaining[srcs[k]] -= costs[k]
            assign[i] = srcs[k]


def solve(
    inst: Instance,
    *,
    exact: bool = False,
    time_limit: float = 60.0,
    mip_gap: float = 1e-6,
    progress: Progress | None = None,
) -> Result:
    t0 = time.perf_counter()
    report = progress or (lambda pct, msg: None)
    report(5, "Mengelompokkan kandidat")
    cl = _classes(inst)
    t_classes = time.perf_counter() - t0
    assign = np.full(inst.n, -1, dtype=np.int64)
    remaining = inst.budgets.astype(np.int64).copy()
    bound: float | None = 0.0
    if len(cl.col_src):
        report(25, f"Menyelesaikan model ({len(cl.members)} kelompok, {len(cl.col_src)} kolom)")
        y, bound = _solve_class_model(
            inst, cl, integer=exact, time_limit=time_limit, mip_gap=mip_gap
        )
        report(70, "Membagi hasil ke kandidat")
        counts = np.floor(y + 1e-6).astype(np.int64)
        # Rounding must never break a budget: drop units from over-used sources if needed.
        used = np.bincount(cl.col_src, weights=counts * cl.col_cost, minlength=inst.m)
        for s in np.flatnonzero(used > inst.budgets):
            cols = np.flatnonzero((cl.col_src == s) & (counts > 0))
            cols = cols[np.argsort(cl.weight[cl.col_class[cols]] / cl.col_cost[cols])]
            for j in cols:
                while counts[j] > 0 and used[s] > inst.budgets[s]:
                    counts[j] -= 1
                    used[s] -= cl.col_cost[j]
        cursor = np.zeros(len(cl.members), dtype=np.int64)
        for j in np.flatnonzero(counts > 0):
            k, s = cl.col_class[j], cl.col_src[j]
            g = cl.members[k]
            take = min(int(counts[j]), len(g) - int(cursor[k]))
            if take <= 0:
                continue
            chosen = g[cursor[k] : cursor[k] + take]
            assign[chosen] = s
            cursor[k] += take
            remaining[s] -= take * int(cl.col_cost[j])
    report(85, "Mengisi sisa anggaran")
    _fill(inst, assign, remaining)
    obj = objective(inst, assign)
    seconds = time.perf_counter() - t0
    return Result(
        assign,
        obj,
        max(bound, float(obj)) if bound is not None else None,
        "mip" if exact else "lp_round",
        seconds,
        classes=len(cl.members),
        stats={"classes_seconds": round(t_classes, 3), "columns": int(len(cl.col_src))},
    )


def brute_force(inst: Instance) -> int:
    """Optimal objective by enumeration; only for tiny instances (tests)."""
    best = 0
    remaining = inst.budgets.astype(np.int64).copy()

    def go(i: int, value: int) -> None:
        nonlocal best
        if i == inst.n:
            best = max(best, value)
            return
        # Optimistic bound: everyone left gets funded.
        if value + int(inst.weights[i:].sum()) <= best:
            return
        srcs, costs = inst.pairs_of(i)
        for s, c in zip(srcs.tolist(), costs.tolist(), strict=True):
            if remaining[s] >= c:
                remaining[s] -= c
                go(i + 1, value + int(inst.weights[i]))
                remaining[s] += c
        go(i + 1, value)

    go(0, 0)
    return best


def explain(inst: Instance, assign: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Reason code per candidate and the cut-off weight per source (-1 = funded nobody).

    Cut-off of a source = the lowest weight it funds. An unfunded candidate whose every eligible
    source has a cut-off above their weight is BELOW_CUTOFF; otherwise the budgets they could
    use are simply spent (BUDGET_EXHAUSTED), e.g. on cheaper people of equal priority.
    """
    cutoff = np.full(inst.m, np.iinfo(np.int64).max, dtype=np.int64)
    funded = assign >= 0
    np.minimum.at(cutoff, assign[funded], inst.weights[funded])
    reasons = np.full(inst.n, BUDGET_EXHAUSTED, dtype=np.int8)
    reasons[funded] = FUNDED
    counts = np.diff(inst.offsets)
    reasons[(~funded) & (counts == 0)] = NOT_ELIGIBLE
    # For each pair: is the candidate's weight below its source's cut-off (and the source used)?
    has_cut = cutoff[inst.pair_src] != np.iinfo(np.int64).max
    below = has_cut & (inst.weights[inst.pair_cand] < cutoff[inst.pair_src])
    not_below = np.bincount(inst.pair_cand, weights=~below, minlength=inst.n) == 0
    reasons[(~funded) & (counts > 0) & not_below] = BELOW_CUTOFF
    cutoff[cutoff == np.iinfo(np.int64).max] = -1
    return reasons, cutoff

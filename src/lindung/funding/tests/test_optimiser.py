"""The optimiser on random instances: feasibility (hypothesis), optimality against brute force."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.funding import optimiser as opt


@st.composite
def instances(draw, max_n: int = 7, max_m: int = 3):
    n = draw(st.integers(0, max_n))
    m = draw(st.integers(1, max_m))
    weights = draw(st.lists(st.integers(1, 50), min_size=n, max_size=n))
    budgets = draw(st.lists(st.integers(0, 120), min_size=m, max_size=m))
    cand, src, cost = [], [], []
    for i in range(n):
        for s in range(m):
            if draw(st.booleans()):
                cand.append(i)
                src.append(s)
                cost.append(draw(st.integers(1, 60)))
    return opt.Instance(weights, budgets, cand, src, cost)


def _assert_feasible(inst, assign):
    assert assign.shape == (inst.n,)
    assert opt.check(inst, assign) == []


@settings(max_examples=150, deadline=None)
@given(instances(max_n=12, max_m=4))
def test_every_solver_respects_budgets_eligibility_and_one_source(inst):
    for result in (opt.solve(inst), opt.solve(inst, exact=True), opt.greedy(inst)):
        _assert_feasible(inst, result.assign)
        assert result.objective == int(inst.weights[result.assign >= 0].sum())


@settings(max_examples=150, deadline=None)
@given(instances())
def test_exact_matches_brute_force_and_lp_bound_is_valid(inst):
    best = opt.brute_force(inst)
    exact = opt.solve(inst, exact=True)
    assert exact.objective == best
    lp = opt.solve(inst)
    assert lp.objective <= best <= lp.upper_bound + 1e-6
    assert opt.greedy(inst).objective <= best


@settings(max_examples=100, deadline=None)
@given(instances(max_n=12, max_m=4))
def test_result_is_maximal_and_explained(inst):
    result = opt.solve(inst)
    reasons, cutoff = opt.explain(inst, result.assign)
    remaining = inst.budgets.copy()
    for i in np.flatnonzero(result.assign >= 0):
        srcs, costs = inst.pairs_of(int(i))
        remaining[result.assign[i]] -= costs[srcs == result.assign[i]][0]
    for i in range(inst.n):
        srcs, costs = inst.pairs_of(i)
        if result.assign[i] >= 0:
            assert reasons[i] == opt.FUNDED
            assert cutoff[result.assign[i]] <= inst.weights[i]
        elif len(srcs) == 0:
            assert reasons[i] == opt.NOT_ELIGIBLE
        else:
            # Nobody left out could still be paid for by an eligible source.
            assert (remaining[srcs] < costs).all()
            below = all(cutoff[s] >= 0 and inst.weights[i] < cutoff[s] for s in srcs)
            assert reasons[i] == (opt.BELOW_CUTOFF if below else opt.BUDGET_EXHAUSTED)


def test_optimiser_beats_greedy_when_restricted_budget_matters():
    # Greedy gives the tobacco farmer the big APBD budget first and then cannot use DBHCHT
    # for anyone else; the optimiser puts the farmer on DBHCHT and funds the labourer too.
    inst = opt.Instance(
        weights=[100, 10],
        budgets=[10, 11],  # source 0 = DBHCHT (tobacco only), 1 = APBD
        pair_cand=[0, 0, 1],
        pair_src=[0, 1, 1],
        pair_cost=[10, 10, 10],
    )
    assert opt.greedy(inst).objective == 100
    result = opt.solve(inst)
    assert result.objective == 110
    assert list(result.assign) == [0, 1]


def test_lp_rounding_gap_small_on_medium_random_instances():
    # Every candidate its own class (the hard case for the class model): rounding the LP down
    # loses at most one candidate per source, so the loss is bounded by m * max weight.
    rng = np.random.default_rng(3)
    gaps = []
    for _ in range(4):
        n, m = 60, 5
        cand, src, cost = [], [], []
        for i in range(n):
            for s in rng.choice(m, size=rng.integers(1, 4), replace=False):
                cand.append(i)
                src.append(int(s))
                cost.append(int(rng.choice([16800, 21800, 26800])) * 6)
        weights = rng.integers(1, 11, n) * 100
        inst = opt.Instance(weights, rng.integers(3, 8, m) * 16800 * 6, cand, src, cost)
        exact = opt.solve(inst, exact=True, mip_gap=0, time_limit=30)
        lp = opt.solve(inst)
        assert lp.objective <= exact.objective <= lp.upper_bound + 1e-6
        assert exact.objective - lp.objective <= m * weights.max()
        gaps.append((exact.objective - lp.objective) / exact.objective)
    assert max(gaps) < 0.1

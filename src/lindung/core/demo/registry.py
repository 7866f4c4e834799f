"""Demo steps contributed by other apps (claims, outreach, funding, coverage, …).

An app registers its step in AppConfig.ready():

    from lindung.core.demo import registry
    registry.register("claims", make_demo_claims, order=40)

`fn(rng, context)` runs after workers and memberships exist, inside the demo's transaction.
It gets its own `random.Random` seeded from the demo seed and the step name, so adding a step
never changes what the others generate. It may return a short Indonesian summary line
("12 klaim JKM") that the command prints. Context keys:

- `seed` (int), `today` (datetime.date: the demo's "today", normally date.today())
- `users`: dict role -> demo User (accounts.models.Role values as keys)
- `workers_created` (int), `worker_ids` (list[int]), `membership_ids` (list[int])
- `workers`, `memberships`: querysets of exactly the rows this run created. Prefer them to
  `pk__in=worker_ids`: with 100,000 ids an IN list is slow and may exceed parameter limits.
- `villages` (list of village codes used), `regency` ("52.03")
Steps may add keys for steps that run after them (higher `order`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from lindung.core.dbstats import analyze

DemoStep = Callable[[random.Random, dict], "str | None"]


@dataclass(frozen=True)
class Registered:
    name: str
    fn: DemoStep
    order: int


_STEPS: dict[str, Registered] = {}


def register(name: str, fn: DemoStep, order: int = 50) -> DemoStep:
    """Add (or replace, so a repeated ready() is harmless) the step called `name`."""
    if not name:
        raise ValueError("a demo step needs a name")
    _STEPS[name] = Registered(name, fn, order)
    return fn


def unregister(name: str) -> None:
    _STEPS.pop(name, None)


def steps() -> list[Registered]:
    """Registered steps, lowest order first; ties by name so the order never depends on
    which app happened to load first."""
    return sorted(_STEPS.values(), key=lambda s: (s.order, s.name))


def step_rng(seed: int, name: str) -> random.Random:
    return random.Random(f"{seed}:{name}")


def run_steps(
    context: dict,
    report: Callable[[str], None] | None = None,
    skip: set[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[str]:
    """Run every registered step (except those in `skip`) in order; returns their summaries."""
    summaries = []
    chosen = [step for step in steps() if not (skip and step.name in skip)]
    for done, step in enumerate(chosen):
        if progress:
            progress(f"langkah demo ({step.name})", done, len(chosen))
        summary = step.fn(step_rng(context["seed"], step.name), context)
        analyze()  # the next step plans its queries over the rows this one bulk-inserted
        if summary:
            summaries.append(f"{step.name}: {summary}")
            if report:
                report(summaries[-1])
    if progress and chosen:
        progress(f"langkah demo ({chosen[-1].name})", len(chosen), len(chosen))
    return summaries

"""Where the import reads its numbers from: age bounds and the income floor.

The owning apps hold these numbers (workers.EligibilityRule, enrollment.tariffs). When they
have no row for the day, the import's own versioned `ImportRule` table is used, so no number
is ever a literal here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Bounds:
    min_age: int | None
    max_age: int | None
    source: str
    income_floor: int | None
    income_source: str


def _eligibility_bounds(day: dt.date) -> tuple[int | None, int | None, str] | None:
    from lindung.workers import models as worker_models

    rule_model = getattr(worker_models, "EligibilityRule", None)
    if rule_model is None:
        return None
    from django.db.models import Q

    rule = (
        rule_model.objects.filter(funding_type="", effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .order_by("-effective_from")
        .first()
    )
    if rule is None:
        return None
    return rule.min_age, rule.max_age, str(rule.source)[:120]


def _tariff_floor(day: dt.date) -> tuple[int, str] | None:
    try:
        from lindung.enrollment import tariffs
    except ImportError:
        return None
    try:
        tables = tariffs.load_tables()
        rates = [r for r in tables.rates if r.covers(day) and r.brackets]
    except Exception:  # table not migrated yet on this database
        return None
    if not rates:
        return None
    current = max(rates, key=lambda r: r.effective_from)
    return current.brackets[0].nominal_income, current.regulation


def current_bounds(day: dt.date | None = None) -> Bounds:
    from .models import ImportRule

    day = day or dt.date.today()
    own = ImportRule.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    ages = _eligibility_bounds(day)
    if ages is None:
        ages = (own.min_age, own.max_age, own.regulation) if own else (None, None, "")
    floor = _tariff_floor(day)
    if floor is None:
        floor = (own.income_floor, own.regulation) if own else (None, "")
    return Bounds(ages[0], ages[1], ages[2], floor[0], floor[1])

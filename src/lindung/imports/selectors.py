"""Which possible duplicates a user sees, and how each pair compares field by field."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from lindung.accounts.scoping import area_q
from lindung.national import model
from lindung.workers.models import Worker

from .models import PossibleDuplicate

STRENGTH_BADGE = {"kuat": "ok", "sedang": "ok", "lemah": "warn", "berlawanan": "err"}
STRENGTH_LABEL = {
    "kuat": "cocok kuat",
    "sedang": "cocok sedang",
    "lemah": "cocok lemah",
    "berlawanan": "menandakan orang berbeda",
    "": "tidak dapat dibandingkan",
}


def pairs_for(user) -> QuerySet[PossibleDuplicate]:
    """Pairs with either person in the user's area: a pair across two regencies goes to the
    officers of both."""
    qs = PossibleDuplicate.objects.select_related(
        "worker", "match", "worker__village", "match__village"
    )
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    code = user.scope_code
    if code == "":
        return qs
    if not code:
        return qs.none()
    return qs.filter(area_q("worker__village", code) | area_q("match__village", code))


@dataclass(frozen=True)
class Row:
    field: str
    result: str
    strength: str
    badge: str
    weight: float


def _record(worker: Worker) -> dict:
    return model.prepare(
        {
            "unique_id": worker.pk,
            "regency": worker.village_id[:5],
            "nik": worker.nik,
            "name": worker.name,
            "birth_date": worker.birth_date,
            "sex": worker.sex,
        }
    )


def comparison(pair: PossibleDuplicate) -> tuple[list[Row], float | None]:
    """Per compared field: the level the pair falls in, how strongly it speaks for one person
    (or against), and the model's probability."""
    if pair.worker_id != pair.match_id:
        score = model.score_pair(
            _record(pair.worker), _record(pair.match), n_records=Worker.objects.count()
        )
        rows = [
            Row(
                a.label,
                a.level_label,
                STRENGTH_LABEL[a.strength],
                STRENGTH_BADGE.get(a.strength, ""),
                a.weight,
            )  # fmt: skip
            for a in score.agreements
        ]
        return rows, pair.probability if pair.probability is not None else score.probability
    # Merged: both sides are the kept person now; show what was stored at proposal time.
    levels = model.levels_by_key()
    rows = []
    for key in (pair.levels or {}).values():
        if key in levels:
            comp, level = levels[key]
            rows.append(Row(comp.label, level.label, STRENGTH_LABEL[level.strength],
                            STRENGTH_BADGE.get(level.strength, ""), level.weight))  # fmt: skip
    return rows, pair.probability

"""Registry-wide search for possible duplicates with the matching model (lindung.national.model):
one regency across all its villages (nightly and on demand), or the whole registry across
regencies. New pairs go to the review queue; pairs already proposed or decided ("different
people" included) are never proposed again."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from lindung.national import model
from lindung.workers.models import Worker

from .dedup import nik_distance, similarity
from .models import PossibleDuplicate
from .review import decided_pairs

FLAG = "possible_duplicate"


@dataclass(frozen=True)
class RunResult:
    records: int
    pairs: int  # scored at or above the threshold
    created: int  # new in the review queue


def _records(area_code: str) -> list[dict]:
    qs = Worker.objects.all()
    if area_code:
        qs = qs.filter(village__code__startswith=area_code + ".")
    rows = qs.values_list("id", "nik", "name", "birth_date", "sex", "village_id")
    return [
        {
            "unique_id": str(pk),
            "regency": village[:5],
            "nik": nik,
            "name": name,
            "birth_date": born,
            "sex": sex,
            "village": village,
        }  # fmt: skip
        for pk, nik, name, born, sex, village in rows.iterator(chunk_size=20000)
    ]


def find_duplicates(area_code: str = "", *, threshold: float = model.THRESHOLD,
                    db_api=None) -> RunResult:  # fmt: skip
    """Score the registry of `area_code` (a regency code such as "52.03"; "" = everything,
    across regencies) and queue the new pairs."""
    records = _records(area_code)
    if len(records) < 2:
        return RunResult(len(records), 0, 0)
    predictions = model.predict(records, threshold=threshold, db_api=db_api)
    by_id = {int(r["unique_id"]): r for r in records}
    seen = decided_pairs()
    source = PossibleDuplicate.Source.REGENCY if area_code else PossibleDuplicate.Source.NATIONAL
    new, flagged = [], set()
    for p in predictions:
        older, newer = sorted((int(p.left), int(p.right)))
        if (older, newer) in seen:
            continue
        seen.add((older, newer))
        a, b = by_id[newer], by_id[older]
        new.append(
            PossibleDuplicate(
                worker_id=newer,
                match_id=older,
                score=similarity(a["name"], b["name"]),
                nik_distance=nik_distance(a["nik"], b["nik"]),
                probability=p.probability,
                levels=p.levels,
                source=source,
            )
        )
        flagged.add(newer)
    with transaction.atomic():
        PossibleDuplicate.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        for worker in Worker.objects.filter(pk__in=flagged).only("id", "verification_flags"):
            if FLAG not in (worker.verification_flags or []):
                worker.verification_flags = [*(worker.verification_flags or []), FLAG]
                worker.save(update_fields=["verification_flags", "updated_at"])
    return RunResult(len(records), len(predictions), len(new))


def regencies() -> list[str]:
    """Regency codes that hold registered workers."""
    villages = Worker.objects.values_list("village_id", flat=True).distinct()
    return sorted({v[:5] for v in villages.iterator()})

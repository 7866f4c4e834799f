"""Decisions on possible duplicates: merge the new entry into the earlier one, or keep both."""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from lindung.core.formatting import format_date
from lindung.workers.models import Worker
from lindung.workers.nik import mask_nik

from .models import PossibleDuplicate

FILLABLE = ("phone", "address", "monthly_income", "poverty_desil")


class ReviewError(ValueError):
    """The decision cannot be carried out; the message is for the officer."""


def _drop_flag(worker: Worker) -> None:
    still_open = PossibleDuplicate.objects.filter(
        worker=worker, status=PossibleDuplicate.Status.OPEN
    ).exists()
    if not still_open and "possible_duplicate" in (worker.verification_flags or []):
        worker.verification_flags = [
            f for f in worker.verification_flags if f != "possible_duplicate"
        ]
        worker.save(update_fields=["verification_flags", "updated_at"])


@transaction.atomic
def confirm_distinct(pair: PossibleDuplicate, user) -> None:
    if pair.status != PossibleDuplicate.Status.OPEN:
        raise ReviewError("Pasangan ini sudah diputuskan.")
    pair.status = PossibleDuplicate.Status.DISTINCT
    pair.decided_by, pair.decided_at = user, timezone.now()
    pair.save(update_fields=["status", "decided_by", "decided_at"])
    _drop_flag(pair.worker)


@transaction.atomic
def merge_into_match(pair: PossibleDuplicate, user) -> Worker:
    """Keep `pair.match`, copy what it lacks from `pair.worker`, then delete `pair.worker`."""
    if pair.status != PossibleDuplicate.Status.OPEN:
        raise ReviewError("Pasangan ini sudah diputuskan.")
    keep = Worker.objects.select_for_update().get(pk=pair.match_id)
    drop = Worker.objects.select_for_update().get(pk=pair.worker_id)
    changed = []
    for name in FILLABLE:
        if getattr(keep, name) in (None, "") and getattr(drop, name) not in (None, ""):
            setattr(keep, name, getattr(drop, name))
            changed.append(name)
    summary = f"{drop.name}, NIK {mask_nik(drop.nik)}, lahir {format_date(drop.birth_date)}"
    # The decision outlives the deleted entry: it now points at the kept person only.
    PossibleDuplicate.objects.filter(worker=keep, match=keep).exclude(pk=pair.pk).delete()
    pair.worker = pair.match = keep
    pair.status = PossibleDuplicate.Status.MERGED
    pair.decided_by, pair.decided_at = user, timezone.now()
    pair.merged_summary = summary[:255]
    pair.save()
    drop._change_reason = f"digabung ke pekerja #{keep.pk}"
    try:
        drop.delete()
    except ProtectedError as exc:
        raise ReviewError(
            "Data ini sudah dipakai (mis. kepesertaan atau klaim) sehingga tidak dapat digabung "
            "otomatis; perbaiki kepesertaannya dulu."
        ) from exc
    if changed:
        keep._change_reason = f"digabung dari {summary}"
        keep.save(update_fields=[*changed, "updated_at"])
    return keep

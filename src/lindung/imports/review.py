"""Decisions on possible duplicates: "same person" (merge, undoable by an administrator) or
"different people" (remembered: the pair is never proposed again)."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from lindung.accounts.masking import mask_nik
from lindung.core.formatting import format_date
from lindung.enrollment.models import Membership
from lindung.outreach.models import ActivityRegistration
from lindung.workers.models import Worker

from .models import PossibleDuplicate, WorkerMerge

FILLABLE = ("phone", "address", "monthly_income", "poverty_desil")


class ReviewError(ValueError):
    """The decision cannot be carried out; the message is for the officer."""


def _drop_flag(worker: Worker) -> None:
    still_open = PossibleDuplicate.objects.filter(
        Q(worker=worker) | Q(match=worker), status=PossibleDuplicate.Status.OPEN
    ).exists()
    if not still_open and "possible_duplicate" in (worker.verification_flags or []):
        worker.verification_flags = [
            f for f in worker.verification_flags if f != "possible_duplicate"
        ]
        worker.save(update_fields=["verification_flags", "updated_at"])


def decided_pairs(worker_ids: set[int] | None = None) -> set[tuple[int, int]]:
    """Pairs (smaller id, larger id) already proposed or decided: never proposed again."""
    qs = PossibleDuplicate.objects.all()
    if worker_ids is not None:
        qs = qs.filter(worker_id__in=worker_ids)
    return {(min(a, b), max(a, b)) for a, b in qs.values_list("worker_id", "match_id")}


@transaction.atomic
def confirm_distinct(pair: PossibleDuplicate, user) -> None:
    if pair.status != PossibleDuplicate.Status.OPEN:
        raise ReviewError("Pasangan ini sudah diputuskan.")
    pair.status = PossibleDuplicate.Status.DISTINCT
    pair.decided_by, pair.decided_at = user, timezone.now()
    pair.save(update_fields=["status", "decided_by", "decided_at"])
    _drop_flag(pair.worker)
    _drop_flag(pair.match)


def _snapshot(worker: Worker) -> dict:
    """Every column of the worker, as JSON-safe values (dates as ISO text)."""
    data = {f.attname: getattr(worker, f.attname) for f in Worker._meta.concrete_fields}
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@transaction.atomic
def merge_into_match(pair: PossibleDuplicate, user) -> Worker:
    """Keep `pair.match`; move the other entry's memberships (with their payments and claims),
    outreach registration and change history to it, fill what the kept entry lacks, remove the
    other entry, and store what is needed to undo it (WorkerMerge)."""
    if pair.status != PossibleDuplicate.Status.OPEN:
        raise ReviewError("Pasangan ini sudah diputuskan.")
    keep = Worker.objects.select_for_update().get(pk=pair.match_id)
    drop = Worker.objects.select_for_update().get(pk=pair.worker_id)
    summary = f"{drop.name}, NIK {mask_nik(drop.nik)}, lahir {format_date(drop.birth_date)}"
    reason = f"digabung dari pekerja #{drop.pk} ({summary})"[:100]
    record = WorkerMerge(pair=pair, kept=keep, removed_id=drop.pk, merged_by=user)
    record.removed_data = _snapshot(drop)
    registration = ActivityRegistration.objects.filter(worker=drop).first()
    # One activity per worker: when both were registered through one, the kept one's stays
    # and the other is removed with the entry (and recreated on undo).
    removed_registration = None
    if registration and ActivityRegistration.objects.filter(worker=keep).exists():
        removed_registration = {
            "activity_id": registration.activity_id,
            "linked_by_id": registration.linked_by_id,
        }
        registration = None
    memberships = {}
    for membership in Membership.objects.select_for_update().filter(worker=drop):
        memberships[str(membership.pk)] = membership.village_id
        membership.worker, membership.village_id = keep, keep.village_id
        membership._change_reason = reason
        membership.save(update_fields=["worker", "village", "updated_at"])
    if registration:
        registration.worker = keep
        registration.save(update_fields=["worker"])
    history = list(Worker.history.filter(id=drop.pk).values_list("history_id", flat=True))
    Worker.history.filter(history_id__in=history).update(id=keep.pk)
    record.moved = {
        "memberships": memberships,
        "history": history,
        "outreach": registration.pk if registration else None,
        "outreach_removed": removed_registration,
    }
    filled = {}
    for name in FILLABLE:
        if getattr(keep, name) in (None, "") and getattr(drop, name) not in (None, ""):
            filled[name] = getattr(keep, name)
            setattr(keep, name, getattr(drop, name))
    record.filled = filled
    # The decision outlives the removed entry: it now points at the kept person only; other
    # open proposals about the removed entry go with it.
    PossibleDuplicate.objects.filter(worker=keep, match=keep).exclude(pk=pair.pk).delete()
    pair.worker = pair.match = keep
    pair.status = PossibleDuplicate.Status.MERGED
    pair.decided_by, pair.decided_at = user, timezone.now()
    pair.merged_summary = summary[:255]
    pair.save()
    record.save()
    drop._change_reason = f"digabung ke pekerja #{keep.pk}"
    drop.delete()
    keep._change_reason = reason
    keep.save()
    _drop_flag(keep)
    return keep


@transaction.atomic
def undo_merge(record: WorkerMerge, user) -> Worker:
    """Bring the removed entry back with its memberships, registration and history; the pair
    is open again."""
    if not getattr(user, "is_admin", False):
        raise ReviewError("Hanya admin kabupaten yang dapat membatalkan penggabungan.")
    if record.undone_at:
        raise ReviewError("Penggabungan ini sudah dibatalkan.")
    if record.kept_id is None:
        raise ReviewError(
            "Data yang dipertahankan sudah dihapus; penggabungan tidak dapat dibatalkan."
        )
    keep = Worker.objects.select_for_update().get(pk=record.kept_id)
    restored = Worker(**record.removed_data)
    restored._change_reason = f"penggabungan ke pekerja #{keep.pk} dibatalkan"
    try:
        with transaction.atomic():
            restored.save(force_insert=True)
    except IntegrityError as exc:
        raise ReviewError(
            "NIK data yang dihapus sudah dipakai pekerja lain; penggabungan tidak dapat dibatalkan."
        ) from exc
    moved = record.moved or {}
    for pk, village_id in (moved.get("memberships") or {}).items():
        membership = Membership.objects.get(pk=int(pk))
        membership.worker, membership.village_id = restored, village_id
        membership._change_reason = restored._change_reason
        membership.save(update_fields=["worker", "village", "updated_at"])
    if moved.get("outreach"):
        ActivityRegistration.objects.filter(pk=moved["outreach"]).update(worker=restored)
    if moved.get("outreach_removed"):
        ActivityRegistration.objects.create(worker=restored, **moved["outreach_removed"])
    if moved.get("history"):
        Worker.history.filter(history_id__in=moved["history"]).update(id=restored.pk)
    for name, old in (record.filled or {}).items():
        setattr(keep, name, old)
    keep._change_reason = f"penggabungan pekerja #{restored.pk} dibatalkan"
    keep.save()
    pair = record.pair
    pair.worker = restored
    pair.status = PossibleDuplicate.Status.OPEN
    pair.decided_by = pair.decided_at = None
    pair.merged_summary = ""
    pair.save()
    record.undone_by, record.undone_at = user, timezone.now()
    record.save(update_fields=["undone_by", "undone_at"])
    return restored

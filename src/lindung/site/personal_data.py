"""UU 27/2022 requests about one person: export everything held on them, or anonymise them.

Both walk the relations that point at the Worker, so a model added later (a claim, a team
registration, a duplicate-review entry) is covered without touching this module.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
from collections.abc import Iterator

from django.db import models, transaction

from lindung.workers.models import Worker

MAX_DEPTH = 3
# Fields that identify a person, per model label; anonymise() blanks or replaces them.
IDENTIFYING_FIELDS = {
    "name",
    "full_name",
    "nik",
    "phone",
    "address",
    "birthplace",
    "kpj",
    "account_number",
    "court_ruling",
    "note",
    "notes",
    "merged_summary",
}


def _value(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "url"):  # file fields
        return value.name or None
    return value


def _row(obj: models.Model) -> dict:
    return {f.name: _value(getattr(obj, f.attname)) for f in obj._meta.concrete_fields}


def _related(obj: models.Model) -> Iterator[tuple[str, models.Model]]:
    """Rows of other models that point at `obj`, including relations without a reverse name."""
    for rel in obj._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        model = rel.related_model
        if model.__name__.startswith("Historical"):
            continue
        for child in model._default_manager.filter(**{rel.field.name: obj}):
            yield model._meta.label, child


def collect(worker: Worker) -> dict:
    """Everything Lindung holds on `worker`, grouped by model, with change history."""
    sections: dict[str, list[dict]] = {"workers.Worker": [_row(worker)]}
    seen = {(Worker, worker.pk)}
    frontier: list[tuple[models.Model, int]] = [(worker, 0)]
    while frontier:
        obj, depth = frontier.pop()
        if depth >= MAX_DEPTH:
            continue
        for label, child in _related(obj):
            key = (type(child), child.pk)
            if key in seen:
                continue
            seen.add(key)
            sections.setdefault(label, []).append(_row(child))
            frontier.append((child, depth + 1))
    history = [
        {
            "at": h.history_date.isoformat(),
            "type": h.history_type,
            "by": h.history_user.username if h.history_user else None,
            "record": {
                f.name: _value(getattr(h, f.attname))
                for f in Worker._meta.concrete_fields
                if hasattr(h, f.attname)
            },
        }
        for h in worker.history.select_related("history_user").order_by("history_date")
    ]
    return {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(),
        "legal_basis": "UU 27/2022 tentang Pelindungan Data Pribadi, hak akses subjek data",
        "data": sections,
        "history": history,
    }


def _pseudonym(worker: Worker) -> str:
    digest = hashlib.sha256(f"lindung-anon-{worker.pk}".encode()).hexdigest()
    return "ANON" + digest[:12].upper()


def _scrub(obj: models.Model) -> list[str]:
    changed = []
    for field in obj._meta.concrete_fields:
        if field.name not in IDENTIFYING_FIELDS or not isinstance(field, models.CharField):
            continue
        if field.unique:
            continue  # handled by the caller (e.g. the worker's NIK)
        if getattr(obj, field.attname):
            setattr(obj, field.attname, "" if field.blank else "-")
            changed.append(field.name)
    return changed


@transaction.atomic
def anonymise(worker: Worker) -> Worker:
    """Remove what identifies the person; keep village, sex, birth year, sector, income and
    every membership, payment and claim amount so coverage and budget figures do not move."""
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    token = _pseudonym(worker)
    for _, child in _related(worker):
        _scrub_tree(child, depth=1)
    worker.nik = token
    worker.name = f"Anonim {token[-6:]}"
    worker.address = ""
    worker.phone = ""
    worker.birthplace = ""
    worker.birth_date = worker.birth_date.replace(month=7, day=1)  # keep the age band only
    worker.verification_flags = []
    # Old versions in the change history still hold the real values.
    worker.history.all().delete()
    worker.save()
    return worker


def _scrub_tree(obj: models.Model, depth: int) -> None:
    if _scrub(obj):
        obj.save()
    if hasattr(obj, "history"):
        obj.history.all().delete()
    if depth < MAX_DEPTH:
        for _, child in _related(obj):
            _scrub_tree(child, depth + 1)

"""Registering and changing workers: NIK checks, derived fields, flags and optimistic locking.

Pure domain logic (no HTTP). Forms, imports and the API call these functions so that a
worker is validated the same way wherever it comes from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from lindung.areas.models import Area, AreaLevel
from lindung.core.formatting import format_date

from .flags import KEPT_ON_VERIFY
from .flags import codes as flag_codes
from .models import Sector, Worker
from .nik import NikResult, parse_nik

# Sent after a worker is marked deceased (args: worker, date, by) so that enrollment and
# claims can end memberships and open a JKM case without this app knowing about them.
worker_deceased = Signal()
# Sent before a death is recorded (args: worker, date); receivers return a list of Indonesian
# messages saying why the date cannot be right (e.g. before a membership started).
death_date_check = Signal()

# DTSEN desil 1 is the extreme-poor group that Lombok Timur set out to register
# (Inpres 4/2022; docs/domain.md): they move one priority group ahead.
EXTREME_POOR_DESIL = 1

# Fields an edit may change; the NIK-derived pair (sex, birth_date) included.
EDITABLE_FIELDS = (
    "nik",
    "name",
    "sex",
    "birth_date",
    "village",
    "address",
    "phone",
    "sector",
    "monthly_income",
    "poverty_desil",
)
# A change to any of these undoes an earlier verification.
IDENTITY_FIELDS = ("nik", "sex", "birth_date", "village_id")
# The NIK warnings that need a person to look at the documents.
FLAG_CODES = {
    "nik_birthdate_mismatch",
    "nik_sex_mismatch",
    "nik_region_unknown",
    "nik_region_elsewhere",
}


class WorkerError(ValueError):
    """Input that cannot be saved; `errors` maps a field name to Indonesian messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for msgs in errors.values() for m in msgs))


class StaleEditError(Exception):
    """Someone saved the worker after this edit was opened."""

    def __init__(self, current: Worker):
        self.current = current
        who = current.history.first()
        by = getattr(getattr(who, "history_user", None), "username", None)
        local = timezone.localtime(current.updated_at)
        when = f"{format_date(local)} {local:%H:%M}"
        by_text = f" oleh {by}" if by else ""
        super().__init__(
            f"Data pekerja ini sudah diubah{by_text} pada {when} setelah Anda membukanya. "
            "Perubahan Anda BELUM disimpan dan masih ada di formulir: periksa data terbaru, "
            "lalu simpan lagi."
        )


@dataclass
class SaveOutcome:
    worker: Worker
    warnings: list[str] = field(default_factory=list)


def priority_group_for(sector: Sector, poverty_desil: int | None) -> int:
    """Sector priority (Bupati's order), one group ahead for the extreme poor."""
    group = sector.priority
    if poverty_desil is not None and poverty_desil <= EXTREME_POOR_DESIL:
        group = max(1, group - 1)
    return group


def check_nik(
    raw: object,
    *,
    village_code: str | None = None,
    birth_date: dt.date | None = None,
    sex: str | None = None,
    today: dt.date | None = None,
) -> NikResult:
    return parse_nik(
        raw,
        today=today,
        entered_birth_date=birth_date,
        entered_sex=sex or None,
        domicile_code=village_code,
    )


def flags_from(result: NikResult) -> list[str]:
    return [i.code for i in result.warnings if i.code in FLAG_CODES]


def _validate(data: dict[str, Any], *, today: dt.date, exclude_pk: int | None) -> NikResult:
    errors: dict[str, list[str]] = {}
    village: Area | None = data.get("village")
    if village is None:
        errors.setdefault("village", []).append("Pilih desa/kelurahan domisili.")
    elif village.level != AreaLevel.DESA:
        errors.setdefault("village", []).append("Domisili harus berupa desa atau kelurahan.")
    if not (data.get("name") or "").strip():
        errors.setdefault("name", []).append("Nama lengkap wajib diisi.")
    if data.get("sector") is None:
        errors.setdefault("sector", []).append("Pilih sektor/pekerjaan.")
    result = check_nik(
        data.get("nik"),
        village_code=village.code if village else None,
        birth_date=data.get("birth_date"),
        sex=data.get("sex"),
        today=today,
    )
    for issue in result.errors:
        errors.setdefault("nik", []).append(issue.message)
    if result.nik:
        taken = Worker.objects.filter(nik=result.nik)
        if exclude_pk:
            taken = taken.exclude(pk=exclude_pk)
        if taken.exists():
            errors.setdefault("nik", []).append(
                "NIK ini sudah terdaftar di Lindung. Cari pekerja tersebut di daftar; bila "
                "tidak tampil, ia terdaftar di wilayah lain: hubungi admin kabupaten."
            )
    birth = data.get("birth_date") or result.birth_date
    if birth and birth > today:
        errors.setdefault("birth_date", []).append("Tanggal lahir tidak boleh di masa depan.")
    desil = data.get("poverty_desil")
    if desil is not None and not 1 <= desil <= 10:
        errors.setdefault("poverty_desil", []).append("Desil DTSEN harus antara 1 dan 10.")
    if errors:
        raise WorkerError(errors)
    return result


def _apply(worker: Worker, data: dict[str, Any], result: NikResult) -> None:
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(worker, name, data[name])
    worker.nik = result.nik
    worker.name = " ".join(worker.name.split())
    # Blank sex or birth date is taken from the NIK; an entered value that differs is kept
    # (it was read from a document) and flagged for verification.
    worker.sex = data.get("sex") or result.sex
    worker.birth_date = data.get("birth_date") or result.birth_date
    worker.priority_group = priority_group_for(worker.sector, worker.poverty_desil)


def register_worker(data: dict[str, Any], *, by=None, today: dt.date | None = None) -> SaveOutcome:
    """Create a worker from cleaned input (village and sector as objects)."""
    today = today or timezone.localdate()
    result = _validate(data, today=today, exclude_pk=None)
    worker = Worker(created_by=by if getattr(by, "is_authenticated", False) else None)
    _apply(worker, data, result)
    worker.verification_flags = flags_from(result)
    worker._history_user = by if getattr(by, "is_authenticated", False) else None
    worker.save()
    return SaveOutcome(worker, [i.message for i in result.warnings])


def update_worker(
    worker: Worker,
    data: dict[str, Any],
    *,
    expected_version: int,
    by=None,
    today: dt.date | None = None,
) -> SaveOutcome:
    """Save an edit unless someone else saved since `expected_version` was read."""
    today = today or timezone.localdate()
    with transaction.atomic():
        current = Worker.objects.select_for_update().get(pk=worker.pk)
        if current.version != expected_version:
            raise StaleEditError(current)
        result = _validate(data, today=today, exclude_pk=current.pk)
        before = {name: getattr(current, name) for name in IDENTITY_FIELDS}
        _apply(current, data, result)
        # Flags raised by other apps (e.g. possible_duplicate from imports) stay as they are.
        kept = [c for c in flag_codes(current) if c not in FLAG_CODES]
        new_flags = flags_from(result)
        identity_changed = any(getattr(current, n) != v for n, v in before.items())
        if current.verified_at and not identity_changed:
            new_flags = []  # the same facts were already checked by a person
        elif identity_changed:
            current.verified_at = None
            current.verified_by = None
        current.verification_flags = kept + [c for c in new_flags if c not in kept]
        current.version += 1
        current._history_user = by if getattr(by, "is_authenticated", False) else None
        current.save()
    return SaveOutcome(current, [i.message for i in result.warnings])


def mark_verified(worker: Worker, *, by, expected_version: int | None = None) -> Worker:
    """A person checked the documents: clear the flags and record who did it."""
    with transaction.atomic():
        current = Worker.objects.select_for_update().get(pk=worker.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleEditError(current)
        current.verification_flags = [c for c in flag_codes(current) if c in KEPT_ON_VERIFY]
        current.verified_at = timezone.now()
        current.verified_by = by
        current.version += 1
        current._history_user = by
        current.save()
    return current


def death_date_problems(worker: Worker, date: dt.date, today: dt.date | None = None) -> list[str]:
    """Why `date` cannot be this worker's date of death (empty = acceptable). Forms and
    `mark_deceased` both use it, so the page and the service refuse the same dates."""
    today = today or timezone.localdate()
    if date > today:
        return ["Tanggal meninggal tidak boleh di masa depan."]
    if date < worker.birth_date:
        return ["Tanggal meninggal tidak boleh sebelum tanggal lahir."]
    return [
        str(message)
        for _receiver, messages in death_date_check.send(sender=Worker, worker=worker, date=date)
        for message in messages or []
    ]


def mark_deceased(worker: Worker, date: dt.date, by, *, today: dt.date | None = None) -> Worker:
    """Record the date of death; enrollment, funding and claims react through `worker_deceased`
    inside the same transaction, so a death is recorded with all its effects or not at all."""
    problems = death_date_problems(worker, date, today)
    if problems:
        raise WorkerError({"deceased_date": problems})
    with transaction.atomic():
        current = Worker.objects.select_for_update().get(pk=worker.pk)
        current.deceased_date = date
        current.version += 1
        current._history_user = by if getattr(by, "is_authenticated", False) else None
        current.save()
        worker_deceased.send(sender=Worker, worker=current, date=date, by=by)
    return current

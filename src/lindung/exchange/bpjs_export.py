"""Batch file of verified registrations for the BPJS branch."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from lindung.accounts.scoping import scoped
from lindung.audit.models import AccessLog, log_access
from lindung.enrollment import services as enrollment
from lindung.enrollment.models import Membership, MembershipStatus
from lindung.enrollment.permissions import LIFECYCLE_ROLES
from lindung.funding.models import LIVE_STATUSES, Commitment

from . import files
from .columns import SOURCES
from .models import ExportBatch, ExportProfile, FileFormat

TEXT_SOURCES = {"nik", "kode_desa", "no_hp", "kpj", "tgl_lahir", "tanggal_mulai"}
# Digits Excel would mangle when it opens a CSV (5.2E+15, lost leading 0 or +).
ID_SOURCES = {"nik", "kode_desa", "no_hp", "kpj"}


class ExportError(ValueError):
    """A refused export; the message is for the user."""


@dataclass
class ExportResult:
    batch: ExportBatch
    content: bytes
    filename: str
    content_type: str


def may_submit(user) -> bool:
    """Moving memberships to «Diajukan» is a lifecycle step (enrollment.permissions)."""
    return bool(user.is_superuser or user.role in LIFECYCLE_ROLES)


def may_export(user) -> bool:
    return bool(user.can_edit and user.sees_personal_data)


def candidates(user, area_code: str | None = None) -> QuerySet[Membership]:
    """Verified memberships (status diverifikasi) inside the user's area."""
    qs = scoped(Membership.objects.filter(status=MembershipStatus.DIVERIFIKASI), user)
    if area_code:
        from lindung.accounts.scoping import in_area

        qs = in_area(qs, area_code)
    return qs.select_related("worker__sector", "village__parent").order_by("village_id", "id")


def awaiting_verification(user, area_code: str | None = None) -> QuerySet[Membership]:
    """Registrations not yet verified (status didata): they join the next batch once verified."""
    qs = scoped(Membership.objects.filter(status=MembershipStatus.DIDATA), user)
    if area_code:
        from lindung.accounts.scoping import in_area

        qs = in_area(qs, area_code)
    return qs.select_related("worker", "village").order_by("-created_at", "-id")


def _funding_sources(ids: list[int]) -> dict:
    live = (
        Commitment.objects.filter(membership_id__in=ids, status__in=LIVE_STATUSES)
        .select_related("source")
        .order_by("membership_id", "start_month")
    )
    out = {}
    for c in live:
        out.setdefault(c.membership_id, c.source)
    return out


def build_rows(profile: ExportProfile, memberships: list[Membership]) -> tuple[list, list]:
    ctx = {"sources": _funding_sources([m.pk for m in memberships])}
    header = [c["header"] for c in profile.columns]
    getters = [SOURCES[c["source"]].get for c in profile.columns]
    rows = [[get(m, ctx) for get in getters] for m in memberships]
    return header, rows


def export_batch(
    user,
    profile: ExportProfile,
    *,
    file_format: str = FileFormat.CSV,
    area_code: str | None = None,
    submit: bool = False,
    note: str = "",
) -> ExportResult:
    """Write the batch file, record it, and (with `submit`) move every row to «Diajukan».

    All in one transaction: if any membership cannot move, nothing is recorded or moved.
    """
    if not may_export(user):
        raise ExportError("Peran Anda tidak dapat mengekspor data pribadi peserta.")
    if submit and not may_submit(user):
        raise ExportError(
            "Hanya petugas BPJS atau admin kabupaten yang dapat mengubah status ke «Diajukan»."
        )
    if file_format not in FileFormat.values:
        raise ExportError("Format berkas tidak dikenal.")
    area = user.area if user.area_id else None
    if area is None:
        raise ExportError("Akun Anda belum memiliki wilayah kerja.")
    with transaction.atomic():
        memberships = list(candidates(user, area_code).select_for_update(of=("self",)))
        if not memberships:
            raise ExportError(
                "Tidak ada kepesertaan berstatus «Diverifikasi» di wilayah ini untuk diekspor."
            )
        header, rows = build_rows(profile, memberships)
        text_cols = {i for i, c in enumerate(profile.columns) if c["source"] in TEXT_SOURCES}
        if file_format == FileFormat.XLSX:
            content = files.to_xlsx(header, rows, "Pendaftaran BPU", text_cols)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            ids = {i for i, c in enumerate(profile.columns) if c["source"] in ID_SOURCES}
            content = files.to_csv(header, rows, ids)
            content_type = "text/csv; charset=utf-8"
        batch = ExportBatch.objects.create(
            area=area,
            profile=profile,
            file_format=file_format,
            row_count=len(rows),
            sha256=files.sha256(content),
            submitted=submit,
            membership_ids=[m.pk for m in memberships],
            created_by=user,
        )
        if submit:
            text = f"Batch ekspor BPJS #{batch.pk}" + (f": {note}" if note else "")
            for m in memberships:
                enrollment.transition(m, MembershipStatus.DIAJUKAN, by=user, note=text)
        log_access(
            user,
            AccessLog.Action.EXPORT,
            f"Batch pendaftaran BPJS #{batch.pk} ({profile.name})",
            area_code=area_code or user.scope_code or "",
            record_count=len(rows),
        )
    filename = f"lindung-bpjs-batch-{batch.pk}-{batch.created_at:%Y%m%d}.{file_format}"
    return ExportResult(batch, content, filename, content_type)

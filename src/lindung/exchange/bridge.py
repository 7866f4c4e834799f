"""Feeding prepared rows from OpenSID or KoboToolbox into the worker import pipeline.

Both sources are reshaped into the column names lindung.imports recognises and then run
through imports.services.run_import, so NIK checks, duplicates, age limits, villages in scope
and the atomic commit are exactly those of a spreadsheet import. Row numbers in the report are
those of the original file.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lindung.imports.services import run_import

from . import files
from .models import ExchangeImport, ImportState

PIPELINE_HEADER = [
    "NIK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Desa", "Pekerjaan", "Penghasilan",
    "No HP", "Alamat",
]  # fmt: skip


class BridgeError(ValueError):
    """A refused import; the message is for the user."""


def _csv(rows: list[list[str]]) -> bytes:
    # Plain CSV (no formula prefix, not core.export): this file only feeds our own import
    # pipeline, which must read the values exactly as given.
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(PIPELINE_HEADER)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def run(user, prepared: list[dict], *, commit: bool):
    """prepared: [{"row": original row, "values": [9 cells in PIPELINE_HEADER order]}]."""
    data = _csv([p["values"] for p in prepared])
    outcome, _ = run_import(
        "pertukaran.csv", data, commit=commit, scope_code=user.scope_code or "", user=user
    )
    original = {i + 2: p["row"] for i, p in enumerate(prepared)}  # header is CSV row 1
    problems = []
    for p in (*outcome.errors, *outcome.warnings):
        problems.append(
            {
                "row": original.get(p.row, p.row),
                "column": p.column,
                "code": p.code,
                "message": p.message,
                "error": p.is_error,
            }
        )
    accepted_rows = sorted(original.get(a.row, a.row) for a in outcome.accepted)
    return outcome, problems, accepted_rows


def preview(user, kind: str, name: str, data: bytes, prepared: list[dict], skipped: list[dict],
            options: dict | None = None) -> ExchangeImport:  # fmt: skip
    outcome, problems, accepted_rows = run(user, prepared, commit=False)
    report = {"skipped": skipped, "problems": problems, "accepted_rows": accepted_rows}
    return ExchangeImport.objects.create(
        kind=kind,
        area_id=user.area_id,
        file_name=name[:200],
        sha256=files.sha256(data),
        rows=prepared,
        report=[report],
        summary={
            "rows": len(prepared) + len(skipped),
            "candidates": len(prepared),
            "skipped": len(skipped),
            "accepted": len(accepted_rows),
            "rejected": outcome.rejected,
            "warnings": len(outcome.warnings),
        },
        options=options or {},
        created_by=user,
    )


def apply(imp: ExchangeImport, user) -> ExchangeImport:
    """Commit the previewed rows (one transaction, in the pipeline). Re-running the same file
    creates nobody twice: people already registered are rejected as duplicate_existing."""
    with transaction.atomic():
        locked = ExchangeImport.objects.select_for_update().get(pk=imp.pk)
        if locked.state != ImportState.PREVIEW:
            raise BridgeError("Impor ini sudah diterapkan.")
        outcome, problems, accepted_rows = run(user, locked.rows, commit=True)
        report = dict(locked.report[0])
        report.update({"problems": problems, "accepted_rows": accepted_rows})
        locked.report = [report]
        locked.summary = {
            **locked.summary,
            "accepted": len(accepted_rows),
            "rejected": outcome.rejected,
            "created": len(accepted_rows),
        }
        locked.state = ImportState.APPLIED
        locked.applied_at = timezone.now()
        locked._history_user = user
        locked.save()
    return locked

"""The import as the rest of the system sees it: run a file (dry run or commit), run a job."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from .commit import commit_outcome
from .pipeline import Outcome, file_failure, validate_workbook
from .readers import FileProblem, Table, read_table
from .sheets import Workbook, read_workbook

Progress = Callable[[str, int, int], None]
STAGES = {
    "read": "Membaca berkas",
    "validate": "Memeriksa baris",
    "registry": "Mencocokkan dengan registri",
    "duplicates": "Mencari kemungkinan duplikat",
    "commit": "Menyimpan ke database",
    "index": "Menyusun indeks database",
}


def load(name: str, data: bytes) -> Table:
    return read_table(name, data)


def run_import(
    name: str,
    data: bytes,
    *,
    commit: bool = False,
    mapping: dict[str, int] | None = None,
    scope_code: str = "",
    user=None,
    job=None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> tuple[Outcome, Workbook | None]:
    """Validate a file (every worker sheet of a workbook) and, with `commit`, write its
    accepted rows in one transaction."""
    progress = progress or (lambda stage, done, total: None)
    progress("read", 0, 1)
    try:
        book = read_workbook(name, data)
        outcome = validate_workbook(
            book, mapping=mapping, scope_code=scope_code, today=today, progress=progress
        )
    except FileProblem as exc:
        return file_failure(str(exc)), None
    if commit and outcome.accepted_count and not _blocked(outcome):
        commit_outcome(outcome, user=user, job=job, progress=progress)
    return outcome, book


def _blocked(outcome: Outcome) -> bool:
    return any(p.code == "column_missing" for p in outcome.errors)


def max_upload_bytes() -> int:
    return int(getattr(settings, "LINDUNG_MAX_UPLOAD_BYTES", 60 * 1024 * 1024))


def write_json(outcome: Outcome, path: Path) -> None:
    path.write_text(json.dumps(outcome.as_json(), ensure_ascii=False), encoding="utf-8")

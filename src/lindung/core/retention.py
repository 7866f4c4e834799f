"""How long uploaded lists and generated reports stay on disk (UU 27/2022: no longer than
needed). Apps register a purger; `lindung purge_files` (part of `lindung nightly`) runs them.

A purger takes the cutoff time and removes the files of finished jobs last touched before it,
keeping the job rows (counts, status, who and when) and noting when the files went.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

Purger = Callable[[dt.datetime], int]


@dataclass(frozen=True)
class Purge:
    name: str
    label: str  # what is deleted, for the command's output ("berkas impor")
    purge: Purger


PURGERS: dict[str, Purge] = {}


def register(name: str, label: str, purge: Purger) -> None:
    PURGERS[name] = Purge(name, label, purge)


def retention_days() -> int:
    return settings.LINDUNG_FILE_RETENTION_DAYS


def cutoff(now: dt.datetime | None = None, days: int | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=retention_days() if days is None else days)


def purge_all(now: dt.datetime | None = None, days: int | None = None) -> dict[str, int]:
    """Files removed per purger."""
    limit = cutoff(now, days)
    return {name: p.purge(limit) for name, p in PURGERS.items()}

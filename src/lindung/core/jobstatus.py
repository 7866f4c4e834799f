"""One status vocabulary for every background job (reports, allocation scenarios, imports).

The stored values are English codes (never shown); the labels are what staff read. Each model
stores only the statuses its run goes through: `choices=JobStatus.subset(...)`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Menunggu")
    RUNNING = "running", _("Sedang diproses")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")
    # An import's own steps: it stops after validation for the officer to look at the rows.
    NEEDS_MAPPING = "needs_mapping", _("Perlu pemetaan kolom")
    VALIDATING = "validating", _("Memeriksa")
    VALIDATED = "validated", _("Siap disimpan")
    COMMIT_QUEUED = "commit_queued", _("Menunggu penyimpanan")
    COMMITTING = "committing", _("Menyimpan")
    COMMITTED = "committed", _("Tersimpan")

    @classmethod
    def subset(cls, *members: JobStatus) -> list[tuple[str, str]]:
        """The `choices` of a model that uses only these statuses, in this order."""
        return [(member.value, member.label) for member in members]


# A run that goes queued -> running -> done or failed (reports, allocation scenarios).
SIMPLE = JobStatus.subset(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DONE, JobStatus.FAILED)

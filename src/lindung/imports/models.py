"""Import jobs, the review queue of possible duplicates, and the import rule table."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core.choices import ChoiceLabels
from lindung.core.formatting import format_date
from lindung.core.jobstatus import JobStatus


class ImportRule(models.Model):
    """Numbers the import checks rows against, versioned by effective date.

    Used only where the owning app has no table of its own yet: age bounds come from
    `workers.EligibilityRule` and the income floor from `enrollment.tariffs` when those hold a
    row for the day (see `rules.py`). Empty = no bound.
    """

    effective_from = models.DateField(_("berlaku mulai"))
    min_age = models.PositiveSmallIntegerField(_("usia minimum"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(
        _("usia maksimum"),
        null=True,
        blank=True,
        help_text=_("Kosong = tanpa batas; batas usia maksimum BPU belum ditetapkan."),
    )
    income_floor = models.PositiveBigIntegerField(
        _("penghasilan terendah (Rp)"), null=True, blank=True
    )
    regulation = models.TextField(_("dasar hukum / sumber"))
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("aturan impor")
        verbose_name_plural = _("aturan impor")

    def __str__(self) -> str:
        return f"{format_date(self.effective_from)}: {self.min_age}–{self.max_age or '…'}"


class ImportJob(ChoiceLabels, models.Model):
    """One uploaded worker list and its way through validation and commit (runs in background)."""

    Status = JobStatus

    RUNNING = (Status.VALIDATING, Status.COMMITTING)
    WAITING = (Status.QUEUED, Status.COMMIT_QUEUED)

    file = models.FileField(_("berkas"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("nama berkas"), max_length=255)
    size = models.PositiveBigIntegerField(_("ukuran (byte)"), default=0)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=JobStatus.subset(
            Status.QUEUED,
            Status.NEEDS_MAPPING,
            Status.VALIDATING,
            Status.VALIDATED,
            Status.COMMIT_QUEUED,
            Status.COMMITTING,
            Status.COMMITTED,
            Status.FAILED,
        ),
        default=Status.QUEUED,
    )
    # The area whose villages this job may write to: the uploader's scope at upload time.
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    mapping = models.JSONField(_("pemetaan kolom"), default=dict, blank=True)
    header_row = models.PositiveIntegerField(_("baris judul"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("baris"), default=0)
    accepted = models.PositiveIntegerField(_("diterima"), default=0)
    rejected = models.PositiveIntegerField(_("ditolak"), default=0)
    warning_count = models.PositiveIntegerField(_("peringatan"), default=0)
    created_count = models.PositiveIntegerField(_("pekerja baru"), default=0)
    result = models.JSONField(_("hasil"), default=dict, blank=True)
    message = models.TextField(_("pesan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    # Set when the retention period removed the uploaded file and its problem lists.
    files_deleted_at = models.DateTimeField(_("berkas dihapus pada"), null=True, blank=True)

    scope_field = "area"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("impor data pekerja")
        verbose_name_plural = _("impor data pekerja")

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def is_running(self) -> bool:
        return self.status in (*self.RUNNING, *self.WAITING)


class PossibleDuplicate(models.Model):
    """Two registry entries that may be one person; an officer merges them or confirms both."""

    class Status(models.TextChoices):
        OPEN = "open", _("Perlu diperiksa")
        MERGED = "merged", _("Digabung")
        DISTINCT = "distinct", _("Orang berbeda")

    class Source(models.TextChoices):
        IMPORT = "import", _("Impor")
        REGENCY = "regency", _("Pemeriksaan kabupaten")
        NATIONAL = "national", _("Pemeriksaan antarkabupaten")

    worker = models.ForeignKey(
        "workers.Worker",
        verbose_name=_("pekerja baru"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    match = models.ForeignKey(
        "workers.Worker",
        verbose_name=_("mirip dengan"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    score = models.PositiveSmallIntegerField(_("kemiripan nama (%)"))
    nik_distance = models.PositiveSmallIntegerField(_("selisih digit NIK"))
    job = models.ForeignKey(
        ImportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    source_row = models.PositiveIntegerField(_("baris berkas"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # After a merge the duplicate entry is gone; keep who it was for the record.
    merged_summary = models.CharField(_("data yang digabung"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The matching model's verdict (lindung.national.model): probability and, per compared
    # field, the level it fell in (e.g. {"nik_birth": "nik_transposed", "name": ...}).
    probability = models.FloatField(_("peluang orang yang sama"), null=True, blank=True)
    levels = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.IMPORT)

    # Shown to both areas: a pair across regencies goes to both regencies' officers (see
    # views.pairs_for); this field only serves the default scoping helpers.
    scope_field = "worker__village"

    class Meta:
        ordering = ["status", "-created_at", "-id"]
        verbose_name = _("kemungkinan duplikat")
        verbose_name_plural = _("kemungkinan duplikat")
        constraints = [
            models.UniqueConstraint(fields=["worker", "match"], name="uniq_possible_duplicate")
        ]
        indexes = [models.Index(fields=["status", "worker"])]

    def __str__(self) -> str:
        return f"{self.worker_id} ~ {self.match_id}"


class WorkerMerge(models.Model):
    """A "same person" decision carried out: what moved from the removed entry to the kept one,
    so an administrator can undo it."""

    pair = models.OneToOneField(PossibleDuplicate, on_delete=models.CASCADE, related_name="merge")
    kept = models.ForeignKey(
        "workers.Worker", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_id = models.PositiveBigIntegerField(_("id pekerja yang dihapus"))
    removed_data = models.JSONField(_("data pekerja yang dihapus"))
    # {"memberships": {id: old village id}, "history": [history ids], "outreach": id or null}
    moved = models.JSONField(default=dict)
    # Fields of the kept worker that were empty and filled from the removed one: old values.
    filled = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    scope_field = "kept__village"

    class Meta:
        ordering = ["-merged_at"]
        verbose_name = _("penggabungan pekerja")
        verbose_name_plural = _("penggabungan pekerja")

    def __str__(self) -> str:
        return f"#{self.removed_id} -> #{self.kept_id}"

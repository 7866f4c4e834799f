"""Data exchange with the BPJS branch, OpenSID villages and KoboToolbox/ODK field forms."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ExportProfile(models.Model):
    """Which columns (in which order, under which header) a BPJS batch file carries.

    `columns` is a list of {"header": "...", "source": "<key of columns.SOURCES>"}. No public
    BPJSTK template for collective BPU registration exists, so the seeded
    default is inferred and must be confirmed with the branch.
    """

    name = models.CharField(_("nama profil"), max_length=120, unique=True)
    columns = models.JSONField(_("kolom"), default=list)
    is_default = models.BooleanField(_("profil bawaan"), default=False)
    confirmed_by_branch = models.BooleanField(
        _("sudah dikonfirmasi kantor cabang"),
        default=False,
        help_text=_("Kosong = susunan kolom belum dikonfirmasi kantor cabang."),
    )
    note = models.TextField(_("catatan"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("profil ekspor BPJS")
        verbose_name_plural = _("profil ekspor BPJS")

    def __str__(self) -> str:
        return self.name


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportBatch(models.Model):
    """One batch file handed to the BPJS branch: who, when, how many, and the file's hash."""

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="+"
    )
    profile = models.ForeignKey(
        ExportProfile, verbose_name=_("profil"), on_delete=models.PROTECT, related_name="batches"
    )
    file_format = models.CharField(_("format"), max_length=4, choices=FileFormat.choices)
    row_count = models.PositiveIntegerField(_("jumlah baris"))
    sha256 = models.CharField(_("sidik berkas (SHA-256)"), max_length=64)
    submitted = models.BooleanField(
        _("status diubah ke «Diajukan»"),
        default=False,
        help_text=_("Kepesertaan dalam berkas ini dipindah ke status Diajukan ke BPJS."),
    )
    membership_ids = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_field = "area"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("batch ekspor BPJS")
        verbose_name_plural = _("batch ekspor BPJS")

    def __str__(self) -> str:
        return f"Batch {self.pk} ({self.row_count} baris)"


class ImportKind(models.TextChoices):
    BPJS_STATUS = "bpjs_status", _("Daftar status peserta BPJS")
    OPENSID = "opensid", _("Data penduduk OpenSID")
    KOBO = "kobo", _("Kiriman formulir KoboToolbox/ODK")


class ImportState(models.TextChoices):
    PREVIEW = "preview", _("Pratinjau")
    APPLIED = "applied", _("Diterapkan")
    FAILED = "failed", _("Gagal")


class ExchangeImport(models.Model):
    """An uploaded exchange file: first a dry-run preview, then (once) applied atomically.

    `rows` holds the parsed rows needed to apply the preview without re-uploading; `report`
    holds one entry per row with its outcome, for the page and the downloadable report.
    """

    kind = models.CharField(_("jenis"), max_length=12, choices=ImportKind.choices)
    state = models.CharField(
        _("status"), max_length=8, choices=ImportState.choices, default=ImportState.PREVIEW
    )
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("nama berkas"), max_length=200)
    sha256 = models.CharField(max_length=64)
    rows = models.JSONField(default=list)
    report = models.JSONField(default=list)
    summary = models.JSONField(default=dict)
    options = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["rows", "report"])
    scope_field = "area"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("impor pertukaran data")
        verbose_name_plural = _("impor pertukaran data")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"


class OccupationMapping(models.Model):
    """An OpenSID occupation (code and name) and the sector its residents are proposed under.

    Empty sector: not an informal worker (civil servant, pupil, ...), the resident is skipped.
    Seeded with OpenSID's reference list; the regency edits it in the admin pages.
    """

    code = models.PositiveSmallIntegerField(_("kode OpenSID"), null=True, blank=True, unique=True)
    name = models.CharField(_("nama pekerjaan di OpenSID"), max_length=100, unique=True)
    sector = models.ForeignKey(
        "workers.Sector",
        verbose_name=_("sektor di Lindung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "name"]
        verbose_name = _("pemetaan pekerjaan OpenSID")
        verbose_name_plural = _("pemetaan pekerjaan OpenSID")

    def __str__(self) -> str:
        return f"{self.code or '-'} {self.name}"

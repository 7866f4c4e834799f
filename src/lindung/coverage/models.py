"""UCJ coverage: configuration as data (grade bands, targets, numerator rules), BPJS aggregate
counts, and the pre-aggregated snapshots that dashboards read.

Coverage % = active participants / working population x 100. Numerator
and denominator are kept apart so both can be shown; the denominator comes from
`areas.WorkforceDenominator` with its source.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core import jobstatus
from lindung.core.choices import ChoiceLabels
from lindung.core.jobstatus import JobStatus


class GradeBand(models.Model):
    """One grade (sangat rendah / rendah / sedang / tinggi) from `min_percent` up.

    The set in force on a day is the one with the latest `valid_from` not after that day.
    Thresholds are data because no official source for them was found (docs/domain.md,
    anchors: Lampung Tengah names the categories but not the cut-offs).
    """

    code = models.SlugField(_("kode"), max_length=20)
    label = models.CharField(_("nama"), max_length=40)
    min_percent = models.DecimalField(_("batas bawah (%)"), max_digits=5, decimal_places=2)
    colour = models.CharField(_("warna"), max_length=7, default="#9aa5ad")
    valid_from = models.DateField(_("berlaku mulai"))
    source = models.CharField(_("sumber"), max_length=255)
    source_verified = models.BooleanField(_("sumber sudah diverifikasi"), default=False)

    class Meta:
        ordering = ["valid_from", "min_percent"]
        verbose_name = _("kategori cakupan")
        verbose_name_plural = _("kategori cakupan")
        constraints = [
            models.UniqueConstraint(fields=["valid_from", "code"], name="uniq_grade_band"),
        ]

    def __str__(self) -> str:
        return f"{self.label} (>= {self.min_percent}%)"


class CoverageTarget(models.Model):
    """Yearly UCJ target in percent. No area = the national target, inherited by every area."""

    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("wilayah"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="coverage_targets",
        help_text=_("Kosongkan untuk target nasional."),
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    percent = models.DecimalField(_("target (%)"), max_digits=5, decimal_places=2)
    source = models.CharField(_("sumber"), max_length=255)
    note = models.CharField(_("catatan"), max_length=255, blank=True)

    scope_field = "area"

    class Meta:
        ordering = ["area_id", "year"]
        verbose_name = _("target cakupan")
        verbose_name_plural = _("target cakupan")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "year"],
                condition=models.Q(area__isnull=False),
                name="uniq_target_area_year",
            ),
            models.UniqueConstraint(
                fields=["year"], condition=models.Q(area__isnull=True), name="uniq_target_national"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_id or 'nasional'} {self.year}: {self.percent}%"


class BpjsSegment(models.TextChoices):
    PU = "PU", _("Penerima Upah (PU)")
    BPU = "BPU", _("Bukan Penerima Upah (BPU)")
    JAKON = "JAKON", _("Jasa Konstruksi (Jakon)")


class BpjsReportCount(models.Model):
    """Active participants reported by BPJS Ketenagakerjaan for an area, month and segment.

    The regency's UCJ figure counts formal workers too, which Lindung does not register.
    """

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.DateField(_("bulan"), help_text=_("Tanggal 1 bulan laporan."))
    segment = models.CharField(_("segmen"), max_length=5, choices=BpjsSegment.choices)
    participants = models.PositiveIntegerField(_("peserta aktif"))
    source_note = models.CharField(_("sumber laporan"), max_length=255, blank=True)
    imported_at = models.DateTimeField(auto_now=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_field = "area"

    class Meta:
        ordering = ["-period", "area_id", "segment"]
        verbose_name = _("laporan peserta BPJS")
        verbose_name_plural = _("laporan peserta BPJS")
        constraints = [
            models.UniqueConstraint(fields=["area", "period", "segment"], name="uniq_bpjs_count")
        ]
        indexes = [models.Index(fields=["period", "area"])]

    def __str__(self) -> str:
        return f"{self.area_id} {self.period:%Y-%m} {self.segment}: {self.participants}"


class BpuOverlap(models.TextChoices):
    MAX = "max", _("Laporan BPJS BPU sudah memuat peserta Lindung: pakai yang terbesar")
    SUM = "sum", _("Laporan BPJS BPU tidak memuat peserta Lindung: jumlahkan")


class CoverageConfig(models.Model):
    """Deployment-wide choices that the sources leave open (one row; see `current()`)."""

    bpu_overlap = models.CharField(
        _("gabungan BPU Lindung dan laporan BPJS"),
        max_length=3,
        choices=BpuOverlap.choices,
        default=BpuOverlap.MAX,
        help_text=_(
            "Peserta BPU yang didaftarkan Lindung juga tercatat di BPJS. Tidak ada sumber resmi "
            "apakah laporan BPJS per wilayah sudah memuatnya; pilihan ini menentukan cara "
            "menggabungkan kedua angka."
        ),
    )
    denominator_sources = models.CharField(
        _("urutan sumber penyebut"),
        max_length=120,
        default="bps_bekerja,bpjs_potensi,dukcapil_produktif,lainnya",
        help_text=_(
            "Bila satu wilayah punya beberapa penyebut untuk satu tahun, pakai urutan ini."
        ),
    )
    lapse_risk_days = models.PositiveSmallIntegerField(
        _("hari risiko putus"),
        default=30,
        help_text=_(
            "Peserta aktif yang iurannya habis dalam sekian hari dihitung berisiko putus "
            "(jendela tampilan, bukan aturan BPJS)."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pengaturan cakupan")
        verbose_name_plural = _("pengaturan cakupan")

    def __str__(self) -> str:
        return str(_("Pengaturan cakupan"))

    @classmethod
    def current(cls) -> "CoverageConfig":
        obj = cls.objects.order_by("pk").first()
        return obj or cls()

    def source_order(self) -> list[str]:
        return [s.strip() for s in self.denominator_sources.split(",") if s.strip()]


class CoverageSnapshot(models.Model):
    """Lindung memberships of one area (any level) in one month, per sector and funding source.

    Village rows are counted from memberships; higher levels are sums of their children, so a
    dashboard reads a few dozen rows whatever the number of participants. `ref_day` is the day
    the month was counted on: its last day, or the refresh day for the running month.
    """

    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField()
    period = models.DateField()
    ref_day = models.DateField()
    sector = models.ForeignKey("workers.Sector", on_delete=models.CASCADE, related_name="+")
    funding_type = models.CharField(max_length=16)
    active = models.PositiveIntegerField(default=0)
    lapse_risk = models.PositiveIntegerField(default=0)
    new_members = models.PositiveIntegerField(default=0)

    scope_field = "area"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["area", "period", "sector", "funding_type"], name="uniq_coverage_snapshot"
            )
        ]
        indexes = [models.Index(fields=["level", "period", "area"])]

    def __str__(self) -> str:
        return f"{self.area_id} {self.period:%Y-%m} {self.sector_id}/{self.funding_type}"


class CoverageStatusCount(models.Model):
    """Current number of memberships per status in an area (any level)."""

    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=14)
    count = models.PositiveIntegerField(default=0)

    scope_field = "area"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "status"], name="uniq_coverage_status")
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.status}: {self.count}"


class RegionalPolicy(models.Model):
    """Regulations the region issued for UCJ (Paritrana 'kebijakan' aspect, §4.4)."""

    class Kind(models.TextChoices):
        PERDA = "perda", _("Peraturan Daerah")
        PERBUP = "perbup", _("Peraturan Bupati/Wali Kota")
        INSTRUKSI = "instruksi", _("Instruksi Bupati/Wali Kota")
        SURAT_EDARAN = "se", _("Surat Edaran")
        KEPUTUSAN = "keputusan", _("Keputusan")
        PERDES = "perdes", _("Peraturan Desa")
        LAINNYA = "lainnya", _("Lainnya")

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    number = models.CharField(_("nomor"), max_length=80)
    title = models.CharField(_("judul / tentang"), max_length=255)
    issued_on = models.DateField(_("tanggal ditetapkan"))
    note = models.CharField(_("catatan"), max_length=255, blank=True)

    scope_field = "area"

    class Meta:
        ordering = ["-issued_on", "id"]
        verbose_name = _("regulasi daerah")
        verbose_name_plural = _("regulasi daerah")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Innovation(models.Model):
    """Innovations the region reports (Paritrana 'inovasi' indicator, §4.4)."""

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("nama inovasi"), max_length=160)
    description = models.TextField(_("uraian"))
    started_on = models.DateField(_("mulai"))

    scope_field = "area"

    class Meta:
        ordering = ["-started_on", "id"]
        verbose_name = _("inovasi")
        verbose_name_plural = _("inovasi")

    def __str__(self) -> str:
        return self.title


class CoverageRefreshLog(models.Model):
    """A full recount of an area; dashboards warn when the latest one is older than today."""

    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    ref_day = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(auto_now_add=True)
    villages = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)

    scope_field = "area"

    class Meta:
        ordering = ["-finished_at"]
        get_latest_by = "finished_at"

    def __str__(self) -> str:
        return f"{self.area_id} {self.ref_day}"


def _report_path(job, filename: str) -> str:
    return f"reports/{job.pk}/{filename}"


class ReportJob(ChoiceLabels, models.Model):
    """A monthly UCJ report or Paritrana dossier made in the background (`reportjobs`).

    Its file is made with the requester's scope and only they may download it.
    """

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Laporan bulanan UCJ")
        PARITRANA = "paritrana", _("Dossier Paritrana")

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        PDF = "pdf", "PDF"

    Status = JobStatus

    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    fmt = models.CharField(_("format"), max_length=4, choices=Format.choices)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="+"
    )
    # Month of a monthly report; 1 January of the dossier's year.
    period = models.DateField(_("periode"))
    status = models.CharField(
        _("status"), max_length=8, choices=jobstatus.SIMPLE, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=255, blank=True)
    # Last sign of life of the run (reportjobs.recover_stale fails runs that stopped moving).
    progress_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(_("pesan"), blank=True)
    file = models.FileField(_("berkas"), upload_to=_report_path, blank=True)
    filename = models.CharField(_("nama berkas"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("ukuran (byte)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set when the retention period removed the file (the report can be made again).
    files_deleted_at = models.DateTimeField(_("berkas dihapus pada"), null=True, blank=True)

    WAITING = (Status.QUEUED,)
    RUNNING = (Status.RUNNING,)
    scope_field = "area"

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"])]
        verbose_name = _("pembuatan laporan")
        verbose_name_plural = _("pembuatan laporan")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.area_id}"

    @property
    def is_running(self) -> bool:
        return self.status in (*self.WAITING, *self.RUNNING)


class Letterhead(models.Model):
    """Kop surat and signatory of official documents (certificate, Bupati and Paritrana reports).
    One row, edited by the admin kabupaten on the settings page."""

    government = models.CharField(
        _("pemerintah daerah"), max_length=120, default="Pemerintah Kabupaten Lombok Timur"
    )
    office = models.CharField(
        _("perangkat daerah"), max_length=160, default="Dinas Tenaga Kerja dan Transmigrasi"
    )
    address = models.CharField(_("alamat"), max_length=250, blank=True)
    place = models.CharField(_("tempat penandatanganan"), max_length=80, default="Selong")
    logo = models.ImageField(_("logo"), upload_to="letterhead/", blank=True)
    signatory_name = models.CharField(_("nama penandatangan"), max_length=120, blank=True)
    signatory_title = models.CharField(_("jabatan penandatangan"), max_length=160, blank=True)
    signatory_nip = models.CharField(
        _("NIP penandatangan"),
        max_length=21,
        blank=True,
        validators=[RegexValidator(r"^\d{18}$", _("NIP terdiri atas 18 angka."))],
        help_text=_("18 angka, tanpa spasi."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kop surat dan penandatangan")
        verbose_name_plural = _("kop surat dan penandatangan")

    def __str__(self) -> str:
        return f"{self.government} · {self.office}"

    @classmethod
    def current(cls) -> "Letterhead":
        return cls.objects.order_by("pk").first() or cls()

    @property
    def nip_shown(self) -> str:
        """NIP grouped the official way: 19XXXXXX XXXXXX X XXX."""
        n = self.signatory_nip
        return f"{n[:8]} {n[8:14]} {n[14]} {n[15:]}" if len(n) == 18 else n

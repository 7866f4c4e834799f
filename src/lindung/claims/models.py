"""Claims (JKK, JKM, JHT), heirs, and the versioned rule tables used to compute benefits.

Every amount, multiplier, limit and deadline lives in BenefitParameter / ScholarshipRate /
DocumentRequirement rows with an effective date and the regulation they come from, seeded by
data migrations. Code never holds the numbers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lindung.core.choices import ChoiceLabels


class ClaimType(models.TextChoices):
    JKK = "JKK", _("JKK (kecelakaan kerja)")
    JKM = "JKM", _("JKM (meninggal bukan karena kerja)")
    JHT = "JHT", _("JHT (jaminan hari tua)")


class ClaimStatus(models.TextChoices):
    DILAPORKAN = "dilaporkan", _("Dilaporkan")
    BERKAS_LENGKAP = "berkas_lengkap", _("Berkas lengkap")
    DIVERIFIKASI = "diverifikasi", _("Diverifikasi")
    DIBAYAR = "dibayar", _("Dibayar")
    DITOLAK = "ditolak", _("Ditolak")


class JkkOutcome(models.TextChoices):
    """What the work accident led to; decides which JKK benefit is computed."""

    PERAWATAN = "perawatan", _("Perawatan medis saja")
    STMB = "stmb", _("Sementara tidak mampu bekerja (STMB)")
    MENINGGAL = "meninggal", _("Meninggal dunia")


class Relationship(models.TextChoices):
    JANDA = "janda", _("Janda (istri)")
    DUDA = "duda", _("Duda (suami)")
    ANAK = "anak", _("Anak")
    ORANG_TUA = "orang_tua", _("Orang tua")
    KAKEK_NENEK = "kakek_nenek", _("Kakek/nenek")
    CUCU = "cucu", _("Cucu")
    SAUDARA_KANDUNG = "saudara_kandung", _("Saudara kandung")
    MERTUA = "mertua", _("Mertua")
    PENERIMA_WASIAT = "penerima_wasiat", _("Penerima wasiat")
    LAINNYA = "lainnya", _("Lainnya (dengan penetapan pengadilan)")
    PENGURUS_PEMAKAMAN = "pengurus_pemakaman", _("Pihak yang mengurus pemakaman")


class SchoolLevel(models.TextChoices):
    BELUM_SEKOLAH = "belum_sekolah", _("Belum sekolah")
    TK_SD = "tk_sd", _("TK/SD sederajat")
    SMP = "smp", _("SMP sederajat")
    SMA = "sma", _("SMA sederajat")
    PERGURUAN_TINGGI = "pt", _("Perguruan tinggi (maks. S1) / pelatihan")
    TIDAK_SEKOLAH = "tidak_sekolah", _("Tidak bersekolah lagi")


class JkmWaitingVariant(models.TextChoices):
    """Domain-research §2.1 / §9 item 2: two readings of the same Rp10 jt, not yet resolved."""

    PEMAKAMAN = "pemakaman", _("Rp10 jt seluruhnya sebagai biaya pemakaman (Cabang Palu)")
    SANTUNAN_DAN_PEMAKAMAN = (
        "santunan_pemakaman",
        _("Santunan kematian Rp8 jt + biaya pemakaman Rp2 jt (Cabang Meulaboh, Disnaker Sumenep)"),
    )


class BenefitParameter(models.Model):
    """One number of one rule (an amount, a multiplier, a limit) valid from a date."""

    code = models.SlugField(_("kode"), max_length=60)
    label = models.CharField(_("uraian"), max_length=200)
    value = models.DecimalField(_("nilai"), max_digits=18, decimal_places=4)
    unit = models.CharField(_("satuan"), max_length=20, blank=True)
    effective_from = models.DateField(_("berlaku mulai"))
    regulation = models.CharField(_("dasar hukum"), max_length=255)
    note = models.CharField(_("catatan"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "-effective_from"]
        verbose_name = _("parameter manfaat")
        verbose_name_plural = _("parameter manfaat")
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="uniq_benefit_param")
        ]

    def __str__(self) -> str:
        return f"{self.code} = {self.value} ({self.effective_from})"


class ScholarshipRate(models.Model):
    """Yearly scholarship per child by school level (Permenaker 5/2021)."""

    level = models.CharField(_("jenjang"), max_length=16, choices=SchoolLevel.choices)
    yearly_amount = models.PositiveBigIntegerField(_("per anak per tahun (Rp)"))
    max_years = models.PositiveSmallIntegerField(_("lama maksimal (tahun)"))
    effective_from = models.DateField(_("berlaku mulai"))
    regulation = models.CharField(_("dasar hukum"), max_length=255)

    class Meta:
        ordering = ["effective_from", "yearly_amount"]
        verbose_name = _("tarif beasiswa")
        verbose_name_plural = _("tarif beasiswa")
        constraints = [
            models.UniqueConstraint(fields=["level", "effective_from"], name="uniq_scholarship")
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.yearly_amount}"


class DocumentCondition(models.TextChoices):
    ALWAYS = "", _("Selalu")
    DEATH = "meninggal", _("Bila peserta meninggal")
    ACCIDENT = "kecelakaan", _("Bila kecelakaan kerja tanpa kematian")
    SPOUSE = "pasangan", _("Bila penerima janda/duda")
    WILL = "wasiat", _("Bila penerima berdasarkan wasiat")
    COURT = "pengadilan", _("Bila ahli waris di luar daftar")


class DocumentRequirement(models.Model):
    """One line of the checklist for a claim type, valid for claims reported in its period."""

    claim_type = models.CharField(_("jenis klaim"), max_length=3, choices=ClaimType.choices)
    code = models.SlugField(_("kode"), max_length=40)
    label = models.CharField(_("dokumen"), max_length=200)
    condition = models.CharField(
        _("berlaku"), max_length=12, choices=DocumentCondition.choices, blank=True
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=10)
    effective_from = models.DateField(_("berlaku mulai"))
    effective_to = models.DateField(_("berlaku sampai"), null=True, blank=True)
    regulation = models.CharField(_("dasar"), max_length=255)

    class Meta:
        ordering = ["claim_type", "order", "code"]
        verbose_name = _("syarat dokumen klaim")
        verbose_name_plural = _("syarat dokumen klaim")
        constraints = [
            models.UniqueConstraint(
                fields=["claim_type", "code", "effective_from"], name="uniq_doc_requirement"
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim_type}: {self.label}"


class ClaimsSettings(models.Model):
    """Settings an admin must decide while the regulations disagree (one row)."""

    jkm_waiting_variant = models.CharField(
        _("JKM masa tunggu < 3 bulan"),
        max_length=20,
        choices=JkmWaitingVariant.choices,
        default=JkmWaitingVariant.SANTUNAN_DAN_PEMAKAMAN,
        help_text=_(
            "Pertanyaan terbuka: jumlahnya sama Rp10 jt, rinciannya berbeda antarkantor "
            "cabang. Konfirmasi ke Kantor Cabang BPJS Ketenagakerjaan."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("pengaturan klaim")
        verbose_name_plural = _("pengaturan klaim")

    def __str__(self) -> str:
        return str(self.get_jkm_waiting_variant_display())

    @classmethod
    def current(cls) -> ClaimsSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class Claim(ChoiceLabels, models.Model):
    membership = models.ForeignKey(
        "enrollment.Membership",
        verbose_name=_("kepesertaan"),
        on_delete=models.PROTECT,
        related_name="claims",
    )
    claim_type = models.CharField(_("jenis klaim"), max_length=3, choices=ClaimType.choices)
    jkk_outcome = models.CharField(
        _("akibat kecelakaan"), max_length=12, choices=JkkOutcome.choices, blank=True
    )
    event_date = models.DateField(_("tanggal kejadian"))
    report_date = models.DateField(_("tanggal lapor"))
    stmb_start = models.DateField(_("STMB mulai"), null=True, blank=True)
    stmb_end = models.DateField(_("STMB sampai"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ClaimStatus.choices,
        default=ClaimStatus.DILAPORKAN,
        db_index=True,
    )
    complete_date = models.DateField(_("tanggal berkas lengkap"), null=True, blank=True)
    rejection_reason = models.CharField(_("alasan penolakan"), max_length=500, blank=True)
    recipient = models.ForeignKey(
        "claims.Heir",
        verbose_name=_("penerima manfaat"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Amount computed at verification, with the rule versions used (kept as evidence).
    amount_computed = models.PositiveBigIntegerField(_("manfaat dihitung (Rp)"), default=0)
    computation = models.JSONField(_("rincian perhitungan"), default=dict, blank=True)
    amount_paid = models.PositiveBigIntegerField(_("dibayar (Rp)"), null=True, blank=True)
    paid_date = models.DateField(_("tanggal bayar"), null=True, blank=True, db_index=True)
    delay_penalty = models.PositiveBigIntegerField(
        _("kompensasi keterlambatan (Rp)"), null=True, blank=True
    )
    note = models.CharField(_("catatan"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    scope_field = "membership__village"

    class Meta:
        ordering = ["-report_date", "-id"]
        verbose_name = _("klaim")
        verbose_name_plural = _("klaim")
        indexes = [
            models.Index(fields=["status", "paid_date"]),
            models.Index(fields=["claim_type", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.claim_type} #{self.pk}"

    @property
    def is_death(self) -> bool:
        return self.claim_type == ClaimType.JKM or (
            self.claim_type == ClaimType.JKK and self.jkk_outcome == JkkOutcome.MENINGGAL
        )

    @property
    def is_closed(self) -> bool:
        return self.status in (ClaimStatus.DIBAYAR, ClaimStatus.DITOLAK)


class ClaimTransition(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=ClaimStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ClaimStatus.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    scope_field = "claim__membership__village"

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class ClaimDocument(models.Model):
    """A ticked line of the checklist (a missing row means not yet received)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(DocumentRequirement, on_delete=models.PROTECT)
    received_at = models.DateTimeField(auto_now_add=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_field = "claim__membership__village"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["claim", "requirement"], name="uniq_claim_document")
        ]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.requirement.code}"


class Heir(models.Model):
    """A person (or the funeral arranger) who may receive a claim's benefit."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="heirs")
    name = models.CharField(_("nama"), max_length=150)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    relationship = models.CharField(_("hubungan"), max_length=20, choices=Relationship.choices)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    is_married = models.BooleanField(_("sudah menikah"), default=False)
    is_working = models.BooleanField(_("sudah bekerja"), default=False)
    school_level = models.CharField(
        _("jenjang sekolah"), max_length=16, choices=SchoolLevel.choices, blank=True
    )
    notarial_will = models.BooleanField(
        _("wasiat berupa akta notaris"), default=False, help_text=_("Untuk penerima wasiat.")
    )
    court_ruling = models.CharField(
        _("nomor penetapan pengadilan"),
        max_length=100,
        blank=True,
        help_text=_("Wajib untuk ahli waris yang tidak tercantum dalam peraturan."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    scope_field = "claim__membership__village"

    class Meta:
        ordering = ["claim_id", "id"]
        verbose_name = _("ahli waris")
        verbose_name_plural = _("ahli waris")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"

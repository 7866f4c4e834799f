"""Funding sources (budgets), commitments of members to them, renewals and optimiser scenarios.

Sources of funding and their rules: docs/domain.md (Dana Desa, DBHCHT, APBD, wadah
codes). Money is whole rupiah in PositiveBigIntegerField, as everywhere else.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lindung.core import jobstatus
from lindung.core.choices import ChoiceLabels
from lindung.core.formatting import format_date
from lindung.core.jobstatus import JobStatus
from lindung.core.months import add_months_to_first
from lindung.enrollment.models import FundingType

from .wadah import WadahCode


class FundingSource(models.Model):
    """A budget line for premiums in one fiscal year, owned by an area (desa, kabupaten, ...)."""

    name = models.CharField(_("nama sumber dana"), max_length=150)
    source_type = models.CharField(_("jenis sumber"), max_length=16, choices=FundingType.choices)
    wadah_code = models.CharField(
        _("kode wadah BPJSTK"),
        max_length=2,
        choices=WadahCode.choices,
        blank=True,
        help_text=_("Jenis kepesertaan wadah menurut PROBIS BPJSTK (SC/SB/SG/SD/SA/SL)."),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"), db_index=True)
    start_month = models.DateField(_("bulan iuran pertama"))
    months = models.PositiveSmallIntegerField(
        _("jumlah bulan dibiayai"),
        help_text=_(
            "Anggaran sering hanya untuk kurang dari 12 bulan (mis. Bantul 2026: 8 bulan)."
        ),
    )
    owner_area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("wilayah pemilik anggaran"),
        on_delete=models.PROTECT,
        related_name="funding_sources",
    )
    amount = models.PositiveBigIntegerField(_("pagu anggaran (Rp)"))
    # Sum of live commitments, changed only under a row lock in services.commit()/cancel().
    allocated = models.PositiveBigIntegerField(_("dialokasikan (Rp)"), default=0, editable=False)
    spent = models.PositiveBigIntegerField(_("terealisasi (Rp)"), default=0, editable=False)
    eligible_sectors = models.ManyToManyField(
        "workers.Sector",
        verbose_name=_("sektor sasaran"),
        blank=True,
        related_name="funding_sources",
        help_text=_("Kosong = semua sektor."),
    )
    eligible_areas = models.ManyToManyField(
        "areas.Area",
        verbose_name=_("wilayah sasaran"),
        blank=True,
        related_name="targeted_by_sources",
        help_text=_("Kosong = seluruh wilayah pemilik anggaran."),
    )
    max_poverty_desil = models.PositiveSmallIntegerField(
        _("desil DTSEN maksimum"),
        null=True,
        blank=True,
        help_text=_("Mis. 4 = hanya desil 1–4. Kosong = tanpa syarat kemiskinan."),
    )
    legal_basis = models.CharField(_("dasar hukum"), max_length=255, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    scope_field = "owner_area"

    class Meta:
        ordering = ["-fiscal_year", "source_type", "name"]
        verbose_name = _("sumber dana")
        verbose_name_plural = _("sumber dana")
        constraints = [
            # Last line of defence against over-commitment, whatever the code path.
            models.CheckConstraint(
                condition=Q(allocated__lte=F("amount")), name="funding_source_not_overcommitted"
            ),
            models.CheckConstraint(
                condition=Q(spent__lte=F("allocated")), name="funding_source_spent_le_allocated"
            ),
            models.CheckConstraint(
                condition=Q(months__gte=1) & Q(months__lte=12), name="funding_source_months_1_12"
            ),
        ]
        indexes = [models.Index(fields=["fiscal_year", "source_type"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.fiscal_year})"

    @property
    def remaining(self) -> int:
        return self.amount - self.allocated

    @property
    def end_month(self) -> dt.date:
        """First day of the last month financed."""
        return add_months_to_first(self.start_month, self.months - 1)

    @property
    def is_dana_desa(self) -> bool:
        return self.source_type == FundingType.DANA_DESA

    @property
    def used_percent(self) -> float:
        return 100.0 * self.allocated / self.amount if self.amount else 0.0


class CommitmentStatus(models.TextChoices):
    DIALOKASIKAN = "dialokasikan", _("Dialokasikan")
    DIBAYAR = "dibayar", _("Dibayar")
    DIBATALKAN = "dibatalkan", _("Dibatalkan")


LIVE_STATUSES = (CommitmentStatus.DIALOKASIKAN, CommitmentStatus.DIBAYAR)


class RenewalBatch(models.Model):
    """Commitments created together to renew memberships into a new fiscal year."""

    source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, related_name="renewal_batches"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed_count = models.PositiveIntegerField(_("jumlah diperpanjang"), default=0)
    skipped_count = models.PositiveIntegerField(_("jumlah tidak tertampung"), default=0)
    total_cost = models.PositiveBigIntegerField(_("total biaya (Rp)"), default=0)

    scope_field = "source__owner_area"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("batch perpanjangan")
        verbose_name_plural = _("batch perpanjangan")

    def __str__(self) -> str:
        return f"{self.source} · {format_date(self.created_at)}"


class Commitment(ChoiceLabels, models.Model):
    """A membership financed by a source for `months` contribution months from `start_month`."""

    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="commitments")
    membership = models.ForeignKey(
        "enrollment.Membership", on_delete=models.PROTECT, related_name="commitments"
    )
    start_month = models.DateField(_("bulan pertama"))
    months = models.PositiveSmallIntegerField(_("jumlah bulan"))
    # First day of the last month covered; stored so overlap and renewal queries stay in SQL.
    end_month = models.DateField(_("bulan terakhir"))
    cost = models.PositiveBigIntegerField(_("biaya (Rp)"))
    tariff_note = models.CharField(_("dasar tarif"), max_length=255, blank=True)
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.DIALOKASIKAN,
        db_index=True,
    )
    batch = models.ForeignKey(
        RenewalBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments"
    )
    note = models.CharField(_("catatan"), max_length=255, blank=True)
    # The contribution payment that realised this commitment (status dibayar).
    payment = models.OneToOneField(
        "enrollment.ContributionPayment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitment",
        verbose_name=_("pembayaran iuran"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    scope_field = "membership__village"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("komitmen pendanaan")
        verbose_name_plural = _("komitmen pendanaan")
        indexes = [
            models.Index(fields=["source", "status"]),
            models.Index(fields=["membership", "status"]),
            models.Index(fields=["end_month", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(months__gte=1) & Q(months__lte=12), name="commitment_months_1_12"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} ← {self.source_id} {self.start_month:%m/%Y}+{self.months}"

    def save(self, *args, **kwargs):
        self.end_month = add_months_to_first(self.start_month, self.months - 1)
        super().save(*args, **kwargs)

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


class WeightPolicy(models.Model):
    """Priority weights for the optimiser, as data (tobacco first, then desil, then sector).

    weight = tobacco_weight (if the sector is a tobacco sector) + desil_weights[desil-1]
             (or unknown_desil_weight) + sector_priority_weights[str(sector.priority)].
    Tier sizes are chosen so that a higher tier outweighs every combination of lower tiers.
    """

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    tobacco_sector_codes = models.JSONField(_("kode sektor tembakau"), default=list)
    tobacco_weight = models.PositiveIntegerField(_("bobot sektor tembakau"))
    desil_weights = models.JSONField(_("bobot desil 1–10"), default=list)
    unknown_desil_weight = models.PositiveIntegerField(_("bobot desil tidak diketahui"))
    sector_priority_weights = models.JSONField(_("bobot prioritas sektor"), default=dict)
    source = models.TextField(_("dasar / sumber"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kebijakan bobot prioritas")
        verbose_name_plural = _("kebijakan bobot prioritas")

    def __str__(self) -> str:
        return self.name


class Scenario(models.Model):
    """An allocation run: budgets (optionally cut) x candidates -> who is funded by what."""

    name = models.CharField(_("nama skenario"), max_length=150)
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="+"
    )
    cut_percent = models.DecimalField(
        _("pemotongan semua sumber (%)"), max_digits=5, decimal_places=2, default=0
    )
    # {"APBD": "20"}: an extra cut per source type, applied after the global one.
    type_cuts = models.JSONField(_("pemotongan per jenis sumber (%)"), default=dict, blank=True)
    weight_policy = models.ForeignKey(
        WeightPolicy, on_delete=models.PROTECT, related_name="scenarios"
    )
    status = models.CharField(max_length=10, choices=jobstatus.SIMPLE, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=255, blank=True)
    # Last sign of life of the run (scenarios.recover_stale fails runs that stopped moving).
    progress_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    scope_field = "area"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("skenario alokasi")
        verbose_name_plural = _("skenario alokasi")

    def __str__(self) -> str:
        return self.name


class ScenarioSource(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="sources")
    source = models.ForeignKey(FundingSource, on_delete=models.CASCADE, related_name="+")
    budget = models.PositiveBigIntegerField(_("anggaran skenario (Rp)"))
    used = models.PositiveBigIntegerField(default=0)
    funded = models.PositiveIntegerField(default=0)
    greedy_used = models.PositiveBigIntegerField(default=0)
    greedy_funded = models.PositiveIntegerField(default=0)
    cutoff_weight = models.PositiveIntegerField(null=True, blank=True)

    scope_field = "scenario__area"

    class Meta:
        ordering = ["source__source_type", "source__name"]

    def __str__(self) -> str:
        return f"{self.scenario_id}/{self.source_id}"


class Reason(models.TextChoices):
    DIDANAI = "didanai", _("Didanai")
    TIDAK_LAYAK = "tidak_layak", _("Tidak memenuhi syarat sumber dana mana pun")
    DI_BAWAH_BATAS = "di_bawah_batas", _("Prioritas di bawah batas potong")
    ANGGARAN_HABIS = "anggaran_habis", _("Anggaran sumber yang sesuai habis")


class ScenarioCandidate(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="candidates")
    membership = models.ForeignKey(
        "enrollment.Membership", on_delete=models.CASCADE, related_name="+"
    )
    source = models.ForeignKey(
        FundingSource, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    greedy_source = models.ForeignKey(
        FundingSource, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    weight = models.PositiveIntegerField()
    cost = models.PositiveBigIntegerField(default=0)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    eligible_count = models.PositiveSmallIntegerField(default=0)

    scope_field = "membership__village"

    class Meta:
        ordering = ["-weight", "id"]
        indexes = [models.Index(fields=["scenario", "reason"])]

    def __str__(self) -> str:
        return f"{self.scenario_id}/{self.membership_id}: {self.reason}"

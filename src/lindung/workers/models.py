"""People in the registry (pekerja), identified by NIK."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lindung.core.choices import ChoiceLabels
from lindung.core.formatting import format_date
from lindung.core.personnames import first_last


class Sector(models.Model):
    """Configurable occupation list; `priority` orders who is funded first (1 = first)."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    priority = models.PositiveSmallIntegerField(_("prioritas"), default=9)
    description = models.CharField(_("keterangan"), max_length=255, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["priority", "name"]
        verbose_name = _("sektor pekerjaan")
        verbose_name_plural = _("sektor pekerjaan")

    def __str__(self) -> str:
        return self.name


class Sex(models.TextChoices):
    LAKI_LAKI = "L", _("Laki-laki")
    PEREMPUAN = "P", _("Perempuan")


NAME_WORD_FIELDS = ("name_first_word", "name_last_word")


class Worker(ChoiceLabels, models.Model):
    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    name = models.CharField(_("nama lengkap"), max_length=150)
    # The normalised first and last words of `name` (core.personnames), kept in step by save()
    # and by every bulk writer: the duplicate check reads (birth date, word) from an index
    # instead of everyone born that day. NULL only on rows no writer has filled yet.
    name_first_word = models.CharField(max_length=150, null=True, editable=False)
    name_last_word = models.CharField(max_length=150, null=True, editable=False)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("tanggal lahir"))
    # As written in the village list's place/date of birth column (TTL); free text.
    birthplace = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    village = models.ForeignKey(
        "areas.Area",
        verbose_name=_("desa/kelurahan domisili"),
        on_delete=models.PROTECT,
        related_name="workers",
    )
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    phone = models.CharField(_("nomor HP"), max_length=16, blank=True)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sektor/pekerjaan"), on_delete=models.PROTECT, related_name="workers"
    )
    monthly_income = models.PositiveBigIntegerField(
        _("penghasilan per bulan (Rp)"), null=True, blank=True
    )
    poverty_desil = models.PositiveSmallIntegerField(
        _("desil DTSEN"), null=True, blank=True, help_text=_("1 = termiskin, 10 = terkaya")
    )
    priority_group = models.PositiveSmallIntegerField(
        _("kelompok prioritas"), default=9, db_index=True
    )
    deceased_date = models.DateField(_("tanggal meninggal"), null=True, blank=True)
    # Flags raised by validation (e.g. NIK birth date differs); cleared on verification.
    verification_flags = models.JSONField(_("catatan verifikasi"), default=list, blank=True)
    verified_at = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diverifikasi oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # History is read per worker only (by id); copies of the registry's indexes would make
    # every imported row update nine more indexes for nothing.
    history = HistoricalRecords(
        excluded_fields=["updated_at", "version", *NAME_WORD_FIELDS],
        no_db_index=[
            "nik",
            "name",
            "village",
            "sector",
            "priority_group",
            "verified_by",
            "created_by",
        ],
    )
    scope_field = "village"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("pekerja")
        verbose_name_plural = _("pekerja")
        indexes = [
            # Lists are ordered by (name, id); name search is icontains, so PostgreSQL needs
            # no varchar_pattern_ops copy of it (a plain db_index would add one).
            models.Index(fields=["name", "id"], name="worker_name_order"),
            models.Index(fields=["village", "sector"]),
            models.Index(fields=["birth_date", "village"]),
            models.Index(fields=["birth_date", "name_first_word"], name="worker_birth_first"),
            models.Index(fields=["birth_date", "name_last_word"], name="worker_birth_last"),
            # Rows a raw writer left without words (demo --no-steps): the duplicate check still
            # reads them by birth date; empty, and so free to keep, once they are filled.
            models.Index(
                fields=["birth_date"],
                condition=models.Q(name_first_word__isnull=True),
                name="worker_words_missing",
            ),
            # Few workers have died: the deceased-without-claim lists start from this index.
            models.Index(
                fields=["deceased_date"],
                condition=models.Q(deceased_date__isnull=False),
                name="worker_deceased",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_first_word, self.name_last_word = first_last(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, *NAME_WORD_FIELDS}
        super().save(*args, **kwargs)

    def figures_also_shown_in(self) -> set[str]:
        """Villages whose lists show this worker besides their own: those of memberships made
        before a move (core.figures moves their generations on with the worker's)."""
        if self.pk is None:
            return set()
        villages = set(self.memberships.order_by().values_list("village_id", flat=True).distinct())
        return villages - {self.village_id}

    @property
    def needs_verification(self) -> bool:
        return bool(self.verification_flags)

    @property
    def flag_details(self) -> list[dict[str, str]]:
        from .flags import describe

        return describe(self)

    def age_on(self, day) -> int:
        """Completed years on `day`."""
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def funding_type_choices() -> list[tuple[str, str]]:
    # Imported lazily: enrollment's models refer to Worker, so a module-level import could cycle.
    from lindung.workers.funding_types import FundingType

    return FundingType.choices


class EligibilityRule(models.Model):
    """Who may be enrolled under a funding scheme, valid for a period (reference §3, §5).

    A rule with an empty `funding_type` is the default for every scheme that has no rule of
    its own on that date. Numbers here are data, not code: the BPU maximum age is not
    confirmed (§3, §9.4), so it stays empty until a regulation gives it.
    """

    funding_type = models.CharField(
        _("sumber dana"),
        max_length=16,
        choices=funding_type_choices,
        blank=True,
        help_text=_("Kosong = berlaku untuk semua sumber dana yang tidak punya aturan sendiri."),
    )
    effective_from = models.DateField(_("berlaku mulai"))
    effective_to = models.DateField(
        _("berlaku sampai"), null=True, blank=True, help_text=_("Kosong = masih berlaku.")
    )
    min_age = models.PositiveSmallIntegerField(_("usia minimum"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(
        _("usia maksimum"),
        null=True,
        blank=True,
        help_text=_("Kosong = tidak ada batas (batas usia BPU belum terkonfirmasi)."),
    )
    requires_residency = models.BooleanField(_("wajib berdomisili di kabupaten"), default=False)
    allowed_sectors = models.ManyToManyField(
        Sector,
        verbose_name=_("sektor yang boleh"),
        blank=True,
        related_name="eligibility_rules",
        help_text=_("Kosong = semua sektor."),
    )
    source = models.TextField(_("dasar hukum / sumber"))
    note = models.TextField(_("catatan"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["funding_type", "-effective_from"]
        verbose_name = _("aturan kelayakan")
        verbose_name_plural = _("aturan kelayakan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="eligibility_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(max_age__isnull=True)
                | models.Q(min_age__isnull=True)
                | models.Q(max_age__gte=models.F("min_age")),
                name="eligibility_ages_ordered",
            ),
        ]

    def __str__(self) -> str:
        scheme = self.get_funding_type_display() or _("semua sumber dana")
        return f"{scheme} ({format_date(self.effective_from)})"

    def applies_on(self, day) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


class EligibilityOverride(models.Model):
    """An authorised exception to the eligibility rules, with the reason; the audit trail.

    Kept for good: who allowed whom to be funded by which source, why, and which checks failed.
    """

    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="eligibility_overrides"
    )
    funding_type = models.CharField(_("sumber dana"), max_length=16, choices=funding_type_choices)
    step = models.CharField(_("langkah"), max_length=40)
    failed_checks = models.TextField(_("syarat yang tidak terpenuhi"))
    reason = models.TextField(_("alasan pengecualian"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    scope_field = "worker__village"

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("pengecualian syarat kelayakan")
        verbose_name_plural = _("pengecualian syarat kelayakan")
        indexes = [models.Index(fields=["worker", "funding_type"])]

    def __str__(self) -> str:
        return f"{self.worker} · {self.funding_type} · {self.at:%d-%m-%Y}"

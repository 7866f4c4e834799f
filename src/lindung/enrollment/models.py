"""Memberships (kepesertaan BPU) of workers, with their lifecycle."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lindung.core.choices import ChoiceLabels
from lindung.workers.funding_types import FundingType  # noqa: F401 (enrollment callers use it from here)


class MembershipStatus(models.TextChoices):
    DIDATA = "didata", _("Didata")
    DIVERIFIKASI = "diverifikasi", _("Diverifikasi")
    DIAJUKAN = "diajukan", _("Diajukan ke BPJS")
    AKTIF = "aktif", _("Aktif")
    MENUNGGAK = "menunggak", _("Menunggak")
    NONAKTIF = "nonaktif", _("Nonaktif")
    BERAKHIR = "berakhir", _("Berakhir")


class EndReason(models.TextChoices):
    MENINGGAL = "meninggal", _("Meninggal dunia")
    PINDAH = "pindah", _("Pindah domisili")
    USIA = "usia", _("Batas usia")
    MENGUNDURKAN_DIRI = "mengundurkan_diri", _("Mengundurkan diri")
    TUNGGAKAN = "tunggakan", _("Menunggak lebih dari batas")


PRE_ACTIVE = (MembershipStatus.DIDATA, MembershipStatus.DIVERIFIKASI, MembershipStatus.DIAJUKAN)


class MembershipQuerySet(models.QuerySet):
    def active_on(self, day) -> "MembershipQuerySet":
        """Protected on `day`: started, paid up to at least that day, not ended before it.

        Uses dates rather than the current status so past dates (monthly trends) count right.
        """
        return (
            self.exclude(status__in=PRE_ACTIVE)
            .filter(coverage_start__lte=day, paid_until__gte=day)
            .filter(models.Q(coverage_end__isnull=True) | models.Q(coverage_end__gte=day))
        )


class Membership(ChoiceLabels, models.Model):
    worker = models.ForeignKey(
        "workers.Worker", on_delete=models.PROTECT, related_name="memberships"
    )
    # Denormalised from the worker so that scoping and coverage counts need no join.
    village = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="memberships")
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=MembershipStatus.choices,
        default=MembershipStatus.DIDATA,
        db_index=True,
    )
    end_reason = models.CharField(
        _("alasan berakhir"), max_length=20, choices=EndReason.choices, blank=True
    )
    with_jht = models.BooleanField(_("ikut JHT"), default=False)
    kpj = models.CharField(_("nomor KPJ"), max_length=20, blank=True)
    # Some branches confirm registration without sharing card numbers.
    bpjs_registered = models.BooleanField(_("terdaftar di BPJS"), null=True, blank=True)
    declared_income = models.PositiveBigIntegerField(_("penghasilan dilaporkan (Rp)"))
    funding_type = models.CharField(
        _("sumber dana"), max_length=16, choices=FundingType.choices, default=FundingType.MANDIRI
    )
    payment_period_months = models.PositiveSmallIntegerField(_("periode bayar (bulan)"), default=1)
    coverage_start = models.DateField(_("mulai perlindungan"), null=True, blank=True)
    paid_until = models.DateField(_("dibayar sampai"), null=True, blank=True)
    coverage_end = models.DateField(_("akhir kepesertaan"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])
    scope_field = "village"

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("kepesertaan")
        verbose_name_plural = _("kepesertaan")
        indexes = [
            # The list pages read the newest first; without it SQLite sorts 1M rows per page.
            models.Index(fields=["-created_at", "id"], name="membership_newest_first"),
            models.Index(fields=["village", "status"]),
            # Worklist samples read `ORDER BY paid_until, id LIMIT 10` and `ORDER BY created_at,
            # id LIMIT 10`: with `id` in the index the order comes from it and ten rows are
            # read, not a whole month of paid_until (PostgreSQL at 1M: 190 ms -> 0.1 ms), and
            # the few memberships awaiting verification have their own oldest-first index.
            models.Index(fields=["status", "paid_until", "id"], name="membership_due_order"),
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(status__in=["didata", "diverifikasi"]),
                name="membership_awaiting_oldest",
            ),
            # Renewals due, longest unpaid first (the funding worklist): memberships not ended,
            # by paid-until day, so the first few are read without sorting a month of ties.
            models.Index(
                fields=["paid_until", "id"],
                condition=~models.Q(status__in=["berakhir", "nonaktif"]),
                name="membership_renewal_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} ({self.get_status_display()})"

    def is_protected_on(self, day) -> bool:
        """The one definition of "covered on `day`", the same as `objects.active_on(day)`.

        The status says where the membership is in its lifecycle; protection needs the day to
        be paid for. An "aktif" membership whose current month is not yet paid (before the
        deadline day) is not protected until that month is paid; pages show it, see
        `unprotected_since`.
        """
        return (
            self.status not in PRE_ACTIVE
            and self.coverage_start is not None
            and self.paid_until is not None
            and self.coverage_start <= day <= self.paid_until
            and (self.coverage_end is None or day <= self.coverage_end)
        )

    def unprotected_since(self, today):
        """First unpaid day when the status is still aktif/menunggak but `today` is not
        covered; None when status and protection agree."""
        if self.status not in (MembershipStatus.AKTIF, MembershipStatus.MENUNGGAK):
            return None
        if self.is_protected_on(today) or self.paid_until is None:
            return None
        return self.paid_until + dt.timedelta(days=1)

    @property
    def unprotected_today(self):
        from django.utils import timezone

        return self.unprotected_since(timezone.localdate())


class MembershipTransition(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=14, choices=MembershipStatus.choices, blank=True)
    to_status = models.CharField(max_length=14, choices=MembershipStatus.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)

    scope_field = "membership__village"

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class ContributionPayment(models.Model):
    """Contribution months paid for a membership; amount priced by tariffs.period_cost."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="payments")
    period_start = models.DateField(_("bulan iuran pertama"))
    period_end = models.DateField(_("dibayar sampai"))
    months = models.PositiveSmallIntegerField(_("jumlah bulan"))
    amount = models.PositiveBigIntegerField(_("jumlah dibayar (Rp)"))
    expected_amount = models.PositiveBigIntegerField(_("iuran menurut tarif (Rp)"))
    funding_type = models.CharField(_("sumber dana"), max_length=16, choices=FundingType.choices)
    paid_on = models.DateField(_("tanggal bayar"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("catatan"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    scope_field = "membership__village"

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("pembayaran iuran")
        verbose_name_plural = _("pembayaran iuran")

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.period_start:%m/%Y} +{self.months}"


# Tariff tables live in their own module; importing them here registers them with the app.
from .tariffs import (  # noqa: E402, F401
    DiscountProgramme,
    IncomeBracket,
    LapseRule,
    TariffVersion,
)

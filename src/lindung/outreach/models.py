"""Village socialisation teams, their activities, and the registrations those activities produce.

The Bupati asked every kepala desa to form an active team that explains social security to
residents (docs/domain.md SE Bupati 400.10.2.4/112/PMD/2026). no comparable
system links socialisation activity to the registrations it yields, so yield is measured here.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lindung.core.choices import ChoiceLabels
from lindung.core.formatting import format_date


class OutreachPolicy(models.Model):
    """Local policy numbers (not regulation), versioned by effective date; data, not code."""

    effective_from = models.DateField(_("berlaku mulai"), unique=True)
    inactive_days = models.PositiveSmallIntegerField(
        _("ambang desa tanpa kegiatan (hari)"),
        help_text=_("Desa tanpa kegiatan sosialisasi selama lebih dari ini ditandai untuk camat."),
    )
    attribution_window_days = models.PositiveSmallIntegerField(
        _("jendela atribusi (hari)"),
        help_text=_(
            "Pekerja yang didaftarkan sampai sekian hari setelah kegiatan dapat ditautkan."
        ),
    )
    source = models.CharField(_("dasar/sumber"), max_length=255)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("kebijakan sosialisasi")
        verbose_name_plural = _("kebijakan sosialisasi")

    def __str__(self) -> str:
        return f"{self.effective_from}: {self.inactive_days} hari"

    @classmethod
    def current(cls, on: dt.date | None = None) -> OutreachPolicy:
        from django.utils import timezone

        on = on or timezone.localdate()
        policy = cls.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
        # Dates before the first row fall under the first row rather than under nothing.
        policy = policy or cls.objects.order_by("effective_from").first()
        if policy is None:
            # Only reachable if the seeded row was deleted; fail loudly rather than guess.
            raise cls.DoesNotExist("Belum ada kebijakan sosialisasi yang berlaku.")
        return policy


class Team(models.Model):
    """A village socialisation team (tim sosialisasi desa), formed by a kepala desa's decree."""

    village = models.ForeignKey(
        "areas.Area",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="outreach_teams",
    )
    name = models.CharField(_("nama tim"), max_length=120)
    decree_number = models.CharField(
        _("nomor SK pembentukan"),
        max_length=100,
        blank=True,
        help_text=_("Contoh: 141/12/DS-DT/2025. Kosongkan bila SK belum terbit."),
    )
    decree_date = models.DateField(_("tanggal SK"), null=True, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    scope_field = "village"

    class Meta:
        ordering = ["village_id", "name"]
        verbose_name = _("tim sosialisasi")
        verbose_name_plural = _("tim sosialisasi")
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="outreach_team_uniq_name")
        ]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    KETUA = "ketua", _("Ketua")
    SEKRETARIS = "sekretaris", _("Sekretaris")
    ANGGOTA = "anggota", _("Anggota")
    KADER = "kader", _("Kader/relawan")
    PENDAMPING = "pendamping", _("Pendamping (BPJS/Perisai/dinas)")


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("nama"), max_length=150)
    role = models.CharField(_("peran"), max_length=12, choices=MemberRole.choices)
    phone = models.CharField(_("nomor HP"), max_length=16, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    scope_field = "team__village"

    class Meta:
        ordering = ["team_id", "role", "name"]
        verbose_name = _("anggota tim")
        verbose_name_plural = _("anggota tim")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class ActivityKind(models.TextChoices):
    DOOR_TO_DOOR = "door_to_door", _("Dari rumah ke rumah")
    VILLAGE_MEETING = "village_meeting", _("Pertemuan/musyawarah desa")
    MOSQUE = "mosque", _("Masjid/pengajian")
    MARKET = "market", _("Pasar")
    FARMER_GROUP = "farmer_group", _("Kelompok tani")


class Activity(ChoiceLabels, models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="activities")
    # Denormalised from the team so that scoping, flags and reports need no join.
    village = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="outreach_activities"
    )
    date = models.DateField(_("tanggal"), db_index=True)
    kind = models.CharField(_("jenis kegiatan"), max_length=16, choices=ActivityKind.choices)
    place = models.CharField(_("tempat"), max_length=150)
    attendees = models.PositiveIntegerField(
        _("jumlah peserta"), validators=[MaxValueValidator(100_000)]
    )
    notes = models.TextField(_("catatan"), blank=True)
    # Random name under MEDIA_ROOT, never the uploader's file name; served by a scoped view only.
    photo = models.FileField(_("foto"), upload_to="outreach/photos/", blank=True, max_length=200)
    photo_content_type = models.CharField(max_length=20, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    scope_field = "village"

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("kegiatan sosialisasi")
        verbose_name_plural = _("kegiatan sosialisasi")
        indexes = [models.Index(fields=["village", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_date(self.date)} ({self.place})"

    def save(self, *args, **kwargs):
        self.village_id = self.team.village_id
        super().save(*args, **kwargs)


class ActivityRegistration(models.Model):
    """A worker registered through an activity. One activity per worker, so yield never doubles."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="registrations")
    worker = models.OneToOneField(
        "workers.Worker", on_delete=models.CASCADE, related_name="outreach_registration"
    )
    linked_at = models.DateTimeField(auto_now_add=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_field = "activity__village"

    class Meta:
        ordering = ["activity_id", "worker__name"]
        verbose_name = _("pendaftaran hasil sosialisasi")
        verbose_name_plural = _("pendaftaran hasil sosialisasi")

    def __str__(self) -> str:
        return f"{self.worker_id} <- {self.activity_id}"


class OutreachTarget(models.Model):
    """Yearly target for a village, or for one of its teams when `team` is set."""

    village = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="outreach_targets"
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("tim (opsional)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="targets",
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    activities_target = models.PositiveIntegerField(_("target kegiatan"))
    registrations_target = models.PositiveIntegerField(_("target pendaftaran"))
    note = models.CharField(_("keterangan"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    scope_field = "village"

    class Meta:
        ordering = ["-year", "village_id"]
        verbose_name = _("target sosialisasi")
        verbose_name_plural = _("target sosialisasi")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year"],
                condition=models.Q(team__isnull=True),
                name="outreach_target_uniq_village_year",
            ),
            models.UniqueConstraint(
                fields=["team", "year"],
                condition=models.Q(team__isnull=False),
                name="outreach_target_uniq_team_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year}"

    def save(self, *args, **kwargs):
        if self.team_id:
            self.village_id = self.team.village_id
        super().save(*args, **kwargs)

"""Users, their role and the one area they work in."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN_KABUPATEN = "admin_kabupaten", _("Admin kabupaten (Disnakertrans)")
    PETUGAS_BPJS = "petugas_bpjs", _("Petugas BPJS Ketenagakerjaan")
    CAMAT = "camat", _("Camat / staf kecamatan")
    OPERATOR_DESA = "operator_desa", _("Operator / kepala desa")
    VIEWER = "viewer", _("Peninjau (Dinas Pertanian, PMD)")


# Roles that may create or change records inside their area.
EDITOR_ROLES = {Role.ADMIN_KABUPATEN, Role.PETUGAS_BPJS, Role.OPERATOR_DESA}
# Roles offered (with LINDUNG_REQUIRE_2FA: required) two-step verification at login.
TWO_FACTOR_ROLES = {Role.ADMIN_KABUPATEN, Role.PETUGAS_BPJS}
# Roles that see NIK and phone unmasked in lists.
FULL_PERSONAL_DATA_ROLES = {Role.ADMIN_KABUPATEN, Role.PETUGAS_BPJS, Role.OPERATOR_DESA}


class User(AbstractUser):
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("wilayah kerja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Pengguna hanya melihat dan mengubah data di dalam wilayah ini."),
    )
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    @property
    def scope_code(self) -> str | None:
        """Area code that bounds everything this user may see; None means nothing."""
        if self.is_superuser:
            return ""
        return self.area_id

    @property
    def can_edit(self) -> bool:
        return self.is_superuser or self.role in EDITOR_ROLES

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN_KABUPATEN

    @property
    def sees_personal_data(self) -> bool:
        return self.is_superuser or self.role in FULL_PERSONAL_DATA_ROLES


class ApiToken(models.Model):
    """Personal API token; only its SHA-256 is stored, the token is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nama"), max_length=80)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
